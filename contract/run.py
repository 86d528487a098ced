"""Run the frontend contract against a real server: ``uv run python -m contract.run``.

Brings the stack up through ``apps.core.stack`` (embedded PostgreSQL / Redis
under ``.data/contract/`` when ``DATABASE_URL`` / ``REDIS_URL`` are unset, as
``uv run dev`` does), migrates, starts ``uvicorn project.asgi:app`` on a free
loopback port and the job workers (a Celery worker on this run's own queues,
and ``db_worker``), then runs the
TypeScript client (``npm ci``, generate, typecheck, check:no-any, flows) and
the schemathesis pass, and stops everything it started. Between the two, the
browser suite (``clients/typescript/browser/run.mjs``): Debian's Chromium,
driven by playwright-core, runs the client's flows from a page on a second
loopback origin (which the server allows by CORS), checks that a third origin
gets nothing, and loads Swagger UI, Redoc and the admin (screenshots in
``.data/browser/``).

Budget: ``--full`` lifts the CI bounds (examples per operation, wall clock).
Auth for the fuzzer: two throwaway users signed up and logged in through the
API (``fuzz_identities``); ``contract/hooks.py`` sends their tokens.

The server runs with generous throttles (``THROTTLE_*``) and no practical
lockout (``AXES_FAILURE_LIMIT``), unless set: the flows and the spare user log
in again and again from one address, the fuzzer's wrong current passwords
count as failed logins, and both guards are tested in ``tests/accounts``.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, override

import httpx

from apps.core.devstate import AlreadyRunning
from apps.core.embedded import free_port
from apps.core.stack import (
    Stack,
    celery_worker_command,
    db_worker_command,
    uvicorn_command,
)
from contract.hooks import requires_token

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLIENT_DIR = PROJECT_ROOT / "clients" / "typescript"
DATA_DIR = PROJECT_ROOT / ".data"
DATABASE = "contract"
SCHEMATHESIS_CONFIG = PROJECT_ROOT / "contract" / "schemathesis.toml"
SERVER_LOG = DATA_DIR / "contract-server.log"
AUTH_REPORT = DATA_DIR / "contract-auth-report.json"
SCREENSHOT_DIR = DATA_DIR / "browser"
CHROMIUM = "/usr/bin/chromium"  # Debian's package; .ci/run installs it
GENEROUS_THROTTLES = {
    "THROTTLE_SIGNUP": "10000/m",
    "THROTTLE_LOGIN": "10000/m",
    "THROTTLE_PASSWORD_RESET": "10000/m",
    "THROTTLE_EMAIL_VERIFICATION": "10000/m",
    "THROTTLE_PASSWORD_CHANGE": "10000/m",
    "THROTTLE_ACCOUNT_LINKS": "10000/m",
    "THROTTLE_INVITATIONS": "10000/m",
    "THROTTLE_INVITATIONS_PER_WORKSPACE": "10000/m",
}
# The fuzzer sends wrong current passwords to password/change, which count as
# failed logins of the spare user (who must keep logging in): no lockout here;
# the lockout itself is tested in tests/accounts.
GENEROUS_AXES_FAILURE_LIMIT = "1000000"
CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "standard_error_shape",  # contract/hooks.py
]
CI_MAX_EXAMPLES = 25
CI_MAX_SECONDS = 60
SERVER_LOG_TAIL = 40
FULL_MAX_EXAMPLES = 500


def log(message: str) -> None:
    print(f"contract: {message}", flush=True)


def run(command: list[str], *, env: dict[str, str], cwd: Path = PROJECT_ROOT) -> None:
    log("$ " + " ".join(command))
    started = time.monotonic()
    subprocess.run(command, env=env, cwd=cwd, check=True)
    log(f"({time.monotonic() - started:.1f} s)")


def sign_up_and_log_in(base_url: str, *, client_name: str) -> tuple[str, str, str]:
    """A new throwaway account, through the API: (email, password, token)."""
    email = f"contract-{uuid.uuid4().hex}@example.com"
    password = f"correct horse {secrets.token_urlsafe(12)}"
    signup = httpx.post(
        f"{base_url}/api/v1/auth/signup", json={"email": email, "password": password}, timeout=30
    )
    if signup.status_code != 202:
        raise RuntimeError(f"signup answered {signup.status_code}: {signup.text[:300]}")
    login = httpx.post(
        f"{base_url}/api/v1/auth/login",
        json={"email": email, "password": password, "client_name": client_name},
        timeout=30,
    )
    if login.status_code != 200:
        raise RuntimeError(f"login answered {login.status_code}: {login.text[:300]}")
    return email, password, str(login.json()["token"])


def fuzz_identities(base_url: str) -> dict[str, str]:
    """Environment for contract/hooks.py: the fuzz user's token and the spare user's login.

    The spare user takes the operations that end sessions (see the hooks), so
    they cannot end the fuzz user's token mid-run.
    """
    _, _, fuzz_token = sign_up_and_log_in(base_url, client_name="fuzz")
    spare_email, spare_password, _ = sign_up_and_log_in(base_url, client_name="fuzz-spare")
    return {
        "CONTRACT_BASE_URL": base_url,
        "CONTRACT_FUZZ_TOKEN": fuzz_token,
        "CONTRACT_SPARE_EMAIL": spare_email,
        "CONTRACT_SPARE_PASSWORD": spare_password,
    }


NPM = ["npm", "--prefix", str(CLIENT_DIR)]


def client_steps(base_url: str, env: dict[str, str]) -> None:
    run([*NPM, "ci", "--no-audit", "--no-fund"], env=env)
    for script in ("generate", "typecheck", "check:no-any", "check:minimal-calls"):
        run([*NPM, "run", script], env=env)
    run([*NPM, "run", "flows"], env={**env, "API_BASE_URL": base_url})


@dataclass(frozen=True)
class BrowserPorts:
    """The static page's origin (allowed by CORS) and a stranger's (not allowed)."""

    page: int
    stranger: int

    @property
    def page_origin(self) -> str:
        return f"http://127.0.0.1:{self.page}"


def browser_step(base_url: str, env: dict[str, str], ports: BrowserPorts) -> None:
    """The browser suite against the live server (needs the client's npm ci first)."""
    chromium = env.get("CHROMIUM", CHROMIUM)
    if not Path(chromium).exists():
        raise RuntimeError(f"{chromium} not found: apt-get install -y chromium (.ci/run does)")
    browser_env = {
        **env,
        "API_BASE_URL": base_url,
        "PAGE_PORT": str(ports.page),
        "STRANGER_PORT": str(ports.stranger),
        "SCREENSHOT_DIR": str(SCREENSHOT_DIR),
        "CHROMIUM": chromium,
    }
    run([*NPM, "run", "browser"], env=browser_env)


class WebhookReceiver(BaseHTTPRequestHandler):
    """The local stand-in for a customer's webhook endpoint: 204 to every POST."""

    deliveries = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).deliveries += 1
        self.send_response(204)
        self.end_headers()

    @override
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per delivery on stderr is noise


@contextmanager
def webhook_receiver() -> Iterator[str]:
    """Serve WebhookReceiver on a free loopback port; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), WebhookReceiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/contract-webhook"
    finally:
        server.shutdown()
        server.server_close()


def token_operations(schema: dict[str, Any]) -> list[str]:
    """``METHOD /path`` of every operation that requires the bearer token."""
    return sorted(
        f"{method.upper()} {path}"
        for path, item in (schema.get("paths") or {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and requires_token(operation.get("security"))
    )


def unauthenticated_operations(
    schema: dict[str, Any], report: dict[str, dict[str, int]]
) -> list[str]:
    """Operations needing a token that never answered anything but 401/403 (or were never called).

    ``report`` (from contract/hooks.py) counts only requests sent with the
    operation's own method, so a wrong-method probe's 405 does not count.
    """
    return [
        operation
        for operation in token_operations(schema)
        if not any(status not in {"401", "403"} for status in report.get(operation, {}))
    ]


def fuzz_step(base_url: str, env: dict[str, str], *, full: bool, max_time: int | None) -> None:
    schema_url = f"{base_url}/api/v1/schema/?format=json"
    schema = httpx.get(schema_url, timeout=10).json()
    if not schema.get("paths"):
        # schemathesis exits 2 on a schema without operations; say so loudly.
        log("schemathesis: the schema has no operations yet; nothing to fuzz")
        return
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(SCHEMATHESIS_CONFIG),
        "run", schema_url,
        "--checks", ",".join(CHECKS),
        "--max-examples", str(FULL_MAX_EXAMPLES if full else CI_MAX_EXAMPLES),
        "--workers", "1",
        "--seed", env.get("CONTRACT_SEED", "20261124"),
        "--suppress-health-check", "all",
        "--no-color",
    ]  # fmt: skip
    if max_time is not None:
        command += ["--max-time", str(max_time)]
    identities = fuzz_identities(base_url)
    AUTH_REPORT.unlink(missing_ok=True)
    log("fuzzing as a throwaway user; session-ending operations as a second one")
    with webhook_receiver() as webhook_url:
        run(
            command,
            env={
                **env, **identities, "CONTRACT_WEBHOOK_URL": webhook_url,
                "SCHEMATHESIS_HOOKS": "contract.hooks", "CONTRACT_AUTH_REPORT": str(AUTH_REPORT),
            },
        )  # fmt: skip
    log(f"the local webhook receiver got {WebhookReceiver.deliveries} deliveries")
    missed = unauthenticated_operations(schema, json.loads(AUTH_REPORT.read_text()))
    if missed:
        raise RuntimeError(
            "these operations never got past 401/403 with the fuzzer's token: " + ", ".join(missed)
        )
    log(f"all {len(token_operations(schema))} operations that need a token ran authenticated")


def worker_log(name: str) -> Path:
    return DATA_DIR / f"contract-{name}.log"


def worker_commands(env: dict[str, str]) -> dict[str, list[str]]:
    """A Celery worker on this run's queues and the native ``db_worker`` (export builds, emails)."""
    prefix = env["JOBS_QUEUE_PREFIX"]
    queues = [f"{prefix}{queue}" for queue in env.get("JOBS_QUEUES", "default,long").split(",")]
    return {
        "celery-worker": celery_worker_command(
            hostname=f"{prefix}@%h", queues=queues, pool="solo", concurrency=1, quiet=True
        ),
        "db-worker": db_worker_command(interval=0.2, startup_delay=False),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract.run", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the full fuzzing run (no CI bounds)")
    parser.add_argument("--skip-client", action="store_true", help="only fuzz")
    parser.add_argument("--skip-fuzz", action="store_true", help="only the TypeScript client")
    parser.add_argument("--skip-browser", action="store_true", help="no browser suite")
    parser.add_argument(
        "--max-time",
        type=int,
        metavar="SECONDS",
        help=f"fuzzing wall clock (default: {CI_MAX_SECONDS} s; none with --full)",
    )
    args = parser.parse_args(argv)

    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    for name, rate in GENEROUS_THROTTLES.items():
        env.setdefault(name, rate)
    env.setdefault("AXES_FAILURE_LIMIT", GENEROUS_AXES_FAILURE_LIMIT)
    # Webhook endpoints may point at the local receiver (a loopback address).
    env.setdefault("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "true")
    # The browser suite's page origin is a frontend this server allows.
    ports = BrowserPorts(page=free_port(), stranger=free_port())
    allowed = [origin for origin in env.get("CORS_ALLOWED_ORIGINS", "").split(",") if origin]
    env["CORS_ALLOWED_ORIGINS"] = ",".join([*allowed, ports.page_origin])
    # Queues of this run's own: a shared broker's other workers never take its jobs.
    env.setdefault("JOBS_QUEUE_PREFIX", f"contract-{uuid.uuid4().hex[:8]}-")
    stack = Stack(
        DATA_DIR / "contract", kind="contract run", env=env, database=DATABASE, persist_redis=False,
        say=log,
    )  # fmt: skip
    try:
        stack.start_servers()
        for name in stack.servers:
            log(f"embedded {name} started under {DATA_DIR / 'contract' / name}")
        env = stack.env
        log("$ manage.py migrate")
        stack.migrate()

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
        server = stack.start("api", uvicorn_command(port=port), log=SERVER_LOG)
        for name, command in worker_commands(env).items():
            stack.start(name, command, log=worker_log(name))
        stack.wait_http(f"{base_url}/healthz", child=server, timeout=30)
        log(
            f"server at {base_url} with a Celery worker and db_worker (logs: "
            f"{SERVER_LOG.relative_to(PROJECT_ROOT)}, "
            f"{worker_log('*').relative_to(PROJECT_ROOT)})"
        )

        if not args.skip_client:
            client_steps(base_url, env)
            if not args.skip_browser:
                browser_step(base_url, env, ports)
        if not args.skip_fuzz:
            max_time = args.max_time or (None if args.full else CI_MAX_SECONDS)
            fuzz_step(base_url, env, full=args.full, max_time=max_time)
        log("all passed")
        return 0
    except AlreadyRunning as exc:
        log(f"FAILED: {exc}; wait for it to finish")
        return 1
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        if isinstance(exc, subprocess.CalledProcessError):
            log(f"FAILED: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        else:
            log(f"FAILED: {exc}")
        for name, path in [("server", SERVER_LOG)] + [
            (worker, worker_log(worker)) for worker in ("celery-worker", "db-worker")
        ]:
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-SERVER_LOG_TAIL:]
                log(f"last {len(tail)} lines of the {name} log:\n" + "\n".join(tail))
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
