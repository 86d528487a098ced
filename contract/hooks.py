"""schemathesis hooks (loaded with ``SCHEMATHESIS_HOOKS=contract.hooks``).

Adds ``standard_error_shape``: every 4xx/5xx body is the one error shape,
``{"type", "errors": [{"code", "detail", "attr"}], "request_id"}`` as JSON.

Authenticates every operation that requires a token, with two throwaway users
that ``contract.run`` signed up and logged in through the API:

- the fuzz user's token (``CONTRACT_FUZZ_TOKEN``) for every operation that
  cannot end a session;
- the spare user (``CONTRACT_SPARE_EMAIL`` / ``CONTRACT_SPARE_PASSWORD``) for
  the operations that can (logout, logout-all, revoking a session, changing the
  password). Its token is logged in again through the API whenever one of those
  may have ended it, so each call of them is made authenticated too, and the
  fuzz user's token lives through the whole run.

Success paths a fuzzer cannot guess are steered into now and then: every few
password changes send the spare user's real current password (204: password
changed, other sessions revoked; the hook remembers the new password), and
every other session revoke targets a real, freshly logged-in session of the
spare user (204) instead of a random id (404), and every other webhook
endpoint created or updated points at the local receiver ``contract.run``
serves (``CONTRACT_WEBHOOK_URL``; a generated URL rarely resolves to a public
address, so the endpoint would never exist and its deliveries never run).
"""

import atexit
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis

ERROR_TYPES = {"validation_error", "client_error", "server_error"}
SESSION_ENDING = frozenset(
    {
        ("POST", "/api/v1/auth/logout"),
        ("POST", "/api/v1/auth/logout-all"),
        ("DELETE", "/api/v1/auth/sessions/{session_id}"),
        ("POST", "/api/v1/auth/password/change"),
    }
)
PASSWORD_CHANGE = ("POST", "/api/v1/auth/password/change")
SESSION_REVOKE = ("DELETE", "/api/v1/auth/sessions/{session_id}")
REAL_PASSWORD_EVERY = 4  # every 4th password change sends the real current password
REAL_SESSION_EVERY = 2  # every 2nd session revoke targets a real session
WEBHOOK_URL_EVERY = 2  # every 2nd webhook endpoint write points at the local receiver
WEBHOOK_URL_WRITES = frozenset(
    {
        ("POST", "/api/v1/workspaces/{workspace_id}/webhooks"),
        ("PATCH", "/api/v1/workspaces/{workspace_id}/webhooks/{endpoint_id}"),
    }
)


def requires_token(security: Any) -> bool:
    """Whether an operation's ``security`` list demands the bearer token (no ``{}`` option)."""
    return isinstance(security, list) and bool(security) and all(security)


@dataclass
class SpareUser:
    """The user whose sessions the session-ending operations may end."""

    base_url: str
    email: str
    password: str
    token: str | None = None
    calls: dict[tuple[str, str], int] = field(default_factory=dict)
    statuses: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    logins: int = 0

    def log_in(self) -> dict[str, Any]:
        """A new session of the spare user, through the API: the login response body."""
        response = httpx.post(
            f"{self.base_url}/api/v1/auth/login",
            json={"email": self.email, "password": self.password, "client_name": "fuzz-spare"},
            timeout=30,
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"spare user login answered {response.status_code}: {response.text[:300]}"
            )
        self.logins += 1
        body: dict[str, Any] = response.json()
        return body

    def current_token(self) -> str:
        if self.token is None:
            self.token = str(self.log_in()["token"])
        return self.token

    def nth_call(self, key: tuple[str, str]) -> int:
        self.calls[key] = self.calls.get(key, 0) + 1
        return self.calls[key]


@dataclass
class Identities:
    fuzz_token: str
    spare: SpareUser
    webhook_url: str | None = None
    webhook_writes: int = 0
    # Per operation that needs a token, how often each status came back (with our token).
    statuses: dict[str, Counter[int]] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Identities | None":
        token = os.environ.get("CONTRACT_FUZZ_TOKEN")
        if not token:
            return None
        return cls(
            webhook_url=os.environ.get("CONTRACT_WEBHOOK_URL") or None,
            fuzz_token=token,
            spare=SpareUser(
                base_url=os.environ["CONTRACT_BASE_URL"].rstrip("/"),
                email=os.environ["CONTRACT_SPARE_EMAIL"],
                password=os.environ["CONTRACT_SPARE_PASSWORD"],
            ),
        )


IDENTITIES = Identities.from_env()


def _summary() -> None:
    if IDENTITIES is None:
        return
    report = os.environ.get("CONTRACT_AUTH_REPORT")
    if report:
        counts = {op: {str(k): v for k, v in c.items()} for op, c in IDENTITIES.statuses.items()}
        Path(report).write_text(json.dumps(counts, indent=2, sort_keys=True))
    spare = IDENTITIES.spare
    print(f"contract.hooks: spare user logged in {spare.logins} times; session-ending calls:")
    for (method, path, status), count in sorted(spare.statuses.items()):
        print(f"contract.hooks:   {method} {path} -> {status}: {count}")


atexit.register(_summary)


def _key(case: Any) -> tuple[str, str]:
    return (case.operation.method.upper(), case.operation.path)


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Send the right user's token; now and then, the spare user's real password."""
    if IDENTITIES is None or not requires_token(case.operation.definition.raw.get("security")):
        return
    key = _key(case)
    if key not in SESSION_ENDING:
        token = IDENTITIES.fuzz_token
        if key in WEBHOOK_URL_WRITES and IDENTITIES.webhook_url and isinstance(case.body, dict):
            IDENTITIES.webhook_writes += 1
            if IDENTITIES.webhook_writes % WEBHOOK_URL_EVERY == 0:
                case.body["url"] = IDENTITIES.webhook_url
    else:
        spare = IDENTITIES.spare
        token = spare.current_token()
        nth = spare.nth_call(key)
        real_password = nth % REAL_PASSWORD_EVERY == 0
        if key == PASSWORD_CHANGE and isinstance(case.body, dict) and real_password:
            case.body["current_password"] = spare.password
        if key == SESSION_REVOKE and nth % REAL_SESSION_EVERY == 0:
            case.path_parameters = {
                **(case.path_parameters or {}),
                "session_id": spare.log_in()["session_id"],
            }
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Count statuses per operation; forget the spare token once a call may have ended it."""
    if IDENTITIES is None or not requires_token(case.operation.definition.raw.get("security")):
        return
    key, status = _key(case), response.status_code
    sent = getattr(getattr(response, "request", None), "method", None)
    if sent is not None and sent.upper() != key[0]:
        return  # a wrong-method probe (405, OPTIONS): not this operation
    IDENTITIES.statuses.setdefault(" ".join(key), Counter())[status] += 1
    if key not in SESSION_ENDING:
        return
    spare = IDENTITIES.spare
    spare.statuses[(*key, status)] += 1
    if key == PASSWORD_CHANGE and status == 204 and isinstance(case.body, dict):
        spare.password = case.body["new_password"]  # the same session stays valid
    elif 200 <= status < 300 or status == 401:
        spare.token = None


def error_shape_problems(status: int, content_type: str, body: Any) -> list[str]:
    """What is wrong with an error response, or nothing."""
    if "json" not in content_type:
        return [f"{status} answered with content type {content_type!r}, not JSON"]
    if not isinstance(body, dict):
        return [f"{status} body is not a JSON object"]
    problems = []
    if set(body) != {"type", "errors", "request_id"}:
        problems.append(f"keys are {sorted(body)}, want ['errors', 'request_id', 'type']")
    if body.get("type") not in ERROR_TYPES:
        problems.append(f"type is {body.get('type')!r}")
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        problems.append("errors is not a non-empty list")
    else:
        for item in errors:
            if not (
                isinstance(item, dict)
                and set(item) == {"code", "detail", "attr"}
                and isinstance(item["code"], str)
                and isinstance(item["detail"], str)
                and (item["attr"] is None or isinstance(item["attr"], str))
            ):
                problems.append(f"bad error item {item!r}")
    if not (body.get("request_id") is None or isinstance(body.get("request_id"), str)):
        problems.append("request_id is not a string or null")
    return problems


@schemathesis.check
def standard_error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    try:
        body = response.json()
    except ValueError:
        body = None
    problems = error_shape_problems(response.status_code, content_type, body)
    if problems:
        raise AssertionError("Not the standard error shape: " + "; ".join(problems))
    return True
