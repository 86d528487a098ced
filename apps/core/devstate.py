"""The state file of a running stack: who holds a data directory, and what it runs.

A stack (``uv run dev``, a test session, the contract or load-test runner)
that starts servers under a data directory holds an exclusive ``flock`` on
``<data dir>/stack.lock`` for its whole life and describes itself in
``<data dir>/stack.json`` (written atomically, mode 0600): its pid, the
environment its children got, and the pids of its servers and children.

- A second stack on the same directory is refused, naming the holder's pid.
- A state file whose lock nobody holds was left by a stack that crashed: the
  next stack on that directory stops what it recorded (``apps.core.stack``).
- Commands started by hand while ``dev`` runs (``manage.py ...``, ``celery
  ...``) find its servers here, through the settings
  (``project.settings.devstack``), only when ``DATABASE_URL`` or
  ``REDIS_URL`` is unset and only while the lock is held by the live process
  the file names: a copied or stale file is never trusted.

Standard library only: the settings import this module in every process.
"""

import contextlib
import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "stack.json"
LOCK_FILE = "stack.lock"


class AlreadyRunning(RuntimeError):
    """Another live stack holds the data directory."""

    def __init__(self, data_dir: Path, pid: int | None, kind: str | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        self.kind = kind
        who = f"{kind or 'a stack'} (pid {pid})" if pid else (kind or "another stack")
        super().__init__(f"{who} is already running on {data_dir}")


@dataclass
class ProcessRecord:
    """A process a stack started: enough to find it again after a crash, and only it."""

    pid: int
    # Its start time (seconds since the epoch, as psutil reports it): a pid
    # reused by another process since then does not match.
    created: float
    # A child leads its own process group; stopping it stops the whole group.
    group: bool = True


@dataclass
class StackState:
    """What ``stack.json`` holds."""

    kind: str
    pid: int
    data_dir: str
    # The variables the stack gave its children that another command needs to
    # reach the same servers (URLs, the development secret, the mail folder).
    env: dict[str, str] = field(default_factory=dict)
    # name -> pid of each server (postgres, redis)
    servers: dict[str, int] = field(default_factory=dict)
    # name -> the child processes (uvicorn, the workers)
    children: dict[str, ProcessRecord] = field(default_factory=dict)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "StackState":
        return cls(
            kind=str(raw["kind"]),
            pid=int(raw["pid"]),
            data_dir=str(raw["data_dir"]),
            env={str(k): str(v) for k, v in dict(raw.get("env") or {}).items()},
            servers={str(k): int(v) for k, v in dict(raw.get("servers") or {}).items()},
            children={
                str(name): ProcessRecord(
                    pid=int(record["pid"]),
                    created=float(record["created"]),
                    group=bool(record.get("group", True)),
                )
                for name, record in dict(raw.get("children") or {}).items()
            },
        )


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def read_state(data_dir: Path) -> StackState | None:
    """The state file's content, running or stale; None when absent or unreadable."""
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text())
        return StackState.from_json(raw)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(data_dir: Path, state: StackState) -> None:
    """Replace the state file atomically (readers never see half a file)."""
    path = data_dir / STATE_FILE
    temporary = data_dir / f".{STATE_FILE}.{os.getpid()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(asdict(state), file, indent=2)
    temporary.replace(path)


def remove_state(data_dir: Path) -> None:
    (data_dir / STATE_FILE).unlink(missing_ok=True)


def lock_is_held(data_dir: Path) -> bool:
    """Whether a live process holds the data directory's lock (checked without keeping it)."""
    try:
        descriptor = os.open(data_dir / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)  # also releases the shared lock, if taken
    return False


def running_state(data_dir: Path) -> StackState | None:
    """The state of the stack running on ``data_dir`` right now, else None.

    Trusted only when the lock is held and the pid the file names is alive:
    a file left by a crash, or copied from elsewhere, is ignored.
    """
    state = read_state(data_dir)
    if state is None or not pid_alive(state.pid) or not lock_is_held(data_dir):
        return None
    return state


def acquire_lock(data_dir: Path, *, attempts: int = 20) -> int:
    """Take the data directory's lock for this process's life; returns its descriptor.

    A reader checking the lock holds it (shared) for a moment, so a busy lock
    whose recorded holder is gone is tried again for up to a second before it
    counts as another stack's.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    for _ in range(attempts):
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            state = read_state(data_dir)
            if state is not None and state.pid != os.getpid() and pid_alive(state.pid):
                os.close(descriptor)
                raise AlreadyRunning(data_dir, state.pid, state.kind) from None
            time.sleep(0.05)
        else:
            return descriptor
    state = read_state(data_dir)
    os.close(descriptor)
    if state is None or not pid_alive(state.pid):
        raise AlreadyRunning(data_dir, None, None)  # starting up: no state written yet
    raise AlreadyRunning(data_dir, state.pid, state.kind)


def release_lock(descriptor: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
