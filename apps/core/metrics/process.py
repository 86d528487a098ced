"""A process's life in the multiprocess directory (``PROMETHEUS_MULTIPROC_DIR``).

- ``claim`` (when the apps load): the process takes an exclusive ``flock`` on
  ``process_<pid>.lock`` in the directory and holds it for its whole life.
  The kernel lets go of it when the process ends, however it ends (SIGKILL
  included), so a scrape tells a dead process's files from a live one's
  without guessing from pids (``apps.core.metrics.files``). A forked child
  (Celery's prefork pool) claims its own at once (``os.register_at_fork``).
- ``start(role)``: the thread that publishes this process's pool usage,
  labelled with its role (``api``, ``celery``, ``db_worker``).
- ``end``: at a clean exit, stops that thread and removes the process's gauge
  files (its pool usage stops counting at once); its counters stay until a
  scrape merges them into the archive. A killed process's gauges go at the
  next scrape.
"""

import contextlib
import fcntl
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.metrics import files


class _State:
    pid = 0
    role = "other"
    lock_fd: int | None = None
    publisher: threading.Thread | None = None
    fork_hook = False


_state = _State()
_guard = threading.Lock()


def _directory() -> Path | None:
    directory: str = settings.METRICS_MULTIPROCESS_DIR
    return Path(directory) if directory else None


def claim() -> None:
    """Hold this process's liveness lock in the directory (idempotent per process)."""
    directory = _directory()
    if directory is None:
        return
    with _guard:
        if _state.pid == os.getpid() and _state.lock_fd is not None:
            return
        try:
            fd = take_lock(files.lock_path(directory, os.getpid()))
        except FileNotFoundError:
            raise ImproperlyConfigured(
                f"PROMETHEUS_MULTIPROC_DIR={directory} does not exist; create it (empty) "
                "before starting the processes that share it"
            ) from None
        _state.pid, _state.lock_fd = os.getpid(), fd
        if not _state.fork_hook:
            os.register_at_fork(after_in_child=_after_fork)
            _state.fork_hook = True


# A scrape checking whether a process is dead holds its lock for microseconds.
_LOCK_ATTEMPTS = 200
_LOCK_RETRY_SECONDS = 0.005


def take_lock(path: Path) -> int:
    """Open and lock ``path`` for this process's life; return the descriptor.

    Between creating the file and locking it, a scrape may find it unlocked,
    judge the process dead (holding the lock for a moment: retry) and delete
    the file (our lock would then be on nothing: lock the new file instead).
    Still held after a second: another live process has this pid.
    """
    for _ in range(_LOCK_ATTEMPTS):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            time.sleep(_LOCK_RETRY_SECONDS)
            continue
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # deleted (or replaced) while we locked it: lock the file there now
    raise RuntimeError(
        f"another process with pid {os.getpid()} holds its lock in {path.parent}: "
        "PROMETHEUS_MULTIPROC_DIR is shared by processes of different pid "
        "namespaces (containers); give each its own directory"
    )


def _after_fork() -> None:
    # The parent's lock stays the parent's (closing our copy of its descriptor
    # does not release it); its publisher thread did not come along.
    if _state.lock_fd is not None:
        with contextlib.suppress(OSError):
            os.close(_state.lock_fd)
    _state.lock_fd = None
    _state.publisher = None
    claim()


def current_role() -> str:
    return _state.role


def start(role: str) -> None:
    """Claim (if not yet) and start publishing this process's pool usage as ``role``."""
    if not settings.METRICS_ENABLED:
        return
    claim()
    _state.role = role
    from apps.core.metrics.pools import PublisherThread

    with _guard:
        if _state.publisher is not None and _state.publisher.is_alive():
            return
        thread = PublisherThread(role)
        thread.start()
        _state.publisher = thread


def end() -> None:
    """At a clean exit: stop publishing, drop this process's gauges, let go of the lock."""
    from apps.core.metrics.pools import PublisherThread

    with _guard:
        thread, _state.publisher = _state.publisher, None
        if isinstance(thread, PublisherThread):
            thread.stopped.set()
            thread.join(timeout=2)
        directory = _directory()
        if directory is not None and _state.pid == os.getpid():
            files.remove_gauges(directory, os.getpid())
        if _state.lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(_state.lock_fd)
            _state.lock_fd = None
