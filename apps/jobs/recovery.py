"""Finding and resuming jobs whose worker died, on both backends.

A running job proves it is alive two ways: its worker holds the job's
PostgreSQL advisory lock (freed when the worker's connection dies), and the
runner writes ``heartbeat_at`` every ``JOBS_HEARTBEAT_INTERVAL`` while the
body runs. A ``running`` job whose heartbeat is older than ``JOBS_LEASE`` and
whose lock is free was lost with its worker: ``jobs_recover`` puts it back in
its queue (Celery: a new message; native: its task row back to READY), or
fails it once it was lost ``JOBS_MAX_RECOVERIES`` times (a job that kills its
worker every time must not loop forever). The lost attempt stays counted in
``attempts``; ``recoveries`` counts the resumptions.

``native_tasks_reclaim`` is the lease on native task rows themselves: a row a
``db_worker`` claimed (RUNNING) more than ``JOBS_LEASE`` ago whose job never
started (the worker died in between) goes back to READY; one whose job
already finished gets the job's outcome.

Both run periodically in Celery beat (``jobs.recover``) and in every
``db_worker`` (so native jobs recover without a broker). Safe to run
anywhere, any number of times, concurrently: each job is handled under its
row lock (``SKIP LOCKED``).
"""

import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.tasks import TaskResultStatus
from django.utils import timezone

from apps.core import metrics
from apps.jobs.backends import mark_enqueued, send_to_celery, send_to_native
from apps.jobs.models import TERMINAL_STATUSES, Job, JobBackend, JobStatus
from apps.jobs.runner import lock_key, run_failure_hook

logger = logging.getLogger(__name__)

LOST_ERROR = "WorkerLost"


def lock_is_free(job_id: UUID) -> bool:
    """True when no session holds the job's advisory lock (no worker runs it)."""
    key = lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
        acquired = bool(row and row[0])
        if acquired:  # we only wanted to know: give it back at once
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    return acquired


def _stale_running(cutoff: datetime) -> list[UUID]:
    return list(
        Job.objects.filter(status=JobStatus.RUNNING)
        .annotate(last_seen=Coalesce("heartbeat_at", "started_at", "updated_at"))
        .filter(last_seen__lt=cutoff)
        .order_by("last_seen")
        .values_list("pk", flat=True)[: settings.JOBS_RELAY_BATCH]
    )


def _native_task_rows(job_id: UUID) -> Any:  # django_tasks_db is untyped: a QuerySet
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(args_kwargs__args=[str(job_id)])


@transaction.atomic
def _recover(job_id: UUID, cutoff: datetime) -> bool:
    job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
    if job is None or job.status != JobStatus.RUNNING:
        return False
    last_seen = job.heartbeat_at or job.started_at or job.updated_at
    if last_seen >= cutoff or not lock_is_free(job.pk):
        return False  # alive after all (a heartbeat, or a worker holds the lock)
    job.recoveries += 1
    lost = f"The worker running this job stopped (lost {job.recoveries} times)."
    if job.recoveries > settings.JOBS_MAX_RECOVERIES:
        metrics.count_job("failed", job.name, job.backend, final=True)
        job.status = JobStatus.FAILED
        job.error_type, job.error_message = LOST_ERROR, lost
        job.finished_at = timezone.now()
        if job.current_step is not None and job.steps:
            _set_step_status(job, JobStatus.FAILED, {"type": LOST_ERROR, "message": lost})
        run_failure_hook(job)
        job.save()
        if job.backend == JobBackend.NATIVE:
            _native_task_rows(job.pk).filter(status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now()
            )
        logger.error("lost job failed: recovered too often", extra={"job": str(job.pk)})
        return True
    job.status = JobStatus.QUEUED
    job.heartbeat_at = None
    job.enqueued_at = None
    if job.current_step is not None and job.steps:
        _set_step_status(job, JobStatus.QUEUED, None)
    job.save()
    if job.backend == JobBackend.NATIVE:
        running = _native_task_rows(job.pk).filter(status=TaskResultStatus.RUNNING)
        if not running.update(status=TaskResultStatus.READY, started_at=None):
            send_to_native(job)  # its row is gone or already closed: a new one
        mark_enqueued(job.pk)
    else:
        transaction.on_commit(partial(_send, job.pk), robust=True)
    logger.warning(
        "lost job put back in its queue",
        extra={"job": str(job.pk), "recoveries": job.recoveries},
    )
    return True


def _set_step_status(job: Job, status: str, error: dict[str, str] | None) -> None:
    steps = [dict(step) for step in job.steps]
    index = job.current_step or 0
    steps[index].update(status=status, error=error)
    job.steps = steps


def _send(job_id: UUID) -> None:
    job = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).first()
    if job is not None and send_to_celery(job):
        mark_enqueued(job.pk)
    # else: the outbox relay sends it (enqueued_at is empty)


def jobs_recover(*, lease: timedelta | None = None) -> int:
    """Resume (or fail) running jobs whose worker died; returns how many."""
    cutoff = timezone.now() - (settings.JOBS_LEASE if lease is None else lease)
    return sum(_recover(job_id, cutoff) for job_id in _stale_running(cutoff))


def native_tasks_reclaim(*, lease: timedelta | None = None) -> int:
    """Put native task rows claimed by a dead worker before their job started
    back in the queue; close those whose job already finished. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - (settings.JOBS_LEASE if lease is None else lease)
    stale = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    handled = 0
    for task_id, arguments in stale.values_list("pk", "args_kwargs")[: settings.JOBS_RELAY_BATCH]:
        handled += _reclaim_task(task_id, arguments)
    return handled


@transaction.atomic
def _reclaim_task(task_id: UUID, arguments: dict[str, list[str]]) -> int:
    from django_tasks_db.models import DBTaskResult

    try:
        job_id = UUID(str(arguments["args"][0]))
    except (KeyError, IndexError, ValueError):
        return 0  # not one of ours
    job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
    task = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.RUNNING)
    if job is None:
        return int(task.update(status=TaskResultStatus.FAILED, finished_at=timezone.now()))
    if job.status in TERMINAL_STATUSES:
        outcome = (
            TaskResultStatus.SUCCESSFUL
            if job.status == JobStatus.SUCCEEDED
            else TaskResultStatus.FAILED
        )
        return int(task.update(status=outcome, finished_at=job.finished_at or timezone.now()))
    if job.status == JobStatus.RUNNING or not lock_is_free(job.pk):
        return 0  # jobs_recover's business (or really running)
    return int(task.update(status=TaskResultStatus.READY, started_at=None))
