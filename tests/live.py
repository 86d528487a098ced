"""Helpers to run the real server (``uvicorn project.asgi:app``) in a child process.

The server is a child of the session's stack (``apps.core.stack``): started
with the same command line as ``uv run dev``, stopped with the session at the
latest.
"""

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from apps.core.embedded import free_port
from apps.core.stack import PROJECT_ROOT, Child, uvicorn_command
from tests.embedded_services import session_stack

__all__ = ["PROJECT_ROOT", "LiveServer", "live_server", "server_env", "test_database_url"]


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


def wait_until_serving(server: LiveServer, timeout: float = 30.0) -> None:
    try:
        session_stack().wait_http(f"{server.base_url}/healthz", child=server.child, timeout=timeout)
    except RuntimeError as exc:
        raise RuntimeError(f"{exc}:\n{server.child.output()}") from exc


@contextmanager
def live_server(
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
    port: int | None = None,
    timeout: float = 30.0,
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
