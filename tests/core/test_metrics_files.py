"""The multiprocess directory: dead processes' files, with real processes.

Each process below (``tests/core/metrics_process.py``) turns metrics on as
every process does and counts one request, one token cache hit and a pool gauge of 2.
A scrape's ``tidy`` must keep every counter (totals never go back), drop a
dead process's gauges, leave a live process's files alone, and end with one
archive per kind; a merge cut short at any step is finished or discarded.
"""

import fcntl
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from apps.core.metrics import files, process
from apps.core.stack import PROJECT_ROOT, Stack

REQUEST = {"route": "/api/v1/things", "method": "GET", "status": "200"}


class Recorder:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    def end(self) -> None:
        """A clean end (stdin closed): as a worker's shutdown."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(30) == 0

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)


@contextmanager
def recorders(directory: Path, count: int) -> Iterator[list[Recorder]]:
    """``count`` recording processes, started together (each loads Django: slow)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.core.metrics_process"],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        yield [Recorder(process) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(30)


def totals(directory: Path) -> tuple[float, float, float]:
    """(requests, token cache hits, pool gauge) as a scrape adds them up."""
    registry = CollectorRegistry()
    registry.register(files.DirectoryCollector(directory))  # what GET /metrics reads with
    requests = registry.get_sample_value("http_request_duration_seconds_count", REQUEST)
    hits = registry.get_sample_value("token_cache_lookups_total", {"result": "hit"})
    gauge = registry.get_sample_value("db_pool_connections", {"pool": "async", "role": "test"})
    return requests or 0.0, hits or 0.0, gauge or 0.0


def names(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir() if path.name != files.SCRAPE_LOCK}


def tidy(directory: Path) -> list[int]:
    with files.scraping(directory):
        return files.tidy(directory)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    path = tmp_path / "metrics"
    files.prepare(path)
    return path


@pytest.mark.workers  # starts processes
def test_dead_processes_are_merged_away_and_their_counts_kept(directory: Path) -> None:
    with recorders(directory, 3) as (ended, killed, alive):
        ended.end()
        killed.kill()
        # The killed process's gauge still counts until a scrape tidies it.
        assert totals(directory) == (3, 3, 4)

        assert tidy(directory) == sorted([ended.pid, killed.pid])
        assert totals(directory) == (3, 3, 2)
        assert names(directory) == {
            "counter_archive.db",
            "histogram_archive.db",
            f"counter_{alive.pid}.db",
            f"histogram_{alive.pid}.db",
            f"gauge_livesum_{alive.pid}.db",
            f"process_{alive.pid}.lock",
        }
        assert tidy(directory) == []  # a live process's files are not touched
        assert totals(directory) == (3, 3, 2)

        alive.end()
        assert tidy(directory) == [alive.pid]
        assert totals(directory) == (3, 3, 0)
        assert names(directory) == {"counter_archive.db", "histogram_archive.db"}


@pytest.mark.workers  # starts processes
def test_a_merge_cut_short_is_finished_or_discarded(directory: Path) -> None:
    with recorders(directory, 3) as (first, second, third):
        first.end()
        second.end()
        # Killed after staging, before the commit: the staged archives are dropped.
        files.stage(directory, files.dead_processes(directory))
        assert any(name.endswith(".new") for name in names(directory))
        assert tidy(directory) == sorted([first.pid, second.pid])
        assert totals(directory) == (3, 3, 2)

        third.end()
        # Killed after the commit, before the renames: the next tidy completes it.
        files.commit(directory, files.stage(directory, files.dead_processes(directory)))
        assert tidy(directory) == []
        assert totals(directory) == (3, 3, 0)
        assert names(directory) == {"counter_archive.db", "histogram_archive.db"}


@pytest.mark.workers  # starts processes
def test_a_file_still_being_created_neither_fails_a_scrape_nor_a_tidy(directory: Path) -> None:
    # prometheus_client creates a process's file empty and sizes it a moment
    # later; its own collector raised struct.error on the empty file (GET
    # /metrics answered 500 when a scrape raced a process's first sample).
    with recorders(directory, 1):
        (directory / "counter_999999.db").touch()  # a live process, mid-creation
        (directory / "histogram_999998.db").touch()  # one that died mid-creation:
        files.lock_path(directory, 999998).touch()  # its lock is there and free
        assert totals(directory) == (1, 1, 2)
        assert tidy(directory) == [999998]
        assert totals(directory) == (1, 1, 2)
        assert "histogram_999998.db" not in names(directory)


@pytest.mark.workers  # starts processes
def test_the_stack_gives_its_children_one_emptied_directory(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    stale = data_dir / "metrics" / "counter_1.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"from an earlier run")
    env = {**os.environ, "METRICS_ENABLED": "true"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    show = [sys.executable, "-c", "import os; print(os.environ['PROMETHEUS_MULTIPROC_DIR'])"]
    with Stack(data_dir, kind="test", env=env, say=lambda _: None) as stack:
        child = stack.start("show", show, log=tmp_path / "show.log")
        child.process.wait(30)
        assert child.output().strip() == str(data_dir.resolve() / "metrics")
    assert not stale.exists()


def test_a_process_claims_its_lock_while_a_scrape_judges_it(directory: Path) -> None:
    # Between creating its lock file and locking it, a starting process can be
    # judged dead by a scrape: the scrape holds the lock for a moment, then
    # deletes the file. The process must end up holding the lock on the file
    # that is there, not fail to start nor hold a lock on a deleted file.
    path = files.lock_path(directory, 424242)
    scrape = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(scrape, fcntl.LOCK_EX)

    def scrape_finishes() -> None:
        path.unlink()
        os.close(scrape)

    timer = threading.Timer(0.05, scrape_finishes)
    timer.start()
    held = process.take_lock(path)
    timer.join()
    try:
        assert os.fstat(held).st_ino == path.stat().st_ino
        assert not files.dead_processes(directory)
    finally:
        os.close(held)
    assert files.dead_processes(directory) == [424242]
