"""``uv run dev``: the whole service on one machine, with nothing installed.

If ``DATABASE_URL`` is unset it starts the embedded PostgreSQL (data under
``.data/``), if ``REDIS_URL`` is unset the embedded Redis; then it migrates
and runs uvicorn and the workers as child processes. Ctrl-C stops every
child and both servers.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / ".data"
DEV_DATABASE = "app"


def _dev_secret_key() -> str:
    path = DATA_DIR / "dev-secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dev", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    return parser.parse_args(argv)


def child_commands(host: str, port: int) -> dict[str, list[str]]:
    """The long-running processes of a development stack, by name."""
    python = sys.executable
    return {
        "api": [
            python, "-m", "uvicorn", "project.asgi:app",
            "--host", host, "--port", str(port), "--lifespan", "on", "--no-access-log",
        ],
        # Celery jobs (retried, chained) and the periodic jobs; the broker is REDIS_URL.
        "celery-worker": [
            python, "-m", "celery", "-A", "project", "worker",
            "--loglevel", "INFO", "--concurrency", "2", "--hostname", "dev@%h",
        ],
        "celery-beat": [
            python, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO",
            "--schedule", str(DATA_DIR / "celerybeat-schedule"),
        ],
        # Native jobs (django.tasks, database backend): no broker involved.
        "db-worker": [python, str(PROJECT_ROOT / "manage.py"), "db_worker", "--queue-name", "*"],
    }  # fmt: skip


def _stop(children: dict[str, subprocess.Popen[bytes]], timeout: float = 15.0) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in children.values():
        remaining = max(0.1, deadline - time.monotonic())
        try:
            process.wait(remaining)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    os.chdir(PROJECT_ROOT)
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    # Production-like by default: JSON errors only, real startup checks. A
    # development secret is made once and kept under .data/.
    env.setdefault("SECRET_KEY", _dev_secret_key())
    env.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    env.setdefault("LOG_FORMAT", "plain")  # one readable line per record, coloured
    # Emails sent by jobs are printed by the db-worker instead of needing an SMTP server.
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

    stoppers = []
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    try:
        if not env.get("DATABASE_URL"):
            from apps.core.embedded import EmbeddedPostgres

            postgres = EmbeddedPostgres(DATA_DIR / "postgres")
            stoppers.append(postgres.stop)
            postgres.ensure_database(DEV_DATABASE)
            env["DATABASE_URL"] = postgres.url(DEV_DATABASE)
            print(f"dev: embedded PostgreSQL at {postgres.socket_dir}", flush=True)
        if not env.get("REDIS_URL"):
            from apps.core.embedded import EmbeddedRedis

            redis = EmbeddedRedis(DATA_DIR / "redis")
            stoppers.append(redis.stop)
            env["REDIS_URL"] = redis.url()
            print(f"dev: embedded Redis at {env['REDIS_URL']}", flush=True)

        manage = [sys.executable, str(PROJECT_ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True)

        for name, command in child_commands(args.host, args.port).items():
            children[name] = subprocess.Popen(command, env=env)
        base = f"http://{args.host}:{args.port}"
        print(
            f"\ndev: API      {base}/api/v1/\n"
            f"dev: Swagger  {base}/api/v1/schema/swagger/\n"
            f"dev: Redoc    {base}/api/v1/schema/redoc/\n"
            f"dev: health   {base}/healthz  {base}/readyz\n"
            "dev: Ctrl-C stops everything\n",
            flush=True,
        )
        while not stopping:
            exited = [name for name, process in children.items() if process.poll() is not None]
            if exited:
                print(f"dev: {', '.join(exited)} exited; stopping the rest", flush=True)
                return 1
            time.sleep(0.2)
        return 0
    except subprocess.CalledProcessError as exc:
        print(f"dev: {exc}", file=sys.stderr)
        return 1
    finally:
        _stop(children)
        for stop in reversed(stoppers):
            stop()
        print("dev: stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
