"""Helpers to run the real server (``uvicorn project.asgi:app``) in a child process.

The server is a child of the session's stack (``apps.core.stack``): started
with the same command line as ``uv run dev``, stopped with the session at the
latest.
"""

import os
import select
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from apps.core.embedded import free_port
from apps.core.stack import PROJECT_ROOT, Child, uvicorn_command
from tests.embedded_services import session_stack

__all__ = [
    "PROJECT_ROOT",
    "LiveServer",
    "live_server",
    "send_chunked",
    "server_env",
    "test_database_url",
]


def test_database_url() -> str:
    """``DATABASE_URL`` pointing at the database the tests are using right now."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


def server_env(**overrides: str) -> dict[str, str]:
    env = os.environ.copy()
    env["DATABASE_URL"] = test_database_url()
    env.update(overrides)
    return env


@dataclass
class LiveServer:
    child: Child
    base_url: str

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.child.process

    def stop(self) -> str:
        """Stop gracefully (SIGTERM) and return everything the server printed."""
        self.child.stop()
        return self.child.output()


def wait_until_serving(server: LiveServer, timeout: float = 90.0) -> None:
    try:
        session_stack().wait_http(f"{server.base_url}/healthz", child=server.child, timeout=timeout)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}:\n{server.child.output()}") from exc


@contextmanager
def live_server(
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
    port: int | None = None,
    timeout: float = 90.0,  # generous: a loaded machine imports the project slowly
) -> Iterator[LiveServer]:
    """uvicorn on a free loopback port (or ``command``, which must listen on ``port``)."""
    port = port or free_port()
    log = Path(tempfile.mkstemp(prefix="live-server-", suffix=".log")[1])
    child = session_stack().start(
        f"live-server-{port}",
        command or uvicorn_command(port=port),
        log=log,
        env=env if env is not None else server_env(),
    )
    server = LiveServer(child, f"http://127.0.0.1:{port}")
    try:
        wait_until_serving(server, timeout=timeout)
        yield server
    finally:
        if child.running():
            server.stop()
        log.unlink(missing_ok=True)


def send_chunked(
    base_url: str, method: str, path: str, *, total: int, chunk: int = 64 * 1024
) -> tuple[int, bytes]:
    """Send a chunked body of up to ``total`` bytes over a raw socket, reading
    as we go; stop when the server answers or closes the connection.

    Returns (bytes written to the socket, the start of the response).
    """
    parts = urlsplit(base_url)
    host, port = parts.hostname, parts.port
    assert host is not None
    assert port is not None
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n"
    piece = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
    pending = head.encode()
    sent = 0
    response = b""
    with socket.create_connection((host, port), timeout=30) as connection:
        connection.setblocking(False)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and b"\r\n\r\n" not in response:
            readable, writable, _ = select.select([connection], [connection], [], 1)
            if readable:
                try:
                    data = connection.recv(65536)
                except (ConnectionResetError, BlockingIOError):
                    data = b""
                response += data
                if not data:
                    break
            if writable and sent < total:
                if not pending:
                    pending = piece
                try:
                    written = connection.send(pending)
                except (BrokenPipeError, ConnectionResetError, BlockingIOError):
                    continue  # closed (the answer is then readable) or full for now
                sent += written
                pending = pending[written:]
    return sent, response[:200]
