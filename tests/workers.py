"""Real worker processes for the job tests: ``celery worker`` and ``db_worker``.

Each is a child of the session's stack (``apps.core.stack``), built with the
same command line as ``uv run dev`` uses, with settings for short test runs.
"""

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

from apps.core.stack import Child, celery_worker_command
from apps.core.stack import db_worker_command as stack_db_worker_command
from apps.jobs.models import Job, JobStatus
from project.celery import app as celery_app
from tests.embedded_services import session_stack

# A job that runs longer than this in a test is a bug; also the Redis
# visibility timeout the test workers use, so a killed worker's job comes back fast.
TEST_VISIBILITY_TIMEOUT = 3

# A worker process: ``kill()`` (SIGKILL to its group), ``stop()``, ``output()``.
Worker = Child


def start(name: str, command: list[str], env: dict[str, str], log_dir: Path) -> Worker:
    return session_stack().start(name, command, log=log_dir / f"{name}.log", env=env)


def celery_command(*, queues: list[str], hostname: str, pool: str = "prefork") -> list[str]:
    return celery_worker_command(hostname=hostname, queues=queues, pool=pool, quiet=True)


def db_worker_command(*, queue: str = "default") -> list[str]:
    """The session's db_worker takes the default queue; tests that kill or
    starve a db_worker start their own on the long queue."""
    command = stack_db_worker_command(interval=0.1, startup_delay=False)
    return [queue if part == "*" else part for part in command]


def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:8]}-"


def wait_for(
    condition: Callable[[], bool],
    *,
    timeout: float = 20.0,
    what: str = "condition",
    workers: tuple[Worker, ...] = (),
) -> None:
    """Poll ``condition`` until it holds; fail with the workers' logs otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for worker in workers:
            if worker.process.poll() is not None and not worker.killed:
                raise AssertionError(f"{worker.name} exited:\n{worker.output()}")
        time.sleep(0.05)
    logs = "\n".join(f"--- {w.name}\n{w.output()[-4000:]}" for w in workers)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def wait_for_job(
    job_id: UUID,
    statuses: tuple[str, ...],
    *,
    workers: tuple[Worker, ...] = (),
    timeout: float = 20.0,
) -> Job:
    """Poll the Job row (committed data) until its status is one of ``statuses``."""

    def reached() -> bool:
        return Job.objects.filter(pk=job_id, status__in=statuses).exists()

    wait_for(reached, what=f"job {job_id} to be {statuses}", workers=workers, timeout=timeout)
    return Job.objects.get(pk=job_id)


FINAL = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


@contextmanager
def broker_url(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker for the duration.

    Celery reads the ``CELERY_BROKER_URL`` environment variable before its
    configuration, so both change.
    """
    previous = celery_app.conf.broker_url
    previous_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.update(broker_url=url)
    try:
        yield
    finally:
        celery_app.conf.update(broker_url=previous)
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
