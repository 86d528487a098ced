"""A dead worker, a database that goes away or a stalled broker loses no job.

Real workers, each started for its test with short recovery settings; the
database outage is a TCP front (tests.tcp_proxy) that the test cuts and
restores, seen only by the worker under test.
"""

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis
from django.core.management import get_commands, load_command_class
from django.db import connections
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.core.embedded import free_port
from apps.jobs.models import Job, JobStatus
from apps.jobs.recovery import jobs_recover
from apps.jobs.services import dispatch, job_cancel
from tests.factories import make_user
from tests.jobs.sample_jobs import evidence
from tests.tcp_proxy import CuttableProxy, postgres_socket_path, url_through
from tests.worker_fixtures import JobEnvironment
from tests.workers import (
    FINAL,
    Worker,
    broker_url,
    celery_command,
    db_worker_command,
    start,
    wait_for,
    wait_for_job,
)

pytestmark = pytest.mark.django_db(transaction=True)

# Short recovery settings for the workers these tests start.
FAST_RECOVERY = {
    "JOBS_HEARTBEAT_INTERVAL": "0.2s",
    "JOBS_LEASE": "1.5s",
    "JOBS_REAPER_INTERVAL": "0.3s",
    "JOBS_WORKER_BACKOFF_MAX": "1s",
    "DATABASE_POOL_TIMEOUT": "2",
}


@pytest.fixture
def private_broker(job_environment: JobEnvironment) -> Iterator[str]:
    """A broker database of its own: no other worker restores, takes or sweeps
    its messages (the session workers use a 3 s visibility timeout)."""
    from django.conf import settings

    base = settings.CELERY_BROKER_URL.rsplit("/", 1)[0]
    url = f"{base}/9"
    redis.Redis.from_url(url).flushdb()
    with broker_url(url):
        yield url
    redis.Redis.from_url(url).flushdb()


def long_queue_celery(
    job_environment: JobEnvironment, name: str, broker: str, **env: str
) -> Worker:
    queues = [f"{job_environment.prefix}long"]
    return start(
        name,
        celery_command(queues=queues, hostname=f"{name}@%h"),
        {
            **job_environment.env,
            **FAST_RECOVERY,
            "CELERY_BROKER_URL": broker,
            # The broker must not give the message back by itself (as Redis
            # does after the visibility timeout): the reaper has to.
            "CELERY_VISIBILITY_TIMEOUT": "3600",
            **env,
        },
        job_environment.log_dir,
    )


def long_queue_db_worker(job_environment: JobEnvironment, name: str, **env: str) -> Worker:
    command = db_worker_command(queue="long")
    return start(
        name, command, {**job_environment.env, **FAST_RECOVERY, **env}, job_environment.log_dir
    )


def started(token: str, runs: int = 1) -> bool:
    return evidence().get(f"gated:runs:{token}") == str(runs)


# --- the reaper: a whole worker dies mid-job ----------------------------------


def test_a_celery_job_whose_worker_died_is_resumed_by_the_reaper(
    job_environment: JobEnvironment, private_broker: str
) -> None:
    first = long_queue_celery(job_environment, "reaped-1", private_broker)
    second: Worker | None = None
    try:
        token = uuid.uuid4().hex
        job = dispatch("test.gated", kwargs={"token": token})
        wait_for(lambda: started(token), what="the job to start", workers=(first,), timeout=60)
        first.kill()  # the whole worker: nothing gives the message back
        evidence().set(f"gated:open:{token}", 1)
        second = long_queue_celery(job_environment, "reaped-2", private_broker)

        # The heartbeat stops; once it is older than the lease, the reaper
        # (Celery beat's jobs.recover in production) sends the job again.
        deadline = time.monotonic() + 30
        while not jobs_recover(lease=timedelta(seconds=1.5)):
            assert time.monotonic() < deadline, "the reaper never found the lost job"
            time.sleep(0.2)
        done = wait_for_job(job.pk, FINAL, workers=(second,), timeout=60)
        assert (done.status, done.attempts, done.recoveries) == (JobStatus.SUCCEEDED, 2, 1)
        assert done.result == {"runs": 2}
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_running_job_with_a_live_heartbeat_is_left_alone(
    job_environment: JobEnvironment, private_broker: str
) -> None:
    worker = long_queue_celery(job_environment, "alive", private_broker)
    try:
        token = uuid.uuid4().hex
        job = dispatch("test.gated", kwargs={"token": token})
        wait_for(lambda: started(token), what="the job to start", workers=(worker,), timeout=60)
        # Longer than the lease: the heartbeat (and the lock) keep it alive.
        first_beat = Job.objects.get(pk=job.pk).heartbeat_at
        wait_for(
            lambda: Job.objects.get(pk=job.pk).heartbeat_at != first_beat,
            what="a heartbeat",
            workers=(worker,),
        )
        assert jobs_recover(lease=timedelta(0)) == 0  # the lock is held
        evidence().set(f"gated:open:{token}", 1)
        done = wait_for_job(job.pk, FINAL, workers=(worker,), timeout=30)
        assert (done.status, done.attempts, done.recoveries) == (JobStatus.SUCCEEDED, 1, 0)
    finally:
        worker.stop()


def test_a_native_job_whose_db_worker_was_killed_goes_back_to_the_queue(
    job_environment: JobEnvironment,
) -> None:
    first = long_queue_db_worker(job_environment, "native-lease-1")
    second: Worker | None = None
    try:
        token = uuid.uuid4().hex
        job = dispatch("test.native_gated", kwargs={"token": token})
        wait_for(lambda: started(token), what="the job to start", workers=(first,), timeout=60)
        first.kill()
        evidence().set(f"gated:open:{token}", 1)
        # The next db_worker's own recovery thread finds the task after its lease.
        second = long_queue_db_worker(job_environment, "native-lease-2")
        done = wait_for_job(job.pk, FINAL, workers=(second,), timeout=60)
        assert (done.status, done.attempts, done.recoveries) == (JobStatus.SUCCEEDED, 2, 1)
        assert done.result == {"runs": 2}
        wait_for(
            lambda: (
                not DBTaskResult.objects.filter(
                    args_kwargs__args=[str(job.pk)], finished_at__isnull=True
                ).exists()
            ),
            what="the task row to be closed",
            workers=(second,),
        )
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_a_recovered_native_job_can_be_cancelled(job_environment: JobEnvironment) -> None:
    owner = make_user()
    worker = long_queue_db_worker(job_environment, "native-cancel-1")
    drain: Worker | None = None
    try:
        token = uuid.uuid4().hex
        job = dispatch("test.native_gated", kwargs={"token": token}, owner=owner)
        wait_for(lambda: started(token), what="the job to start", workers=(worker,), timeout=60)
        worker.kill()
        deadline = time.monotonic() + 30
        while not jobs_recover(lease=timedelta(seconds=1.5)):
            assert time.monotonic() < deadline, "the reaper never found the lost job"
            time.sleep(0.2)
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        assert job_cancel(job_id=job.pk, owner=owner).status == JobStatus.CANCELLED

        drain = long_queue_db_worker(job_environment, "native-cancel-2")
        wait_for(
            lambda: DBTaskResult.objects.filter(
                args_kwargs__args=[str(job.pk)], status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            what="the cancelled job's task to be skipped",
            workers=(drain,),
        )
        assert evidence().get(f"gated:runs:{token}") == "1"  # never ran again
        assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
    finally:
        worker.stop()
        if drain is not None:
            drain.stop()


def test_manage_py_db_worker_is_ours() -> None:
    assert get_commands()["db_worker"] == "apps.jobs"
    command = load_command_class("apps.jobs", "db_worker")
    assert type(command).__module__ == "apps.jobs.management.commands.db_worker"


# --- the database goes away under a worker -------------------------------------


@pytest.fixture
def database_front() -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(postgres_socket_path(os.environ["DATABASE_URL"]))
    try:
        yield proxy
    finally:
        proxy.close()


def _through(proxy: CuttableProxy, job_environment: JobEnvironment) -> str:
    return url_through(job_environment.env["DATABASE_URL"], proxy.port)


def test_a_celery_message_survives_a_database_outage_in_the_bookkeeping(
    job_environment: JobEnvironment, private_broker: str, database_front: CuttableProxy
) -> None:
    worker = long_queue_celery(
        job_environment,
        "db-outage",
        private_broker,
        DATABASE_URL=_through(database_front, job_environment),
    )
    try:
        # Ready: a first job makes the round trip through the front.
        ready = dispatch("test.ping_long")
        wait_for_job(ready.pk, (JobStatus.SUCCEEDED,), workers=(worker,), timeout=60)

        database_front.cut()
        token = uuid.uuid4().hex
        evidence().set(f"gated:open:{token}", 1)  # runs straight through
        job = dispatch("test.gated", kwargs={"token": token})
        wait_for(
            lambda: "job bookkeeping failed on an infrastructure error" in worker.output(),
            what="the worker to meet the outage",
            workers=(worker,),
            timeout=60,
        )
        assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
        database_front.restore()

        done = wait_for_job(job.pk, FINAL, workers=(worker,), timeout=60)
        assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 1)
        assert evidence().get(f"gated:runs:{token}") == "1"  # the body ran exactly once
    finally:
        worker.stop()


def test_the_db_worker_survives_a_database_outage(
    job_environment: JobEnvironment, database_front: CuttableProxy
) -> None:
    worker = long_queue_db_worker(
        job_environment, "native-outage", DATABASE_URL=_through(database_front, job_environment)
    )
    try:
        ready = dispatch("test.native_gated", kwargs={"token": "ready"})
        evidence().set("gated:open:ready", 1)
        wait_for_job(ready.pk, (JobStatus.SUCCEEDED,), workers=(worker,), timeout=60)

        database_front.cut()
        wait_for(
            lambda: worker.output().count("database unavailable; the worker waits") >= 2,
            what="the worker to wait out the outage",
            workers=(worker,),
            timeout=60,
        )
        assert worker.process.poll() is None  # still running
        database_front.restore()

        token = uuid.uuid4().hex
        evidence().set(f"gated:open:{token}", 1)
        job = dispatch("test.native_gated", kwargs={"token": token})
        done = wait_for_job(job.pk, FINAL, workers=(worker,), timeout=60)
        assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 1)
    finally:
        worker.stop()


# --- a broker that accepts the connection and then says nothing -------------------


@pytest.fixture
def stalled_broker() -> Iterator[str]:
    """A listener that accepts connections and never answers (a stopped Redis
    whose kernel still completes the handshake)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    port = free_port()
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        listener.close()
        for sock in accepted:
            sock.close()


def test_a_stalled_broker_does_not_hang_dispatch(stalled_broker: str) -> None:
    from django.conf import settings

    outcome: dict[str, object] = {}

    def dispatch_in_a_request() -> None:
        try:
            outcome["job"] = dispatch("test.ping")
        finally:
            connections.close_all()

    with broker_url(stalled_broker):
        caller = threading.Thread(target=dispatch_in_a_request, daemon=True)
        caller.start()
        # The first unanswered command gives up after JOBS_PUBLISH_TIMEOUT
        # (2.35 s measured for the default 2 s); 3 s of slack for a busy machine.
        caller.join(timeout=settings.JOBS_PUBLISH_TIMEOUT + 3)
        assert not caller.is_alive(), "dispatch waited on a stalled broker past its timeout"
    job = outcome["job"]
    assert isinstance(job, Job)
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)  # the relay sends it
