"""One way to bring the stack up: embedded servers, migrations, uvicorn and the workers.

Everything that runs the service on one machine goes through this module:
``uv run dev`` (``apps.core.devserver``), the pytest plugin and fixtures
(``tests/embedded_services.py``, ``tests/live.py``, ``tests/workers.py``), the
contract runner (``contract/run.py``) and the load-test runner
(``loadtests/servers.py``). A ``Stack``

- takes its data directory's lock (``apps.core.devstate``): a second stack on
  the same directory is refused, naming the pid that holds it; what a crashed
  stack left running there (children, PostgreSQL, Redis) is stopped first;
- starts embedded PostgreSQL and Redis when ``DATABASE_URL`` / ``REDIS_URL``
  are unset, and puts their URLs in the environment its children get;
- migrates; starts children, each the leader of its own process group (so a
  stop reaches what they start, such as Celery's pool); waits for an HTTP
  readiness path; restarts a child that died, with backoff, when asked to;
- with metrics on (``METRICS_ENABLED`` in a child's environment), gives the
  children one multiprocess directory (``PROMETHEUS_MULTIPROC_DIR``, by
  default ``<data dir>/metrics``), emptied before the first child that uses
  it starts, so one scrape of any uvicorn worker sees every child's counts;
- stops everything: children first (SIGTERM to the group, SIGKILL after a
  grace period), then the servers; then removes its state file and lets go
  of the lock.

The commands are built here too (``uvicorn_command`` and friends), so the dev
server, the tests and the runners start the same processes with the same
flags. Development dependencies only: the app never imports this module.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from apps.core import devstate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ASGI_APP = "project.asgi:app"

# What another command needs to reach this stack's servers and agree with its
# processes (signatures, the mail folder): copied into the state file.
SHARED_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
)

# --- commands ------------------------------------------------------------------

# uvicorn's options for every server we start, and in the documented production
# command (README.md, docs/operations.md; tests/core/test_client_ip.py checks).
# docs/operations.md says why each, and what the proxy in front must cover.
SERVER_OPTIONS: tuple[tuple[str, ...], ...] = (
    # Who the client is, is decided by apps.core.http.client_ip alone.
    ("--no-proxy-headers",),
    # Idle keep-alive connections close after 75 s: longer than the idle
    # timeout of the proxies in front (nginx upstream, AWS ALB: 60 s), so it is
    # the proxy that closes one, never uvicorn under a request in flight.
    ("--timeout-keep-alive", "75"),
    # Per process: beyond 1000 connections or requests at once, new requests
    # get an immediate 503 instead of a queue that grows until memory runs out.
    ("--limit-concurrency", "1000"),
    # SIGTERM drains in-flight requests for at most 25 s (Kubernetes kills at 30).
    ("--timeout-graceful-shutdown", "25"),
)


UVICORN_LOG_CONFIG = PROJECT_ROOT / "project" / "uvicorn_logging.json"


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(PROJECT_ROOT / "manage.py"), *args]


def uvicorn_command(
    *,
    port: int,
    host: str = "127.0.0.1",
    app: str = ASGI_APP,
    workers: int | None = None,
    access_log: bool = False,
    log_level: str | None = None,
    loop: str | None = None,
    http: str | None = None,
) -> list[str]:
    """``uvicorn`` serving ``app`` with the lifespan on."""
    command = [
        sys.executable, "-m", "uvicorn", app,
        "--host", host, "--port", str(port), "--lifespan", "on",
        *(part for option in SERVER_OPTIONS for part in option),
    ]  # fmt: skip
    if workers is not None:
        # The supervisor never loads the app: this file gives it our log format.
        command += ["--workers", str(workers), "--log-config", str(UVICORN_LOG_CONFIG)]
    if loop is not None:
        command += ["--loop", loop]
    if http is not None:
        command += ["--http", http]
    if not access_log:
        command.append("--no-access-log")
    if log_level is not None:
        command += ["--log-level", log_level]
    return command


def celery_worker_command(
    *,
    hostname: str,
    queues: Sequence[str] | None = None,
    concurrency: int = 2,
    pool: str | None = None,
    quiet: bool = False,
) -> list[str]:
    """A Celery worker; ``quiet`` leaves out gossip, mingle and heartbeats (short-lived workers)."""
    command = [
        sys.executable, "-m", "celery", "-A", "project", "worker", "--loglevel", "INFO",
        "--concurrency", str(concurrency), "--hostname", hostname,
    ]  # fmt: skip
    if pool is not None:
        command += ["--pool", pool]
    if queues:
        command += ["--queues", ",".join(queues)]
    if quiet:
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    return command


def celery_beat_command(*, schedule: Path) -> list[str]:
    return [
        # -q: no banner (plain text on stdout); what it says is logged anyway.
        sys.executable, "-m", "celery", "-A", "project", "-q", "beat", "--loglevel", "INFO",
        "--schedule", str(schedule),
    ]  # fmt: skip


def db_worker_command(*, interval: float | None = None, startup_delay: bool = True) -> list[str]:
    """The native (django.tasks) worker on every queue."""
    command = manage_command("db_worker", "--queue-name", "*")
    if interval is not None:
        command += ["--interval", str(interval)]
    if not startup_delay:
        command.append("--no-startup-delay")
    return command


# --- children ------------------------------------------------------------------


def process_created(pid: int) -> float:
    """The process's start time, which tells it apart from a later process with its pid."""
    import psutil

    try:
        return float(psutil.Process(pid).create_time())
    except psutil.NoSuchProcess:
        return 0.0


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Restart backoff: the first restart after a second, doubling up to the cap;
# a child that ran this long before dying starts again from the first step.
RESTART_FIRST_DELAY = 1.0
RESTART_MAX_DELAY = 30.0
RESTART_STABLE_AFTER = 30.0


@dataclass
class Child:
    """A long-running child process, the leader of its own process group."""

    name: str
    command: list[str]
    env: dict[str, str]
    # Its stdout and stderr; None shares the parent's (the dev terminal).
    log: Path | None = None
    # Started again by Stack.supervise when it dies.
    supervised: bool = False
    process: subprocess.Popen[bytes] = field(init=False)
    started_at: float = 0.0
    restarts: int = 0
    # Consecutive runs shorter than RESTART_STABLE_AFTER: the backoff's exponent.
    short_runs: int = 0
    restart_at: float | None = None
    killed: bool = False

    def start(self, *, append_log: bool = True) -> None:
        out = self.log.open("ab" if append_log else "wb") if self.log is not None else None
        try:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT if out is not None else None,
                start_new_session=True,  # its own group: a stop reaches its pool children
            )
        finally:
            if out is not None:
                out.close()
        self.started_at = time.monotonic()
        self.restart_at = None
        self.killed = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        """Signal the child and every process it started."""
        _signal_group(self.pid, signum)

    def pause(self) -> None:
        """SIGSTOP the whole group: its sockets stay open, nothing answers."""
        self.signal_group(signal.SIGSTOP)

    def resume(self) -> None:
        self.signal_group(signal.SIGCONT)

    def output(self) -> str:
        """What the child wrote to its log so far (empty when it shares the terminal)."""
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the child and every process it started (no warm shutdown)."""
        _signal_group(self.pid, signal.SIGKILL)
        self.process.wait(10)
        self.killed = True

    def stop(self, timeout: float = 20.0) -> None:
        stop_children([self], timeout=timeout)

    def restart(self) -> None:
        """Stop (gracefully, as far as it lets) and start again, appending to its log."""
        self.stop()
        self.start()


def stop_children(children: Iterable[Child], *, timeout: float = 20.0) -> None:
    """SIGTERM every child's group at once, then SIGKILL what is left after ``timeout``."""
    children = list(children)
    for child in children:
        if child.running():
            _signal_group(child.pid, signal.SIGCONT)  # a stopped process cannot handle SIGTERM
            _signal_group(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child.pid, signal.SIGKILL)
            child.process.wait(10)
        # Whatever of its group outlived it (a pool process) goes too.
        _signal_group(child.pid, signal.SIGKILL)


def stop_recorded(
    records: Mapping[str, devstate.ProcessRecord], timeout: float = 15.0
) -> list[str]:
    """Stop the process groups a crashed stack recorded, if they are still those processes."""
    stopped = []
    for name, record in records.items():
        created = process_created(record.pid)
        if created and abs(created - record.created) < 1.0:
            _signal_group(record.pid, signal.SIGTERM)
            stopped.append(name)
    deadline = time.monotonic() + timeout
    for name in stopped:
        pgid = records[name].pid
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        _signal_group(pgid, signal.SIGKILL)
    return stopped


# --- the stack -----------------------------------------------------------------


def _print(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Stack:
    """Servers, migrations and children for one data directory; a context manager."""

    def __init__(
        self,
        data_dir: Path,
        *,
        kind: str,
        env: Mapping[str, str] | None = None,
        database: str = "app",
        persist_redis: bool = True,
        say: Callable[[str], None] = _print,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.kind = kind
        self.database = database
        self.persist_redis = persist_redis
        self.say = say
        self.env: dict[str, str] = dict(os.environ if env is None else env)
        self.children: dict[str, Child] = {}
        self.servers: dict[str, int] = {}
        self._stoppers: list[Callable[[], None]] = []
        self._lock: int | None = None
        self._metrics_dirs: set[Path] = set()

    # -- the data directory

    def acquire(self) -> None:
        """Take the data directory; stop what a crashed stack left running on it.

        Raises ``devstate.AlreadyRunning`` (naming the pid) when a live stack holds it.
        """
        if self._lock is not None:
            return
        self._lock = devstate.acquire_lock(self.data_dir)
        previous = devstate.read_state(self.data_dir)
        self.save_state()  # from now on a second stack is refused with our pid
        if previous is not None and previous.pid != os.getpid():
            self._stop_orphans(previous)

    def _stop_orphans(self, previous: devstate.StackState) -> None:
        from apps.core.embedded import stop_postgres, stop_redis

        stopped = stop_recorded(previous.children)
        if "postgres" in previous.servers:
            stop_postgres(self.data_dir / "postgres")
        if "redis" in previous.servers:
            stop_redis(self.data_dir / "redis")
        orphans = stopped + [name for name in ("postgres", "redis") if name in previous.servers]
        if orphans:
            self.say(
                f"{self.kind}: stopped what an earlier run (pid {previous.pid}) left running: "
                + ", ".join(orphans)
            )

    def save_state(self) -> None:
        """Rewrite the state file (after the caller restarted a child, say)."""
        if self._lock is None:
            return  # no data directory of ours (external servers): nothing to describe
        devstate.write_state(
            self.data_dir,
            devstate.StackState(
                kind=self.kind,
                pid=os.getpid(),
                data_dir=str(self.data_dir),
                env={name: self.env[name] for name in SHARED_VARIABLES if self.env.get(name)},
                servers=dict(self.servers),
                children={
                    name: devstate.ProcessRecord(child.pid, process_created(child.pid))
                    for name, child in self.children.items()
                    if child.running()
                },
            ),
        )

    # -- servers

    def start_servers(self) -> None:
        """Embedded PostgreSQL / Redis for whichever of DATABASE_URL / REDIS_URL is unset."""
        need_postgres = not self.env.get("DATABASE_URL")
        need_redis = not self.env.get("REDIS_URL")
        if not (need_postgres or need_redis):
            return
        self.acquire()
        from apps.core.embedded import EmbeddedPostgres, EmbeddedRedis

        if need_postgres:
            postgres = EmbeddedPostgres(self.data_dir / "postgres", exclusive=True)
            self._stoppers.append(postgres.stop)
            self.servers["postgres"] = postgres.pid
            postgres.ensure_database(self.database)
            self.env["DATABASE_URL"] = postgres.url(self.database)
        if need_redis:
            redis = EmbeddedRedis(
                self.data_dir / "redis", persist=self.persist_redis, exclusive=True
            )
            self._stoppers.append(redis.stop)
            self.servers["redis"] = redis.pid
            self.env["REDIS_URL"] = redis.url()
        self.save_state()

    def migrate(self, *, verbosity: int = 0) -> None:
        subprocess.run(
            manage_command("migrate", "--noinput", "-v", str(verbosity)),
            cwd=PROJECT_ROOT,
            env=self.env,
            check=True,
        )

    # -- children

    def start(
        self,
        name: str,
        command: list[str],
        *,
        log: Path | None = None,
        supervised: bool = False,
        env: Mapping[str, str] | None = None,
    ) -> Child:
        """Start a child (a fresh log when ``log`` is given) and record it in the state file."""
        child_env = self._metrics_env(dict(self.env if env is None else env))
        child = Child(name, command, child_env, log, supervised)
        child.start(append_log=False)
        return self.adopt(child)

    def _metrics_env(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` with the multiprocess directory set and prepared, when metrics are on."""
        if env.get("METRICS_ENABLED", "").strip().lower() not in ("1", "true", "yes", "on"):
            return env
        from apps.core.metrics.files import prepare

        directory = Path(env.get("PROMETHEUS_MULTIPROC_DIR") or self.data_dir / "metrics")
        if directory not in self._metrics_dirs:
            prepare(directory)  # an earlier run's files would count twice
            self._metrics_dirs.add(directory)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
        return env

    def adopt(self, child: Child) -> Child:
        """Count a child started by the caller as this stack's: recorded, stopped with it."""
        self.children[child.name] = child
        self.save_state()
        return child

    def record_server(self, name: str, pid: int) -> None:
        """Record a server the caller started (stopped by the next stack if we crash)."""
        self.servers[name] = pid
        self.save_state()

    def supervise(self) -> None:
        """Restart children that died (those started ``supervised``), with backoff."""
        now = time.monotonic()
        changed = False
        for child in self.children.values():
            if not child.supervised or (child.running() and child.restart_at is None):
                continue
            if child.restart_at is None:
                ran = now - child.started_at
                child.short_runs = 0 if ran >= RESTART_STABLE_AFTER else child.short_runs + 1
                exponent = max(0, child.short_runs - 1)
                delay = min(RESTART_MAX_DELAY, RESTART_FIRST_DELAY * 2**exponent)
                child.restart_at = now + delay
                _signal_group(child.pid, signal.SIGKILL)  # leftovers of its group
                self.say(
                    f"{self.kind}: {child.name} (pid {child.pid}) exited with code "
                    f"{child.process.returncode} after {ran:.1f} s; restarting in {delay:.0f} s"
                )
            elif now >= child.restart_at:
                child.start()
                child.restarts += 1
                changed = True
                self.say(f"{self.kind}: {child.name} restarted (pid {child.pid})")
        if changed:
            self.save_state()

    def wait_http(self, url: str, *, child: Child | None = None, timeout: float = 60.0) -> None:
        """Poll ``url`` until it answers 200; fail early if ``child`` exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if child is not None and not child.running():
                where = f"; see {child.log}" if child.log is not None else ""
                raise RuntimeError(
                    f"{child.name} exited with code {child.process.returncode}{where}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our loopback URL)
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        name = child.name if child is not None else url
        where = f"; see {child.log}" if child is not None and child.log is not None else ""
        raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s{where}")

    # -- stopping

    def stop(self, *, timeout: float = 20.0) -> None:
        """Stop the children, then the servers; release the data directory."""
        try:
            stop_children(self.children.values(), timeout=timeout)
            self.children.clear()
            while self._stoppers:
                self._stoppers.pop()()
            self.servers.clear()
        finally:
            if self._lock is not None:
                devstate.remove_state(self.data_dir)
                devstate.release_lock(self._lock)
                self._lock = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
