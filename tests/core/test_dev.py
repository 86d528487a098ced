"""``uv run dev`` as a developer uses it: one real run, with a second terminal beside it.

One ``dev`` (its own data directory under ``.data/test-dev``, a free port)
runs for the whole module on a pseudo-terminal, as in a shell. The tests talk
to it as a developer would: commands in a "second terminal" (a process with
neither ``DATABASE_URL`` nor ``REDIS_URL``), a second ``dev``, a killed child,
and last, the terminal going away (SIGHUP).
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
import psutil
import pytest

from apps.core.embedded import free_port
from apps.core.stack import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / ".data" / "test-dev"
# An OSC 8 hyperlink: ESC ] 8 ;; URL ESC \ TEXT ESC ] 8 ;; ESC \ (its TEXT is the URL here).
OSC8 = re.compile(r"\x1b\]8;;[^\x1b]*\x1b\\([^\x1b]*)\x1b\]8;;\x1b\\")
STARTUP_TIMEOUT = 240.0  # first run: initdb and every migration, on a busy machine
# What the pytest session exports for its own servers; a new terminal has none of it.
SESSION_VARIABLES = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "DEV_DATA_DIR",
}


def new_terminal_env(**extra: str) -> dict[str, str]:
    """A shell's environment: nothing exported about servers.

    ``DEV_DATA_DIR`` only because this ``dev`` keeps its data in a folder of
    its own rather than the developer's ``.data/``.
    """
    env = {name: value for name, value in os.environ.items() if name not in SESSION_VARIABLES}
    return {**env, "DEV_DATA_DIR": str(DATA_DIR), **extra}


def wait_until(condition: object, *, timeout: float, what: str) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class DevRun:
    process: subprocess.Popen[bytes]
    port: int
    terminal: int  # the pseudo-terminal's master side
    chunks: list[bytes] = field(default_factory=list)
    draining: bool = True
    reader: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return b"".join(self.chunks).decode(errors="replace").replace("\r\n", "\n")

    def state(self) -> dict[str, object]:
        loaded: dict[str, object] = json.loads((DATA_DIR / "stack.json").read_text())
        return loaded

    def children(self) -> dict[str, int]:
        records = self.state()["children"]
        assert isinstance(records, dict)
        return {name: int(record["pid"]) for name, record in records.items()}

    def drain(self) -> None:
        """Read the terminal like a terminal emulator would, until told to stop."""
        while self.draining:
            ready, _, _ = select.select([self.terminal], [], [], 0.1)
            if ready:
                try:
                    self.chunks.append(os.read(self.terminal, 65536))
                except OSError:
                    return

    def close_terminal(self) -> None:
        """The terminal window goes away: nobody reads, writes to it fail."""
        if self.terminal < 0:
            return
        self.draining = False
        if self.reader is not None:
            self.reader.join(5)
        os.close(self.terminal)
        self.terminal = -1


def start_dev(port: int, *, terminal: int | None = None) -> subprocess.Popen[bytes]:
    out = terminal if terminal is not None else subprocess.PIPE
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "apps.core.devserver",
            "--data-dir",
            str(DATA_DIR),
            "--port",
            str(port),
        ],
        cwd=PROJECT_ROOT,
        env=new_terminal_env(),
        stdin=subprocess.DEVNULL,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def dev() -> Iterator[DevRun]:
    master, slave = os.openpty()
    port = free_port()
    run = DevRun(start_dev(port, terminal=slave), port, master)
    os.close(slave)
    run.reader = threading.Thread(target=run.drain, daemon=True)
    run.reader.start()
    try:
        wait_until(
            lambda: "Ctrl-C stops everything" in run.output() or run.process.poll() is not None,
            timeout=STARTUP_TIMEOUT,
            what="dev to be ready",
        )
        assert run.process.poll() is None, run.output()
        yield run
    finally:
        if run.process.poll() is None:
            run.process.send_signal(signal.SIGINT)
            run.process.wait(120)
        run.close_terminal()


@pytest.mark.workers  # starts processes
def test_a_second_terminal_finds_the_running_dev(dev: DevRun) -> None:
    email = f"admin-{uuid.uuid4().hex[:8]}@example.com"  # the data directory outlives a run
    created = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"],
        cwd=PROJECT_ROOT,
        env=new_terminal_env(
            DJANGO_SUPERUSER_EMAIL=email, DJANGO_SUPERUSER_PASSWORD="a long dev password 42"
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    # The user is in dev's database: its API logs them in.
    login = httpx.post(
        f"{dev.base_url}/api/v1/auth/login",
        json={"email": email, "password": "a long dev password 42"},
        timeout=30,
    )
    assert login.status_code == 200, login.text


@pytest.mark.workers  # starts processes
def test_a_second_dev_on_the_same_data_directory_is_refused(dev: DevRun) -> None:
    second = start_dev(free_port())
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 1
    assert f"pid {dev.process.pid}" in output.decode(), output.decode()
    assert httpx.get(f"{dev.base_url}/healthz", timeout=10).status_code == 200


@pytest.mark.workers  # starts processes
def test_a_child_that_dies_is_restarted_and_logged(dev: DevRun) -> None:
    killed = dev.children()["db-worker"]
    os.killpg(killed, signal.SIGKILL)

    def restarted() -> bool:
        pid = dev.children().get("db-worker")
        return pid not in (None, killed) and psutil.pid_exists(pid)

    wait_until(restarted, timeout=60, what="db-worker to be started again")
    output = dev.output()
    assert f"db-worker (pid {killed}) exited with code -9" in output
    assert f"db-worker restarted (pid {dev.children()['db-worker']})" in output
    # Nothing else was stopped.
    assert httpx.get(f"{dev.base_url}/readyz", timeout=10).status_code == 200


@pytest.mark.workers  # starts processes
def test_a_verification_link_copied_from_the_terminal_works(dev: DevRun) -> None:
    email = f"dev-{uuid.uuid4().hex[:8]}@example.com"
    before = len(dev.output())
    signup = httpx.post(
        f"{dev.base_url}/api/v1/auth/signup",
        json={"email": email, "password": "a long dev password 42"},
        timeout=30,
    )
    assert signup.status_code == 202, signup.text

    def printed() -> list[str]:
        text = dev.output()[before:]
        if f"To: {email}" not in text:
            return []
        return [line for line in text.splitlines() if "/verify-email?" in line]

    wait_until(printed, timeout=60, what="dev to print the verification email")
    # What a developer copies: the line with the link, as the terminal shows it
    # (an OSC 8 hyperlink's text is the URL itself).
    line = OSC8.sub(r"\1", printed()[0]).strip()
    query = parse_qs(urlsplit(line).query)
    verified = httpx.post(
        f"{dev.base_url}/api/v1/auth/email/verify",
        json={"uid": query["uid"][0], "token": query["token"][0]},
        timeout=30,
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["email_verified"] is True
    assert "=3D" not in dev.output()[before:]


@pytest.mark.workers  # starts processes
def test_closing_the_terminal_stops_everything(dev: DevRun) -> None:
    """The terminal goes away (its master side closes, writes fail) and dev gets SIGHUP."""
    state = dev.state()
    servers = state["servers"]
    assert isinstance(servers, dict)
    assert set(servers) == {"postgres", "redis"}
    watched = {dev.process.pid, *map(int, servers.values()), *dev.children().values()}
    for pid in list(watched):
        # Every process below each child too (Celery's pool, PostgreSQL's backends).
        watched.update(child.pid for child in psutil.Process(pid).children(recursive=True))
    dev.close_terminal()
    dev.process.send_signal(signal.SIGHUP)
    assert dev.process.wait(120) == 0

    def all_gone() -> bool:
        return not any(
            psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
            for pid in watched
        )

    wait_until(all_gone, timeout=60, what="every process of the stack to exit")
    assert not (DATA_DIR / "stack.json").exists()
