"""Helpers to run the real server (``uvicorn project.asgi:app``) in a child process."""

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

from apps.core.embedded import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    process: subprocess.Popen[str]
    base_url: str

    def stop(self) -> str:
        """Stop gracefully (SIGTERM) and return everything the server printed."""
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output


def wait_until_serving(server: LiveServer, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.process.communicate()[0]}")
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError("server did not start serving in time")


@contextmanager
def live_server(env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "project.asgi:app",
        "--host", "127.0.0.1", "--port", str(port), "--lifespan", "on",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env if env is not None else server_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = LiveServer(process, f"http://127.0.0.1:{port}")
    try:
        wait_until_serving(server)
        yield server
    finally:
        if process.poll() is None:
            server.stop()


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
