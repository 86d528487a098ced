"""``uv run dev``: the whole service on one machine, with nothing installed.

Through ``apps.core.stack``: the embedded PostgreSQL and Redis (data under
``.data/``) for whichever of ``DATABASE_URL`` / ``REDIS_URL`` is unset, the
migrations, then uvicorn, a Celery worker, Celery beat and ``db_worker`` as
children. A child that dies is logged and started again (with backoff); the
rest keeps running. Ctrl-C, SIGTERM or closing the terminal (SIGHUP) stops
every child and both servers.

While it runs, ``.data/stack.json`` tells commands started in another terminal
(``uv run python manage.py ...``, ``uv run celery ...``) where the servers are
(see ``project.settings.devstack``). A second ``dev`` on the same data
directory is refused, naming the running one's pid; servers a crashed ``dev``
left behind are stopped by the next one.
"""

import argparse
import contextlib
import ipaddress
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from apps.core.devstate import AlreadyRunning
from apps.core.stack import (
    PROJECT_ROOT,
    Stack,
    celery_beat_command,
    celery_worker_command,
    db_worker_command,
    uvicorn_command,
)
from apps.notifications.mailbox import Watcher, render

DEV_DATABASE = "app"
SUPERVISE_INTERVAL = 0.2


def say(message: str) -> None:
    """Print a line of our own; a terminal that went away (SIGHUP) must not stop the cleanup."""
    with contextlib.suppress(OSError):
        print(message, flush=True)


def default_data_dir() -> Path:
    return Path(os.environ.get("DEV_DATA_DIR") or PROJECT_ROOT / ".data")


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="dev", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="servers' data, state file and emails (default .data/, or $DEV_DATA_DIR)",
    )
    return parser.parse_args(argv)


def _dev_secret_key(data_dir: Path) -> str:
    path = data_dir / "dev-secret-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


ALL_INTERFACES = ("0.0.0.0", "::")  # noqa: S104 (what --host means to bind)


def machine_hosts() -> list[str]:
    """This machine's names and non-loopback addresses, as ALLOWED_HOSTS entries."""
    import psutil

    name = socket.gethostname()
    hosts = [name] if "." in name else [name, f"{name}.local"]
    for addresses in psutil.net_if_addrs().values():
        for address in addresses:
            if address.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            ip = ipaddress.ip_address(address.address.split("%", 1)[0])
            if ip.is_loopback or ip.is_link_local:
                continue
            hosts.append(f"[{ip}]" if ip.version == 6 else str(ip))
    return list(dict.fromkeys(hosts))


def dev_environment(base: dict[str, str], data_dir: Path, *, host: str) -> dict[str, str]:
    """The children's environment: the caller's, plus development defaults for what is unset.

    Bound to every interface (``--host 0.0.0.0``), the machine's own names and
    addresses join ``ALLOWED_HOSTS`` for this run, so a phone on the LAN is served.
    """
    env = dict(base)
    env.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    # Production-like by default: JSON errors only, real startup checks. A
    # development secret is made once and kept in the data directory.
    env.setdefault("SECRET_KEY", _dev_secret_key(data_dir))
    env.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    if host in ALL_INTERFACES:
        allowed = [entry for entry in env["ALLOWED_HOSTS"].split(",") if entry]
        env["ALLOWED_HOSTS"] = ",".join(dict.fromkeys([*allowed, *machine_hosts()]))
    env.setdefault("LOG_FORMAT", "plain")  # one readable line per record, coloured
    # Emails are kept as .eml files, printed here as they arrive and listed
    # at /dev/mailbox/: no SMTP server needed.
    env.setdefault("EMAIL_BACKEND", "apps.notifications.mailbox.EmailBackend")
    env.setdefault("EMAIL_FILE_PATH", str(data_dir / "mail"))
    env.setdefault("DEV_MAILBOX", "true")
    return env


def child_commands(host: str, port: int, data_dir: Path) -> dict[str, list[str]]:
    """The long-running processes of a development stack, by name."""
    return {
        "api": uvicorn_command(host=host, port=port),
        # Celery jobs (retried, chained) and the periodic jobs; the broker is REDIS_URL.
        "celery-worker": celery_worker_command(hostname="dev@%h"),
        "celery-beat": celery_beat_command(schedule=data_dir / "celerybeat-schedule"),
        # Native jobs (django.tasks, database backend): no broker involved.
        "db-worker": db_worker_command(),
    }


def mail_printer(env: dict[str, str], base: str) -> Callable[[], None]:
    """Print each email saved by ``apps.notifications.mailbox.EmailBackend`` once, readable."""
    if env.get("EMAIL_BACKEND") != "apps.notifications.mailbox.EmailBackend":
        return lambda: None
    watcher = Watcher(Path(env["EMAIL_FILE_PATH"]))
    hyperlinks = sys.stdout.isatty() and not env.get("NO_COLOR")
    page = f"{base}/dev/mailbox/" if env.get("DEV_MAILBOX") == "true" else None

    def print_new() -> None:
        for path in watcher.new():
            try:
                text = render(path, hyperlinks=hyperlinks)
            except (OSError, ValueError) as exc:
                text = f"(unreadable: {exc})"
            rule = "-" * 72
            where = f"{path}" + (f"  {page}{path.name}" if page else "")
            say(f"dev: email {rule}\n{text}\ndev: saved as {where}\n{rule}")

    return print_new


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our loopback URL)
            return bool(response.status == 200)
    except OSError:
        return False


def _banner(base: str) -> str:
    return (
        f"\ndev: API      {base}/api/v1/\n"
        f"dev: Swagger  {base}/api/v1/schema/swagger/\n"
        f"dev: Redoc    {base}/api/v1/schema/redoc/\n"
        f"dev: health   {base}/healthz  {base}/readyz\n"
        f"dev: email    {base}/dev/mailbox/ (and printed here)\n"
        f"dev: pid {os.getpid()}; Ctrl-C stops everything\n"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    data_dir: Path = (args.data_dir or default_data_dir()).resolve()
    os.chdir(PROJECT_ROOT)
    stopping = False

    def request_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    # Closing the terminal is a stop like any other.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    env = dev_environment(dict(os.environ), data_dir, host=args.host)
    if args.host in ALL_INTERFACES:
        say(f"dev: on every interface; ALLOWED_HOSTS for this run: {env['ALLOWED_HOSTS']}")
    stack = Stack(data_dir, kind="dev", env=env, database=DEV_DATABASE, say=say)
    try:
        stack.acquire()
    except AlreadyRunning as exc:
        pid = f"pid {exc.pid}" if exc.pid else "its pid is not written yet"
        say(
            f"dev: another {exc.kind or 'dev'} is already running on {data_dir} ({pid}); "
            "stop it first (Ctrl-C in its terminal"
            + (f", or `kill {exc.pid}`" if exc.pid else "")
            + ") or pass --data-dir"
        )
        return 1
    try:
        stack.start_servers()
        for name in ("postgres", "redis"):
            if name in stack.servers:
                say(f"dev: embedded {name} (pid {stack.servers[name]}) under {data_dir / name}")
        if not stopping:
            stack.migrate(verbosity=1)
        if not stopping:
            for name, command in child_commands(args.host, args.port, data_dir).items():
                stack.start(name, command, supervised=True)
        base = f"http://{'127.0.0.1' if args.host in ALL_INTERFACES else args.host}:{args.port}"
        ready = False
        mail = mail_printer(env, base)
        while not stopping:
            stack.supervise()
            if not ready and _answers(f"{base}/readyz"):
                ready = True
                say(_banner(base))
            mail()
            time.sleep(SUPERVISE_INTERVAL)
        return 0
    except subprocess.CalledProcessError as exc:
        say(f"dev: {exc}")
        return 1
    finally:
        stack.stop()
        say("dev: stopped")


if __name__ == "__main__":
    sys.exit(main())
