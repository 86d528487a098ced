"""The fuzzer's authentication: contract/hooks.py and contract/run.py's coverage check."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml

from contract import hooks
from contract.run import (
    WebhookReceiver,
    token_operations,
    unauthenticated_operations,
    webhook_receiver,
)
from tests.factories import PASSWORD, make_user
from tests.live import live_server

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TOKEN: list[dict[str, list[str]]] = [{"tokenAuth": []}]


def _case(method: str, path: str, security: Any = TOKEN, body: Any = None) -> Any:
    # The attributes of a schemathesis Case the hooks read and write.
    operation = SimpleNamespace(method=method, path=path, definition=SimpleNamespace(raw={}))
    if security is not None:
        operation.definition.raw["security"] = security
    return SimpleNamespace(operation=operation, headers=None, body=body, path_parameters=None)


def _send(base_url: str, case: Any) -> Any:
    path = case.operation.path.format(**(case.path_parameters or {}))
    response = httpx.request(
        case.operation.method, f"{base_url}{path}", headers=case.headers, json=case.body
    )
    hooks.after_call(None, case, response)
    return response


def _me(base_url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{base_url}/api/v1/auth/me", headers=headers).status_code


def test_requires_token_reads_the_security_requirement() -> None:
    assert hooks.requires_token(TOKEN)
    assert not hooks.requires_token([{}])  # public
    assert not hooks.requires_token([{}, {"tokenAuth": []}])  # token optional
    assert not hooks.requires_token(None)


def test_operations_that_only_answered_401_are_named() -> None:
    schema = yaml.safe_load((PROJECT_ROOT / "schema.yaml").read_text())
    needing = token_operations(schema)
    assert "GET /api/v1/auth/me" in needing
    assert "POST /api/v1/auth/login" not in needing
    report = {operation: {"200": 1} for operation in needing}
    assert unauthenticated_operations(schema, report) == []
    report["GET /api/v1/auth/me"] = {"401": 7, "403": 1}
    del report["POST /api/v1/auth/logout"]
    assert unauthenticated_operations(schema, report) == [
        "GET /api/v1/auth/me",
        "POST /api/v1/auth/logout",
    ]


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_session_ending_calls_run_as_the_spare_user_logged_in_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fuzzer = make_user(email="fuzz@example.com")
    spare = make_user(email="spare@example.com")
    with live_server() as server:
        login = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            json={"email": fuzzer.email, "password": PASSWORD, "client_name": "fuzz"},
        )
        fuzz_token = login.json()["token"]
        identities = hooks.Identities(
            fuzz_token=fuzz_token,
            spare=hooks.SpareUser(base_url=server.base_url, email=spare.email, password=PASSWORD),
        )
        monkeypatch.setattr(hooks, "IDENTITIES", identities)

        me = _case("GET", "/api/v1/auth/me")
        hooks.before_call(None, me, {})
        assert me.headers == {"Authorization": f"Bearer {fuzz_token}"}

        public = _case("POST", "/api/v1/auth/signup", security=[{}])
        hooks.before_call(None, public, {})
        assert public.headers is None

        spare_tokens = []
        for _ in range(2):
            logout = _case("POST", "/api/v1/auth/logout")
            hooks.before_call(None, logout, {})
            spare_tokens.append(logout.headers["Authorization"].removeprefix("Bearer "))
            assert _send(server.base_url, logout).status_code == 204
        first, second = spare_tokens
        assert first != second != fuzz_token  # logged in again after the first logout
        assert _me(server.base_url, first) == _me(server.base_url, second) == 401
        assert _me(server.base_url, fuzz_token) == 200  # the fuzzer's token lived on

        # Every REAL_SESSION_EVERY-th revoke targets a real session of the spare user.
        statuses = []
        for _ in range(hooks.REAL_SESSION_EVERY):
            revoke = _case("DELETE", "/api/v1/auth/sessions/{session_id}")
            revoke.path_parameters = {"session_id": "6f1c1d2e-8a53-4a47-9b8e-1f2a3b4c5d6e"}
            hooks.before_call(None, revoke, {})
            statuses.append(_send(server.base_url, revoke).status_code)
        assert statuses[:-1] == [404] * (hooks.REAL_SESSION_EVERY - 1)
        assert statuses[-1] == 204
        assert _me(server.base_url, fuzz_token) == 200

        assert identities.statuses["POST /api/v1/auth/logout"] == {204: 2}


def test_every_other_webhook_endpoint_write_points_at_the_local_receiver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    identities = hooks.Identities(
        fuzz_token="fuzz-token",
        spare=hooks.SpareUser(base_url="http://unused", email="s@example.com", password="p"),
        webhook_url="http://127.0.0.1:1/contract-webhook",
    )
    monkeypatch.setattr(hooks, "IDENTITIES", identities)
    urls = []
    for method, path in sorted(hooks.WEBHOOK_URL_WRITES) * hooks.WEBHOOK_URL_EVERY:
        case = _case(method, path, body={"url": "https://generated.example/x", "events": []})
        hooks.before_call(None, case, {})
        assert case.headers == {"Authorization": "Bearer fuzz-token"}
        urls.append(case.body["url"])
    assert urls.count("http://127.0.0.1:1/contract-webhook") == len(urls) // hooks.WEBHOOK_URL_EVERY


def test_the_local_webhook_receiver_answers_204_and_counts_deliveries() -> None:
    before = WebhookReceiver.deliveries
    with webhook_receiver() as url:
        assert url.startswith("http://127.0.0.1:")
        response = httpx.post(url, json={"event": "document.created"})
    assert response.status_code == 204
    assert WebhookReceiver.deliveries == before + 1
