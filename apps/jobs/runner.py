"""Running a job, the same way on both backends.

Guarantees:
- a job that already finished (succeeded, failed, cancelled) is skipped, and
  a chain step that already succeeded is skipped, so a redelivered or relayed
  message never completes a job twice;
- two deliveries of one job never run at the same time: the body runs under a
  PostgreSQL advisory lock on the job, released when the body ends or when the
  worker's connection dies (a killed worker frees it for the redelivery);
- every state change is a short transaction on the locked row
  (``select_for_update``), so the Job row always tells the truth.
"""

import logging
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.jobs.registry import JobContext, JobPolicy, UnknownJob, get_spec

logger = logging.getLogger(__name__)

ERROR_MESSAGE_LIMIT = 1000


class Outcome(StrEnum):
    SKIPPED = "skipped"  # finished already, cancelled, or running elsewhere
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    countdown: float = 0.0


def backoff_seconds(policy: JobPolicy, *, attempt: int) -> float:
    """Exponential backoff after the ``attempt``-th failure, capped, with full jitter."""
    delay = min(policy.backoff_max, policy.backoff_base * (2 ** max(0, attempt - 1)))
    return random.uniform(0, delay) if policy.jitter else delay  # noqa: S311 (not crypto)


def job_context(job: Job, step: int | None, policy: JobPolicy) -> JobContext:
    """The context of the attempt ``_start`` just recorded (the backoff drawn once)."""
    attempt = job.steps[step]["attempts"] if step is not None else job.attempts
    final = attempt > policy.max_retries
    return JobContext(
        attempt=attempt,
        is_final=final,
        retry_in=None if final else backoff_seconds(policy, attempt=attempt),
        request_id=None,
    )


def _lock_key(job_id: UUID) -> int:
    # pg advisory locks take a signed 64-bit key; 63 bits of the UUID is plenty.
    return job_id.int >> 65


@contextmanager
def execution_lock(job_id: UUID) -> Iterator[bool]:
    """Hold a session advisory lock on the job while its body runs; yields False if taken."""
    key = _lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _set_step(job: Job, index: int, **values: Any) -> None:
    steps = [dict(step) for step in job.steps]
    steps[index].update(values)
    job.steps = steps


@transaction.atomic
def _start(job_id: UUID, step: int | None) -> Job | None:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in TERMINAL_STATUSES:
        return None
    if step is not None and job.steps[step]["status"] == JobStatus.SUCCEEDED:
        return None
    now = timezone.now()
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or now
    job.enqueued_at = job.enqueued_at or now
    if step is not None:
        job.current_step = step
        _set_step(job, step, status=JobStatus.RUNNING, attempts=job.steps[step]["attempts"] + 1)
    job.save()
    return job


@transaction.atomic
def _succeed(job_id: UUID, step: int | None, result: Any) -> None:
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status in TERMINAL_STATUSES:
        return  # another delivery finished it (or it was cancelled) meanwhile
    job.error_type = job.error_message = ""
    if step is not None:
        _set_step(job, step, status=JobStatus.SUCCEEDED, error=None)
        if step + 1 < len(job.steps):
            job.current_step = step + 1
            job.save()
            return
    job.status = JobStatus.SUCCEEDED
    job.result = result
    job.finished_at = timezone.now()
    job.save()


@transaction.atomic
def _fail(job_id: UUID, step: int | None, exc: BaseException, *, final: bool) -> None:
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status in TERMINAL_STATUSES:
        return
    error = {
        "type": type(exc).__name__,
        "message": str(exc)[:ERROR_MESSAGE_LIMIT],
    }
    job.error_type, job.error_message = error["type"], error["message"]
    job.status = JobStatus.FAILED if final else JobStatus.RETRYING
    if step is not None:
        _set_step(job, step, status=job.status, error=error)
    if final:
        job.finished_at = timezone.now()
        run_failure_hook(job)
    job.save()


def run_failure_hook(job: Job) -> None:
    """Call the job's declared ``on_failure`` hook, in the caller's transaction.

    The hook runs in a savepoint: a hook that raises is logged and undone
    without undoing the record of the job's end.
    """
    try:
        hook = get_spec(job.name).on_failure
    except UnknownJob:
        return
    if hook is None:
        return
    try:
        with transaction.atomic():
            hook(**job.kwargs)
    except Exception:
        logger.exception("job failure hook failed", extra={"job": str(job.pk)})


def execute(*, job_id: str | UUID, step: int | None) -> Result:
    """Run one delivery of a job (or of one chain step) and record what happened."""
    job_uuid = UUID(str(job_id))
    with execution_lock(job_uuid) as acquired:
        if not acquired:
            logger.info(
                "job is running elsewhere; duplicate delivery dropped", extra={"job": str(job_uuid)}
            )
            return Result(Outcome.SKIPPED)
        job = _start(job_uuid, step)
        if job is None:
            return Result(Outcome.SKIPPED)
        spec = get_spec(job.name)
        function = spec.steps[step or 0].function
        context = job_context(job, step, spec.policy)
        try:
            value = function(context, **job.kwargs)
        except Exception as exc:  # the job's own failure: recorded, then retried or final
            logger.warning(
                "job attempt failed",
                extra={"job": str(job_uuid), "attempt": context.attempt, "final": context.is_final},
                exc_info=True,
            )
            _fail(job_uuid, step, exc, final=context.is_final)
            if context.retry_in is None:
                return Result(Outcome.FAILED)
            return Result(Outcome.RETRY, context.retry_in)
        _succeed(job_uuid, step, value)
        return Result(Outcome.SUCCEEDED)


def record_failure(*, job_id: str | UUID, step: int | None, exc: BaseException) -> None:
    """Mark a job failed for a failure outside its body (hard time limit, unknown job)."""
    _fail(UUID(str(job_id)), step, exc, final=True)
