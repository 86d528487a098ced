"""The only module that talks to Celery or ``django.tasks`` on the sending side."""

import contextlib
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

from celery import chain as celery_chain
from celery.canvas import Signature
from django.conf import settings
from django.utils import timezone
from kombu.exceptions import ChannelError

from apps.jobs.models import Job, JobBackend
from apps.jobs.registry import get_spec

logger = logging.getLogger(__name__)


def queue_name(queue: str) -> str:
    """The broker queue for a declared queue (``JOBS_QUEUE_PREFIX`` + name)."""
    return f"{settings.JOBS_QUEUE_PREFIX}{queue}"


def celery_signature(job: Job) -> Signature:
    """The Celery message(s) for a job: one task, or a chain from the current step."""
    from apps.jobs.tasks import run_job

    policy = get_spec(job.name).policy

    def message(job_id: str, step: int | None = None) -> Signature:
        signature = run_job.si(job_id, step).set(queue=queue_name(job.queue))
        if policy.soft_time_limit is not None:
            signature.options["soft_time_limit"] = policy.soft_time_limit
        if policy.time_limit is not None:
            signature.options["time_limit"] = policy.time_limit
        return signature

    if not job.steps:
        return message(str(job.id))
    first = job.current_step or 0
    return celery_chain(*(message(str(job.id), index) for index in range(first, len(job.steps))))


def publish_transport_options() -> dict[str, Any]:
    """The broker's transport options with every socket operation bounded by
    ``JOBS_PUBLISH_TIMEOUT``: connecting, and each read and write of the
    publish (Redis: ``socket_*timeout``; AMQP: ``read_/write_timeout``), so a
    broker that accepts the connection and then says nothing cannot hang the
    caller."""
    from project.celery import app

    timeout = settings.JOBS_PUBLISH_TIMEOUT
    return {
        **(app.conf.broker_transport_options or {}),
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "read_timeout": timeout,
        "write_timeout": timeout,
    }


@contextlib.contextmanager
def broker_connection() -> Iterator[Any]:
    """A fresh broker connection, one connection attempt, every socket operation
    bounded by ``JOBS_PUBLISH_TIMEOUT``: raises instead of hanging on an outage."""
    from project.celery import app

    timeout = settings.JOBS_PUBLISH_TIMEOUT
    with app.connection_for_write(
        connect_timeout=timeout, transport_options=publish_transport_options()
    ) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        yield connection


def send_to_celery(job: Job) -> bool:
    """Publish the job; False (and a log line) when the broker is unreachable.

    A fresh connection per publish, one connection attempt, no publish
    retries, and socket timeouts on every operation: a broker outage (down,
    or stalled after accepting the connection) costs the caller about
    ``JOBS_PUBLISH_TIMEOUT``, never a hang, and the job stays queued for the
    outbox relay.
    """
    try:
        with broker_connection() as connection:
            celery_signature(job).apply_async(connection=connection, retry=False)
    except Exception as exc:  # any broker failure: the relay will send it later
        logger.warning(
            "job not sent, broker unavailable", extra={"job": str(job.id), "error": repr(exc)}
        )
        return False
    return True


def send_to_native(job: Job) -> None:
    """Enqueue on ``django.tasks`` (the database backend: a row in the same database)."""
    from apps.jobs.native import run_native_job

    run_native_job.using(queue_name=job.queue).enqueue(str(job.id))


def mark_enqueued(job_id: UUID, now: datetime | None = None) -> None:
    Job.objects.filter(pk=job_id, enqueued_at__isnull=True).update(
        enqueued_at=now or timezone.now()
    )


def send(job: Job) -> bool:
    """Hand a job to its backend; True when it was handed over."""
    if job.backend == JobBackend.NATIVE:
        send_to_native(job)
        return True
    return send_to_celery(job)


def broker_queue_is_empty(queue: str) -> bool:
    """True when the broker holds no ready message in ``queue`` (a queue the
    broker does not know is empty too); False when it cannot tell."""
    try:
        with broker_connection() as connection:
            channel: Any = connection.channel()  # the stubs' StdChannel lacks these
            try:
                _, messages, _ = channel.queue_declare(queue=queue_name(queue), passive=True)
            finally:
                channel.close()
    except ChannelError:  # the broker does not know the queue: nothing is in it
        return True
    except Exception as exc:  # the broker is unreachable: assume nothing
        logger.warning("broker queue depth unknown", extra={"queue": queue, "error": repr(exc)})
        return False
    return int(messages) == 0
