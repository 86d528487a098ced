"""The servers under test, each a uvicorn child process on a loopback port."""

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.request import urlopen

from apps.core.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data" / "loadtests"

# name -> (ASGI app, readiness path)
APPS = {
    "django": ("project.asgi:app", "/healthz"),
    # The same app on Django's stock ASGIHandler: the "before" of apps.core.upstream.handler.
    "django-stock-handler": ("loadtests.stock_handler_asgi:app", "/healthz"),
    "bare": ("loadtests.bare_asgi:app", "/"),
    "fastapi": ("loadtests.fastapi_app:app", "/user"),
}


class Servers:
    """Starts embedded PostgreSQL/Redis when their URLs are unset, then servers on demand."""

    def __init__(self, env: dict[str, str], *, workers: int, cpu: int | None) -> None:
        self.env = env
        self.workers = workers
        self.cpu = cpu
        self.ports: dict[str, int] = {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.stoppers: list[object] = []

    def __enter__(self) -> Self:
        if not self.env.get("DATABASE_URL"):
            from apps.core.embedded import EmbeddedPostgres

            postgres = EmbeddedPostgres(DATA_DIR / "postgres")
            self.stoppers.append(postgres)
            postgres.ensure_database("loadtests")
            self.env["DATABASE_URL"] = postgres.url("loadtests")
        if not self.env.get("REDIS_URL"):
            from apps.core.embedded import EmbeddedRedis

            redis = EmbeddedRedis(DATA_DIR / "redis", persist=False)
            self.stoppers.append(redis)
            self.env["REDIS_URL"] = redis.url()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stopper in reversed(self.stoppers):
            stopper.stop()  # type: ignore[attr-defined]

    def seed(self) -> dict[str, Any]:
        """Migrate, then run the seed hook (``loadtests.seed``) and return what it printed."""
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=self.env, check=True)
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
            *pin, sys.executable, "-m", "uvicorn", app,
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(self.workers),
            "--loop", "uvloop", "--http", "httptools", "--lifespan", "on",
            "--no-access-log", "--log-level", "warning",
        ]  # fmt: skip
        # The server's own log (warnings for every refused login, ...) goes to
        # a file next to the results, not into the runner's table.
        log = (ROOT / "loadtests" / "results" / f"server-{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self.ports[name] = port
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(
                    f"server {name} exited early; see loadtests/results/server-{name}.log"
                )
            try:
                with urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(
            f"server {name} did not answer within {timeout}s;"
            f" see loadtests/results/server-{name}.log"
        )

    def base_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"
