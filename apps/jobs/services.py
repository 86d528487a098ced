"""Writes on jobs: dispatch (and its async twin), cancel, the outbox relay, pruning.

Calling code uses ``dispatch``/``adispatch`` and never imports Celery or
``django.tasks``.
"""

import json
import logging
from datetime import timedelta
from functools import partial
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core import metrics
from apps.core.context import request_id_var
from apps.core.errors import Conflict, NotFound
from apps.jobs.backends import broker_queue_is_empty, mark_enqueued, send, send_to_celery
from apps.jobs.models import CANCELLABLE_STATUSES, TERMINAL_STATUSES, Job, JobBackend, JobStatus
from apps.jobs.registry import Backend, get_spec
from apps.jobs.runner import run_failure_hook

logger = logging.getLogger(__name__)


def _after_commit_send(job_id: UUID) -> None:
    job = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).first()
    if job is not None and send_to_celery(job):
        mark_enqueued(job.pk)


def dispatch(
    name: str, *, kwargs: dict[str, Any] | None = None, owner: AbstractBaseUser | None = None
) -> Job:
    """Record a job and enqueue it once the caller's transaction commits.

    - Call it inside the transaction that makes the job necessary: a rollback
      leaves no Job row and sends nothing.
    - Native jobs are enqueued in that same transaction (the ``django.tasks``
      database backend writes a row next to ours); Celery jobs are published
      in ``transaction.on_commit``. If the broker is down the job stays
      ``queued`` and the outbox relay sends it later.
    - ``kwargs`` must be JSON-serializable (a ``TypeError`` otherwise).
    - The current request's id (if any) is stored on the job; the runner
      sets it as the logging context while the job runs.
    """
    spec = get_spec(name)
    arguments = kwargs or {}
    json.dumps(arguments)  # refuse what the JSON serializer could not carry, now
    backend = spec.backend
    with transaction.atomic():
        job = Job.objects.create(
            owner_id=owner.pk if owner is not None else None,
            name=spec.name,
            backend=backend.value,
            queue=spec.policy.queue,
            kwargs=arguments,
            request_id=request_id_var.get() or "",
            max_attempts=spec.policy.max_retries + 1,
            steps=[
                {"name": step, "status": JobStatus.QUEUED.value, "attempts": 0, "error": None}
                for step in spec.step_names()
            ]
            if spec.is_chain
            else [],
            current_step=0 if spec.is_chain else None,
        )
        if backend is Backend.NATIVE:
            send(job)
            mark_enqueued(job.pk)
        else:
            transaction.on_commit(partial(_after_commit_send, job.pk), robust=True)
        metrics.count_job("dispatched", spec.name, backend.value)
    return job


async def adispatch(
    name: str, *, kwargs: dict[str, Any] | None = None, owner: AbstractBaseUser | None = None
) -> Job:
    """``dispatch`` for async code: one thread hop around the same implementation."""
    return await sync_to_async(dispatch)(name, kwargs=kwargs, owner=owner)


@transaction.atomic
def job_cancel(*, job_id: UUID, owner: AbstractBaseUser) -> Job:
    """Cancel the owner's job if it has not started running (queued or waiting to retry).

    A worker that receives a cancelled job skips it; the job's ``on_failure``
    hook runs in this transaction. Someone else's job is 404.
    """
    job = Job.objects.select_for_update().filter(pk=job_id, owner_id=owner.pk).first()
    if job is None:
        raise NotFound()
    return _cancel(job)


def _cancel(job: Job) -> Job:
    if job.status == JobStatus.CANCELLED:
        return job
    if job.status not in CANCELLABLE_STATUSES:
        raise Conflict(f"A {job.status} job cannot be cancelled.")
    job.status = JobStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    run_failure_hook(job)
    return job


@transaction.atomic
def job_cancel_by_staff(*, job_id: UUID) -> Job:
    """Cancel any user's job that has not started (the admin's action); 409 otherwise.

    Same rules as ``job_cancel``, without the owner check: only for staff.
    """
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    return _cancel(job)


@transaction.atomic
def job_retry(*, job_id: UUID) -> Job:
    """Run a failed job again (the admin's action): back to ``queued`` with its
    full retry budget (attempts and recoveries start from 0); a chain resumes
    at the step that failed. Sent like a new dispatch: native in this
    transaction, Celery after commit (the relay if the broker is down). Only a
    failed job: 409 otherwise.
    """
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFound()
    if job.status != JobStatus.FAILED:
        raise Conflict(f"A {job.status} job cannot be retried.")
    job.status = JobStatus.QUEUED
    job.attempts = job.recoveries = 0
    job.error_type = job.error_message = ""
    job.result = None
    job.enqueued_at = job.heartbeat_at = job.finished_at = None
    if job.current_step is not None and job.steps:
        steps = [dict(step) for step in job.steps]
        steps[job.current_step].update(status=JobStatus.QUEUED.value, attempts=0, error=None)
        job.steps = steps
    job.save()
    if job.backend == JobBackend.NATIVE:
        send(job)
        mark_enqueued(job.pk)
    else:
        transaction.on_commit(partial(_after_commit_send, job.pk), robust=True)
    return job


def job_outbox_relay(
    *, older_than: timedelta | None = None, resend_after: timedelta | None = None
) -> int:
    """Send queued Celery jobs that never reached the broker (older than
    ``JOBS_RELAY_AFTER``), and send again those sent more than
    ``JOBS_RELAY_RESEND_AFTER`` ago that no worker started while their broker
    queue is empty (so the message was lost: a broker that restarted empty;
    a job merely waiting behind others in its queue is not sent twice).
    Returns how many were sent.

    Safe to run anywhere, any number of times: a job sent twice runs once
    (see apps.jobs.runner).
    """
    now = timezone.now()
    never_sent_before = now - (settings.JOBS_RELAY_AFTER if older_than is None else older_than)
    sent_before = now - (settings.JOBS_RELAY_RESEND_AFTER if resend_after is None else resend_after)
    pending = (
        Job.objects.filter(backend=JobBackend.CELERY, status=JobStatus.QUEUED)
        .filter(
            Q(enqueued_at__isnull=True, created_at__lte=never_sent_before)
            | Q(enqueued_at__lte=sent_before)
        )
        .order_by("created_at")[: settings.JOBS_RELAY_BATCH]
    )
    sent = 0
    empty_queues: dict[str, bool] = {}
    for job in pending:
        if job.enqueued_at is not None:  # sent once already: only if it was lost
            if job.queue not in empty_queues:
                empty_queues[job.queue] = broker_queue_is_empty(job.queue)
            if not empty_queues[job.queue]:
                continue
        if not send_to_celery(job):
            break  # the broker is still down: try again next time
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(enqueued_at=timezone.now())
        sent += 1
    return sent


def jobs_prune(*, older_than: timedelta | None = None) -> tuple[int, int]:
    """Delete finished Job rows and finished native task results past the retention."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - (settings.JOBS_RETENTION if older_than is None else older_than)
    jobs, _ = Job.objects.filter(status__in=TERMINAL_STATUSES, finished_at__lt=cutoff).delete()
    results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return jobs, results
