"""Fixtures for the job tests: one Celery worker and one db_worker per session.

The workers are real child processes on the test database (tests that need
them to see rows use ``transaction=True``) and the test Redis as broker.
Readiness is a real job making the round trip, never a sleep.
"""

import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoDbBlocker

import tests.jobs.sample_jobs  # noqa: F401  (declares the test jobs in this process too)
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import dispatch
from tests.live import server_env
from tests.workers import (
    TEST_VISIBILITY_TIMEOUT,
    Worker,
    celery_command,
    db_worker_command,
    start,
    unique_prefix,
    wait_for,
    wait_for_job,
)

# The session's workers, once a test has started them.
_native: list[Worker] = []
_celery: list[Worker] = []


@dataclass
class JobEnvironment:
    prefix: str
    env: dict[str, str]
    email_dir: Path
    log_dir: Path


@pytest.fixture(scope="session")
def job_environment(
    django_db_setup: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[JobEnvironment]:
    # A queue prefix of our own: stale messages of an earlier run stay unseen.
    prefix = unique_prefix()
    previous = settings.JOBS_QUEUE_PREFIX
    settings.JOBS_QUEUE_PREFIX = prefix
    email_dir = tmp_path_factory.mktemp("emails")
    env = server_env(
        JOBS_EXTRA_MODULES="tests.jobs.sample_jobs",
        JOBS_QUEUE_PREFIX=prefix,
        CELERY_VISIBILITY_TIMEOUT=str(TEST_VISIBILITY_TIMEOUT),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(email_dir),
        LOG_LEVEL="INFO",
    )
    try:
        yield JobEnvironment(prefix, env, email_dir, tmp_path_factory.mktemp("worker-logs"))
    finally:
        settings.JOBS_QUEUE_PREFIX = previous


def _ready(django_db_blocker: DjangoDbBlocker, name: str, worker: Worker) -> None:
    with django_db_blocker.unblock():
        job = dispatch(name)
        done = wait_for_job(job.pk, (JobStatus.SUCCEEDED,), workers=(worker,), timeout=60)
        assert done.status == JobStatus.SUCCEEDED
        Job.objects.filter(pk=job.pk).delete()


@pytest.fixture(scope="session")
def celery_worker(
    job_environment: JobEnvironment, django_db_blocker: DjangoDbBlocker
) -> Iterator[Worker]:
    """A Celery worker (prefork, 2 processes) consuming the default queue."""
    worker = start(
        "celery-default",
        celery_command(queues=[f"{job_environment.prefix}default"], hostname="default@%h"),
        job_environment.env,
        job_environment.log_dir,
    )
    try:
        _ready(django_db_blocker, "test.ping", worker)
        _celery.append(worker)
        yield worker
    finally:
        _celery.clear()
        worker.stop()


@pytest.fixture(scope="session")
def native_worker(
    job_environment: JobEnvironment, django_db_blocker: DjangoDbBlocker
) -> Iterator[Worker]:
    """``manage.py db_worker`` for the native (django.tasks) jobs."""
    worker = start("db-worker", db_worker_command(), job_environment.env, job_environment.log_dir)
    try:
        _ready(django_db_blocker, "test.echo", worker)
        _native.append(worker)
        yield worker
    finally:
        _native.clear()
        worker.stop()


@pytest.fixture
def session_db_worker_paused() -> Iterator[None]:
    """For a test whose own stack runs a ``db_worker`` on the test database.

    Native queues are not prefixed (``JOBS_QUEUE_PREFIX`` names Celery's
    only): the session's ``db_worker``, if a test started it, listens on
    ``default`` in the same database and would take that stack's jobs half
    the time. It is paused (SIGSTOP) for the test, and continued after.
    """
    paused = [worker for worker in _native if worker.process.poll() is None]
    for worker in paused:
        worker.process.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        for worker in paused:
            worker.process.send_signal(signal.SIGCONT)


@pytest.fixture(autouse=True)
def _jobs_settle(
    request: pytest.FixtureRequest, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Let the session's workers finish what a transactional test left running.

    The test database is flushed (TRUNCATE) after a transactional test. A job
    still running then races the flush: a native job (an email a test did not
    wait for) loses its DBTaskResult row under the db_worker, which exits when
    it cannot record the outcome; a Celery chain between steps (an export's
    notify step) deadlocks with the TRUNCATE. So wait for both to settle
    first; this teardown runs before pytest-django's flush.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (transactional and (_native or _celery)):
        return
    native_pending = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    # A worker sets started_at when it takes a job; rows a test wrote as
    # "running" by hand have none and are nobody's to finish.
    taken = Job.objects.filter(status=JobStatus.RUNNING, started_at__isnull=False)

    def settled() -> bool:
        if _native and native_pending.exists():
            return False
        return not (_celery and taken.exists())

    with django_db_blocker.unblock():
        wait_for(
            settled,
            timeout=60,
            what="running jobs to settle before the flush",
            workers=(*_native, *_celery),
        )
