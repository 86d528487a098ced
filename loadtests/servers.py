"""The servers under test, each a uvicorn child process on a loopback port.

Brought up through ``apps.core.stack``: embedded PostgreSQL/Redis under
``.data/loadtests/`` when their URLs are unset, the migrations, then one
uvicorn per compared app, with the same command line as ``uv run dev`` plus
the benchmark's loop, protocol and worker count. ``django-metrics`` is the
same app as ``django`` with metrics on (its multiprocess directory is the
stack's ``.data/loadtests/metrics``), for the cost of metrics on ``/me``.
"""

import json
import secrets
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.request import Request, urlopen

from apps.core.embedded import free_port
from apps.core.stack import Stack, uvicorn_command

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data" / "loadtests"

# name -> (ASGI app, readiness path)
APPS = {
    "django": ("project.asgi:app", "/healthz"),
    # The same app with metrics on: what they cost the hot path.
    "django-metrics": ("project.asgi:app", "/healthz"),
    # The same app on Django's stock ASGIHandler: the "before" of apps.core.upstream.handler.
    "django-stock-handler": ("loadtests.stock_handler_asgi:app", "/healthz"),
    "bare": ("loadtests.bare_asgi:app", "/"),
    "fastapi": ("loadtests.fastapi_app:app", "/user"),
}


class Servers:
    """Starts embedded PostgreSQL/Redis when their URLs are unset, then servers on demand."""

    def __init__(self, env: dict[str, str], *, workers: int, cpu: int | None) -> None:
        self.stack = Stack(
            DATA_DIR, kind="load-test run", env=env, database="loadtests", persist_redis=False
        )
        self.env = self.stack.env
        self.workers = workers
        self.cpu = cpu
        self.ports: dict[str, int] = {}
        self.metrics_token = secrets.token_urlsafe(32)
        # Environment of one server on top of the stack's.
        self.server_env: dict[str, dict[str, str]] = {
            "django-metrics": {"METRICS_ENABLED": "true", "METRICS_TOKEN": self.metrics_token}
        }

    def __enter__(self) -> Self:
        self.stack.start_servers()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stack.stop(timeout=15)

    def seed(self) -> dict[str, Any]:
        """Migrate, then run the seed hook (``loadtests.seed``) and return what it printed."""
        self.stack.migrate()
        output = subprocess.run(
            [sys.executable, "-m", "loadtests.seed"],
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        seeded: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        return seeded

    def start(self, name: str, timeout: float = 60.0) -> None:
        app, ready_path = APPS[name]
        port = free_port()
        pin = ["taskset", "-c", str(self.cpu)] if self.cpu is not None else []
        command = [
            *pin,
            *uvicorn_command(
                port=port, app=app, workers=self.workers, loop="uvloop", http="httptools",
                log_level="warning",
            ),
        ]  # fmt: skip
        # The server's own log (warnings for every refused login, ...) goes to
        # a file next to the results, not into the runner's table.
        log = ROOT / "loadtests" / "results" / f"server-{name}.log"
        env = {**self.env, **self.server_env.get(name, {})}
        child = self.stack.start(name, command, log=log, env=env)
        self.ports[name] = port
        self.stack.wait_http(f"http://127.0.0.1:{port}{ready_path}", child=child, timeout=timeout)

    def base_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def scrape(self, name: str) -> str:
        """The ``/metrics`` text of a server started with metrics on."""
        url = self.base_url(name) + "/metrics"  # http on loopback
        headers = {"Authorization": f"Bearer {self.metrics_token}"}
        request = Request(url, headers=headers)  # noqa: S310
        with urlopen(request, timeout=30) as response:  # noqa: S310
            text: str = response.read().decode()
        return text
