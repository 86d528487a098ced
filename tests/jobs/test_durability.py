"""No job is lost: rollback sends nothing, a broker outage only delays, a
killed worker's job is delivered again, and RabbitMQ works like Redis."""

import os
import socket
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from kombu import Connection

from apps.core.embedded import free_port
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import dispatch, job_outbox_relay
from tests.jobs.sample_jobs import evidence
from tests.worker_fixtures import JobEnvironment
from tests.workers import (
    FINAL,
    Worker,
    broker_url,
    celery_command,
    start,
    wait_for,
    wait_for_job,
)

pytestmark = pytest.mark.django_db(transaction=True)

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


def queued_messages(queue: str) -> int:
    return int(redis.Redis.from_url(settings.CELERY_BROKER_URL).llen(queue))


@transaction.atomic
def dispatch_then_fail() -> None:
    dispatch("test.ping")
    dispatch("test.echo")
    raise RuntimeError("the caller's work failed")


def test_rolled_back_dispatch_leaves_no_job_and_sends_nothing(
    job_environment: JobEnvironment,
) -> None:
    # A queue no worker consumes, so what was sent stays countable.
    settings.JOBS_QUEUE_PREFIX = f"rollback-{uuid.uuid4().hex[:8]}-"
    queue = f"{settings.JOBS_QUEUE_PREFIX}default"
    try:
        with pytest.raises(RuntimeError, match="the caller's work failed"):
            dispatch_then_fail()
        assert Job.objects.count() == 0
        assert DBTaskResult.objects.count() == 0
        assert queued_messages(queue) == 0

        with transaction.atomic():  # the same dispatch, committed: one message
            dispatch("test.ping")
        assert queued_messages(queue) == 1
    finally:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
        settings.JOBS_QUEUE_PREFIX = job_environment.prefix


def test_broker_outage_delays_the_job_and_the_relay_sends_it(celery_worker: Worker) -> None:
    token = uuid.uuid4().hex
    with broker_url(f"redis://127.0.0.1:{free_port()}/0"):  # nothing listens there
        job = dispatch("test.flaky", kwargs={"token": token, "failures": 0})
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED
        assert job.enqueued_at is None
        assert job_outbox_relay(older_than=timedelta(0)) == 0

    assert job_outbox_relay(older_than=timedelta(0)) == 1
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.attempts == 1
    assert done.enqueued_at is not None


def test_relay_sends_again_a_job_the_broker_lost(celery_worker: Worker) -> None:
    token = uuid.uuid4().hex
    with broker_url(f"redis://127.0.0.1:{free_port()}/0"), transaction.atomic():
        job = dispatch("test.flaky", kwargs={"token": token, "failures": 0})
    # As if it had been sent hours ago and the broker had lost the message.
    long_ago = timezone.now() - timedelta(hours=7)
    Job.objects.filter(pk=job.pk).update(enqueued_at=long_ago, created_at=long_ago)

    assert job_outbox_relay(resend_after=timedelta(hours=8)) == 0  # not stale yet
    assert job_outbox_relay() == 1
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 1)


@pytest.mark.workers  # starts processes
def test_killed_worker_mid_job_gets_the_job_redelivered(
    job_environment: JobEnvironment, celery_worker: Worker
) -> None:
    queues = [f"{job_environment.prefix}long"]
    env, logs = job_environment.env, job_environment.log_dir
    first = start("celery-long-1", celery_command(queues=queues, hostname="long1@%h"), env, logs)
    second: Worker | None = None
    try:
        token = uuid.uuid4().hex
        job = dispatch("test.gated", kwargs={"token": token})
        store = evidence()
        wait_for(
            lambda: store.get(f"gated:runs:{token}") == "1",
            what="the gated job to start",
            workers=(first,),
            timeout=60,
        )
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING

        first.kill()  # SIGKILL, mid-job: no ack, no warm shutdown
        store.set(f"gated:open:{token}", 1)
        second = start(
            "celery-long-2", celery_command(queues=queues, hostname="long2@%h"), env, logs
        )

        done = wait_for_job(job.pk, FINAL, workers=(second,), timeout=30)
        assert done.status == JobStatus.SUCCEEDED
        assert done.attempts == 2
        assert done.result == {"runs": 2}
    finally:
        first.stop()
        if second is not None:
            second.stop()


def _rabbitmq_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def rabbitmq() -> str:
    if not _rabbitmq_reachable():
        if os.environ.get("CI"):
            pytest.fail("RabbitMQ is not reachable at 127.0.0.1:5672, and CI must prove it")
        pytest.skip("RabbitMQ is not reachable at 127.0.0.1:5672 (set CI to make this a failure)")
    return RABBITMQ_URL


def test_celery_jobs_run_the_same_over_rabbitmq(
    job_environment: JobEnvironment, rabbitmq: str
) -> None:
    # Our own queue names on the shared broker.
    prefix = f"{job_environment.prefix}amqp-"
    env = {**job_environment.env, "CELERY_BROKER_URL": rabbitmq, "JOBS_QUEUE_PREFIX": prefix}
    worker = start(
        "celery-rabbitmq",
        celery_command(queues=[f"{prefix}default"], hostname="amqp@%h"),
        env,
        job_environment.log_dir,
    )
    settings.JOBS_QUEUE_PREFIX = prefix
    try:
        with broker_url(rabbitmq):
            token = uuid.uuid4().hex
            retried = dispatch("test.flaky", kwargs={"token": token, "failures": 1})
            chained = dispatch("test.chain", kwargs={"token": token})
            done = wait_for_job(retried.pk, FINAL, workers=(worker,), timeout=60)
            assert (done.status, done.attempts) == (JobStatus.SUCCEEDED, 2)
            chain_done = wait_for_job(chained.pk, FINAL, workers=(worker,), timeout=30)
            assert chain_done.status == JobStatus.SUCCEEDED
            assert [s["status"] for s in chain_done.steps] == ["succeeded"] * 3
        assert "amqp://" in worker.output()
    finally:
        settings.JOBS_QUEUE_PREFIX = job_environment.prefix
        worker.stop()
        with Connection(rabbitmq, connect_timeout=2) as connection:  # leave no litter behind
            # (the stubs' StdChannel omits queue_delete; the amqp channel has it)
            connection.default_channel.queue_delete(f"{prefix}default")  # type: ignore[attr-defined]


def test_relay_resends_soon_only_what_its_queue_no_longer_holds(
    job_environment: JobEnvironment,
) -> None:
    # A queue no worker consumes: what was sent stays there, countable.
    settings.JOBS_QUEUE_PREFIX = f"resend-{uuid.uuid4().hex[:8]}-"
    queue = f"{settings.JOBS_QUEUE_PREFIX}default"
    try:
        waiting = dispatch("test.ping")  # sent: its message sits in the queue
        assert queued_messages(queue) == 1
        ten_minutes_ago = timezone.now() - timedelta(minutes=10)  # > JOBS_RELAY_RESEND_AFTER
        Job.objects.filter(pk=waiting.pk).update(enqueued_at=ten_minutes_ago)

        assert job_outbox_relay() == 0  # it may just be waiting its turn: not sent twice
        assert queued_messages(queue) == 1

        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)  # the broker lost it
        assert job_outbox_relay() == 1
        assert queued_messages(queue) == 1
        resent_at = Job.objects.get(pk=waiting.pk).enqueued_at
        assert resent_at is not None
        assert resent_at > ten_minutes_ago
    finally:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
        settings.JOBS_QUEUE_PREFIX = job_environment.prefix
