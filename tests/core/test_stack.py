"""apps.core.stack: what a crashed stack leaves behind is stopped by the next one."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from apps.core import devstate
from apps.core.stack import PROJECT_ROOT, Stack

DATA_DIR = PROJECT_ROOT / ".data" / "test-crash"

# A stack with both embedded servers and one child, then nothing until killed.
CRASHING_STACK = """
import os, sys
from pathlib import Path
from apps.core.stack import Stack

stack = Stack(Path(sys.argv[1]), kind="crashing stack", env=dict(os.environ))
stack.start_servers()
stack.start("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"])
print("ready", flush=True)
sys.stdin.read()
"""


def without_servers() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}


def redis_servers_on(directory: Path) -> list[int]:
    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.info["name"] == "redis-server" and Path(process.cwd()) == directory:
                found.append(process.pid)
        except psutil.Error:
            continue
    return found


@pytest.mark.workers  # starts processes
def test_the_next_stack_stops_what_a_crashed_one_left_running() -> None:
    crashed = subprocess.Popen(
        [sys.executable, "-c", CRASHING_STACK, str(DATA_DIR)],
        cwd=PROJECT_ROOT,
        env=without_servers(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert crashed.stdout is not None
    try:
        assert crashed.stdout.readline().strip() == b"ready"
        left = devstate.read_state(DATA_DIR)
        assert left is not None
        crashed.send_signal(signal.SIGKILL)
        crashed.wait(10)
    finally:
        if crashed.poll() is None:
            crashed.kill()
    orphans = [left.servers["postgres"], left.servers["redis"], left.children["sleeper"].pid]
    assert all(psutil.pid_exists(pid) for pid in orphans)  # a crash leaves them running
    assert devstate.running_state(DATA_DIR) is None  # and nobody trusts its state file

    said: list[str] = []
    stack = Stack(DATA_DIR, kind="next stack", env=without_servers(), say=said.append)
    try:
        stack.start_servers()
        assert not any(psutil.pid_exists(pid) for pid in orphans)
        assert said == [
            f"next stack: stopped what an earlier run (pid {left.pid}) left running: "
            "sleeper, postgres, redis"
        ]
        # One Redis on the append-only file: the new one.
        assert redis_servers_on((DATA_DIR / "redis").resolve()) == [stack.servers["redis"]]
    finally:
        stack.stop()


@pytest.mark.workers  # starts processes
def test_a_second_stack_on_a_held_directory_is_refused_with_the_holders_pid(
    tmp_path: Path,
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from apps.core import devstate;"
            "from apps.core.stack import Stack;"
            "s = Stack(Path(sys.argv[1]), kind='holder', env={}); s.acquire();"
            "print('held', flush=True); sys.stdin.read()",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(devstate.AlreadyRunning) as refused:
            Stack(tmp_path, kind="second", env={}).acquire()
        assert refused.value.pid == holder.pid
        assert str(refused.value) == f"holder (pid {holder.pid}) is already running on {tmp_path}"
        assert devstate.running_state(tmp_path) is not None
    finally:
        holder.stdin.close()
        holder.wait(10)
    # Its lock went with it: the directory is free again.
    assert devstate.running_state(tmp_path) is None
    free = Stack(tmp_path, kind="third", env={})
    free.acquire()
    free.stop()
