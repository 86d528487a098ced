"""The multiprocess directory: what is in it, and tidying up after dead processes.

prometheus-client's multiprocess mode gives each process its own files,
``<kind>_<pid>.db`` (``counter``, ``histogram``, ``gauge_livesum``), and a
scrape adds them all up. Left alone the directory only grows: every process
that ever ran (a restarted uvicorn worker, each Celery pool process, each
``db_worker``) keeps its files, and each scrape reads them all. So, under
one exclusive lock (``scrape.lock``) that every scrape holds while it reads
(``scraping``), ``tidy``:

- finds the dead processes: those whose ``process_<pid>.lock`` is not locked
  any more (``apps.core.metrics.process``: each process holds its own for its
  whole life). A file whose process never took a lock is left alone;
- deletes their gauge files (a gauge counts only live processes);
- merges their counters and histograms into one archive per kind
  (``counter_archive.db``, ``histogram_archive.db``), so totals never go
  back and the directory holds the live processes plus one archive per kind.

The merge survives being killed at any point: the new archives are written
under another name, then a journal naming them and the merged files is
renamed into place (the commit), then the archives are renamed over the old
ones and the merged files deleted. The next ``tidy`` finishes a committed
merge or discards an uncommitted one before anything is read. (A rename is
atomic for a process crash; the directory is scratch space, so a power loss
is handled by wiping it at boot.)
"""

import contextlib
import fcntl
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRAPE_LOCK = "scrape.lock"
JOURNAL = "merge.journal"
ADDITIVE_KINDS = ("counter", "histogram", "summary")
_PROCESS_FILE = re.compile(r"^(?P<kind>counter|histogram|summary|gauge_[a-z]+)_(?P<pid>\d+)\.db$")
_LOCK_FILE = re.compile(r"^process_(?P<pid>\d+)\.lock$")


# The file header (``used`` and padding). A process creates its file empty and
# sizes it a moment later; prometheus_client's reader fails on anything shorter.
_HEADER_BYTES = 8


def readable(directory: Path) -> list[str]:
    """The ``*.db`` files a scrape can read: all but those still being created.

    prometheus_client opens a new file (empty), then truncates it to its
    initial size; its ``MultiProcessCollector`` reads whatever the glob found
    and raises ``struct.error`` on an empty one, so a scrape racing a process's
    first metric answered 500. An empty file holds no samples: skip it.
    """
    ready = []
    for path in directory.glob("*.db"):
        try:
            if path.stat().st_size >= _HEADER_BYTES:
                ready.append(str(path))
        except FileNotFoundError:
            continue  # a gauge file removed by its process's clean exit
    return ready


class DirectoryCollector:
    """prometheus_client's ``MultiProcessCollector`` over ``readable`` files only."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def collect(self) -> Any:
        from prometheus_client.multiprocess import MultiProcessCollector

        collector: Any = MultiProcessCollector  # untyped
        return collector.merge(readable(self.directory), accumulate=True)


def lock_path(directory: Path, pid: int) -> Path:
    return directory / f"process_{pid}.lock"


def archive_path(directory: Path, kind: str) -> Path:
    return directory / f"{kind}_archive.db"


def prepare(directory: Path) -> None:
    """Create the directory, or empty it of an earlier run's files (before any process starts)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.iterdir():
        if path.suffix in (".db", ".lock", ".new", ".journal") and path.is_file():
            path.unlink()


def remove_gauges(directory: Path, pid: int) -> None:
    """Delete a process's gauge files (prometheus_client's ``mark_process_dead``, any mode)."""
    for path in directory.glob(f"gauge_*_{pid}.db"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def scraping(directory: Path) -> Iterator[None]:
    """Hold the directory's scrape lock: one scrape (and tidy) at a time."""
    fd = os.open(directory / SCRAPE_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _dead(directory: Path, pid: int) -> bool:
    """True when ``process_<pid>.lock`` exists and nobody holds it."""
    try:
        fd = os.open(lock_path(directory, pid), os.O_RDWR)
    except FileNotFoundError:
        return False  # never claimed (or already tidied): not ours to judge
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def dead_processes(directory: Path) -> list[int]:
    pids = []
    for path in directory.glob("process_*.lock"):
        match = _LOCK_FILE.match(path.name)
        if match is not None and _dead(directory, int(match["pid"])):
            pids.append(int(match["pid"]))
    return sorted(pids)


def tidy(directory: Path) -> list[int]:
    """Finish or discard an interrupted merge, then merge away dead processes' files.

    Call while holding ``scraping(directory)``. Returns the pids tidied away.
    """
    finish(directory)
    pids = dead_processes(directory)
    if pids:
        commit(directory, stage(directory, pids))
        finish(directory)
    return pids


@dataclass(frozen=True)
class Merge:
    """A staged merge: the new archives (``*.new``) and the files they replace."""

    archives: list[Path]
    remove: list[Path]


def stage(directory: Path, pids: list[int]) -> Merge:
    """Delete dead ``pids``' gauges; write archives that include their counters, aside."""
    merged: dict[str, list[Path]] = {kind: [] for kind in ADDITIVE_KINDS}
    for pid in pids:
        remove_gauges(directory, pid)
        for path in directory.glob(f"*_{pid}.db"):
            match = _PROCESS_FILE.match(path.name)
            if match is not None and match["kind"] in merged:
                merged[match["kind"]].append(path)
    archives = [_write_merged(directory, kind, paths) for kind, paths in merged.items() if paths]
    remove = [path for paths in merged.values() for path in paths]
    return Merge(archives, remove + [lock_path(directory, pid) for pid in pids])


def commit(directory: Path, merge: Merge) -> None:
    """Make a staged merge the truth: from here on ``finish`` completes it."""
    journal = {
        "archives": [str(path) for path in merge.archives],
        "remove": [str(path) for path in merge.remove],
    }
    staged = directory / (JOURNAL + ".new")
    staged.write_text(json.dumps(journal))
    staged.rename(directory / JOURNAL)


def _write_merged(directory: Path, kind: str, paths: list[Path]) -> Path:
    """Write the sum of ``kind``'s archive and ``paths`` to ``<archive>.new``."""
    from prometheus_client import mmap_dict

    # prometheus_client's file format (untyped): the same reader its collector uses.
    MmapedDict: Any = mmap_dict.MmapedDict
    archive = archive_path(directory, kind)
    totals: dict[str, float] = {}
    for path in [archive, *paths] if archive.exists() else paths:
        if path.stat().st_size < _HEADER_BYTES:
            continue  # created, never sized: the process died before its first sample
        for key, value, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            totals[key] = totals.get(key, 0.0) + value
    staged = archive.with_name(archive.name + ".new")
    staged.unlink(missing_ok=True)
    merged = MmapedDict(str(staged))
    try:
        for key, value in totals.items():
            merged.write_value(key, value, 0.0)
    finally:
        merged.close()
    return staged


def finish(directory: Path) -> None:
    """Complete a committed merge (its journal exists), else drop its staged files."""
    journal_path = directory / JOURNAL
    if journal_path.exists():
        journal = json.loads(journal_path.read_text())
        for staged in map(Path, journal["archives"]):
            if staged.exists():
                staged.rename(staged.with_suffix(""))  # counter_archive.db.new -> .db
        for path in map(Path, journal["remove"]):
            path.unlink(missing_ok=True)
        journal_path.unlink()
    for staged in directory.glob("*.new"):
        staged.unlink()  # an uncommitted merge (or journal)
