"""Run the frontend contract against a real server: ``uv run python -m contract.run``.

Starts what is missing (embedded PostgreSQL / Redis when ``DATABASE_URL`` /
``REDIS_URL`` are unset, as ``uv run dev`` does), migrates, starts
``uvicorn project.asgi:app`` on a free loopback port, then runs the
TypeScript client (``npm ci``, generate, typecheck, check:no-any, flows) and
the schemathesis pass, and stops everything it started.

Budget: ``--full`` lifts the CI bounds (examples per operation, wall clock).
Auth for the fuzzer: ``CONTRACT_AUTH_HEADER="Authorization: Token ..."``
(phase 2 makes a real user and token here; see ``auth_headers``).
"""

import argparse
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from apps.core.embedded import EmbeddedPostgres, EmbeddedRedis, free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLIENT_DIR = PROJECT_ROOT / "clients" / "typescript"
DATA_DIR = PROJECT_ROOT / ".data"
DATABASE = "contract"
CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
    "standard_error_shape",  # contract/hooks.py
]
CI_MAX_EXAMPLES = 25
CI_MAX_SECONDS = 120
FULL_MAX_EXAMPLES = 500


def log(message: str) -> None:
    print(f"contract: {message}", flush=True)


def run(command: list[str], *, env: dict[str, str], cwd: Path = PROJECT_ROOT) -> None:
    log("$ " + " ".join(command))
    subprocess.run(command, env=env, cwd=cwd, check=True)


def wait_until_serving(process: subprocess.Popen[bytes], base_url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start serving in time")


def auth_headers(base_url: str, env: dict[str, str]) -> list[str]:
    """Headers that authenticate the fuzzer, as ``Name: value`` strings.

    Phase 1: taken from ``CONTRACT_AUTH_HEADER`` if set. Phase 2 (accounts
    endpoints exist): sign up a throwaway user against ``base_url`` and
    return ``Authorization: Token <token>``.
    """
    header = env.get("CONTRACT_AUTH_HEADER")
    return [header] if header else []


def client_steps(base_url: str, env: dict[str, str]) -> None:
    npm = ["npm", "--prefix", str(CLIENT_DIR)]
    run([*npm, "ci", "--no-audit", "--no-fund"], env=env)
    for script in ("generate", "typecheck", "check:no-any"):
        run([*npm, "run", script], env=env)
    run([*npm, "run", "flows"], env={**env, "API_BASE_URL": base_url})


def fuzz_step(base_url: str, env: dict[str, str], *, full: bool) -> None:
    schema_url = f"{base_url}/api/v1/schema/?format=json"
    if not httpx.get(schema_url, timeout=10).json().get("paths"):
        # schemathesis exits 2 on a schema without operations; say so loudly.
        log("schemathesis: the schema has no operations yet; nothing to fuzz")
        return
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", schema_url,
        "--checks", ",".join(CHECKS),
        "--max-examples", str(FULL_MAX_EXAMPLES if full else CI_MAX_EXAMPLES),
        "--workers", "1",
        "--seed", env.get("CONTRACT_SEED", "20261124"),
        "--suppress-health-check", "all",
        "--no-color",
    ]  # fmt: skip
    if not full:
        command += ["--max-time", str(CI_MAX_SECONDS)]
    for header in auth_headers(base_url, env):
        command += ["--header", header]
    run(command, env={**env, "SCHEMATHESIS_HOOKS": "contract.hooks"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="contract.run", description=__doc__)
    parser.add_argument("--full", action="store_true", help="the full fuzzing run (no CI bounds)")
    parser.add_argument("--skip-client", action="store_true", help="only fuzz")
    parser.add_argument("--skip-fuzz", action="store_true", help="only the TypeScript client")
    args = parser.parse_args(argv)

    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    stoppers: list[Callable[[], None]] = []
    server: subprocess.Popen[bytes] | None = None
    try:
        if not env.get("DATABASE_URL"):
            postgres = EmbeddedPostgres(DATA_DIR / "postgres")
            stoppers.append(postgres.stop)
            postgres.ensure_database(DATABASE)
            env["DATABASE_URL"] = postgres.url(DATABASE)
            log("embedded PostgreSQL started")
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(DATA_DIR / "redis-contract", persist=False)
            stoppers.append(redis.stop)
            env["REDIS_URL"] = redis.url()
            log(f"embedded Redis at {env['REDIS_URL']}")
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env)

        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        serve = [
            sys.executable, "-m", "uvicorn", "project.asgi:app",
            "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on", "--no-access-log",
        ]  # fmt: skip
        server = subprocess.Popen(
            serve,
            cwd=PROJECT_ROOT,
            env=env,
        )
        wait_until_serving(server, base_url, timeout=30)
        log(f"server at {base_url}")

        if not args.skip_client:
            client_steps(base_url, env)
        if not args.skip_fuzz:
            fuzz_step(base_url, env, full=args.full)
        log("all passed")
        return 0
    except subprocess.CalledProcessError as exc:
        log(f"FAILED: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}")
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        for stop in reversed(stoppers):
            stop()


if __name__ == "__main__":
    sys.exit(main())
