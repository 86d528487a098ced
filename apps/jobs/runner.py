"""Running a job, the same way on both backends.

Guarantees:
- a job that already finished (succeeded, failed, cancelled) is skipped, and
  a chain step that already succeeded is skipped, so a redelivered or relayed
  message never completes a job twice;
- two deliveries of one job never run at the same time: the body runs under a
  PostgreSQL advisory lock on the job, released when the body ends or when the
  worker's connection dies (a killed worker frees it for the redelivery);
- every state change is a short transaction on the locked row
  (``select_for_update``), so the Job row always tells the truth;
- a body's own exception is the job's failure (retried by its policy); an
  infrastructure error in the runner's own bookkeeping (the lock, recording
  the start or the outcome) is not: it propagates (``INFRASTRUCTURE_ERRORS``)
  so the backend delivers the job again (apps.jobs.tasks; the lease for
  native jobs), after recording the outcome was tried a few times in place;
- while the body runs, ``heartbeat_at`` is written every
  ``JOBS_HEARTBEAT_INTERVAL``: a running job whose heartbeat stops and whose
  lock is free was lost with its worker (apps.jobs.recovery resumes it).
"""

import logging
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import UUID

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from apps.core import metrics
from apps.core.context import request_id_var
from apps.jobs.models import TERMINAL_STATUSES, Job, JobStatus
from apps.jobs.registry import JobContext, JobPolicy, UnknownJob, get_spec

logger = logging.getLogger(__name__)

ERROR_MESSAGE_LIMIT = 1000
# Errors of the database, the broker or Redis: the job is not at fault.
INFRASTRUCTURE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
# Recording an outcome is tried this many times (0.5 s, 1 s between) before
# the error propagates and the whole delivery is retried.
RECORD_ATTEMPTS = 3


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
    # The exponent is capped first: 2.0 * 2**1024 overflows a float long before any cap.
    doublings = min(max(0, attempt - 1), 64)
    delay = min(policy.backoff_max, policy.backoff_base * (2**doublings))
    return random.uniform(0, delay) if policy.jitter else delay  # noqa: S311 (not crypto)


def job_context(job: Job, step: int | None, policy: JobPolicy) -> JobContext:
    """The context of the attempt ``_start`` just recorded (the backoff drawn once)."""
    attempt = job.steps[step]["attempts"] if step is not None else job.attempts
    final = attempt > policy.max_retries
    return JobContext(
        attempt=attempt,
        is_final=final,
        retry_in=None if final else backoff_seconds(policy, attempt=attempt),
        request_id=job.request_id or None,
    )


def lock_key(job_id: UUID) -> int:
    """The job's advisory lock key (pg takes a signed 64-bit key; 63 bits of the UUID)."""
    return job_id.int >> 65


@contextmanager
def execution_lock(job_id: UUID) -> Iterator[bool]:
    """Hold a session advisory lock on the job while its body runs; yields False if taken."""
    key = lock_key(job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        row = cursor.fetchone()
    acquired = bool(row and row[0])
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except DatabaseError:
                # The connection died: the server dropped the lock with it.
                logger.warning("advisory unlock failed", extra={"job": str(job_id)})


@contextmanager
def heartbeat(job_id: UUID) -> Iterator[None]:
    """Write the job's ``heartbeat_at`` every ``JOBS_HEARTBEAT_INTERVAL`` while
    the body runs (a small thread with its own connection), so the reaper can
    tell a long job from one whose worker died."""
    stopped = threading.Event()

    def beat() -> None:
        interval = settings.JOBS_HEARTBEAT_INTERVAL.total_seconds()
        try:
            while not stopped.wait(interval):
                try:
                    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # the next beat tries again, on a new connection
                    logger.warning("job heartbeat not written", extra={"job": str(job_id)})
                    close_old_connections()
        finally:
            connections.close_all()  # this thread's connection goes back to the pool

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopped.set()
        thread.join(timeout=settings.JOBS_HEARTBEAT_INTERVAL.total_seconds() + 5)


def _set_step(job: Job, index: int, **values: Any) -> None:
    steps = [dict(step) for step in job.steps]
    steps[index].update(values)
    job.steps = steps


@transaction.atomic
def _start(job_id: UUID, step: int | None) -> Job | None:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status in TERMINAL_STATUSES:
        return None
    if step is not None and (
        step != job.current_step or job.steps[step]["status"] == JobStatus.SUCCEEDED
    ):
        return None  # a step that already ran, or one whose previous step has not
    now = timezone.now()
    job.heartbeat_at = now
    job.status = JobStatus.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or now
    job.enqueued_at = job.enqueued_at or now
    if step is not None:
        job.current_step = step
        _set_step(job, step, status=JobStatus.RUNNING, attempts=job.steps[step]["attempts"] + 1)
    job.save()
    metrics.count_job("started", job.name, job.backend)
    return job


@transaction.atomic
def _succeed(job_id: UUID, step: int | None, result: Any) -> None:
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status in TERMINAL_STATUSES:
        return  # another delivery finished it (or it was cancelled) meanwhile
    job.error_type = job.error_message = ""
    metrics.count_job("succeeded", job.name, job.backend)
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
        "type": getattr(exc, "error_type", None) or type(exc).__name__,
        "message": str(exc)[:ERROR_MESSAGE_LIMIT],
    }
    job.error_type, job.error_message = error["type"], error["message"]
    job.status = JobStatus.FAILED if final else JobStatus.RETRYING
    metrics.count_job("failed", job.name, job.backend, final=final)
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
        # Every log line the job writes carries the dispatching request's id.
        token = request_id_var.set(job.request_id or None)
        try:
            with heartbeat(job_uuid):
                return _run_body(job, step)
        finally:
            request_id_var.reset(token)


def _run_body(job: Job, step: int | None) -> Result:
    spec = get_spec(job.name)
    function = spec.steps[step or 0].function
    context = job_context(job, step, spec.policy)
    try:
        value = function(context, **job.kwargs)
    except Exception as exc:  # the job's own failure: recorded, then retried or final
        # A last attempt is an error (error tracking turns it into an event);
        # one that will be retried is a warning.
        logger.log(
            logging.ERROR if context.is_final else logging.WARNING,
            "job attempt failed",
            extra={"job": str(job.pk), "attempt": context.attempt, "final": context.is_final},
            exc_info=True,
        )
        _recorded(_fail, job.pk, step, exc, final=context.is_final)
        if context.retry_in is None:
            return Result(Outcome.FAILED)
        return Result(Outcome.RETRY, context.retry_in)
    _recorded(_succeed, job.pk, step, value)
    return Result(Outcome.SUCCEEDED)


def _recorded(record: Any, *args: Any, **kwargs: Any) -> None:
    """Record an outcome, riding out a short database blip in place (so a
    finished body is not run again for a hiccup)."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            record(*args, **kwargs)
            return
        except INFRASTRUCTURE_ERRORS:
            if attempt == RECORD_ATTEMPTS:
                raise
            close_old_connections()
            time.sleep(0.5 * attempt)


def record_failure(*, job_id: str | UUID, step: int | None, exc: BaseException) -> None:
    """Mark a job failed for a failure outside its body (hard time limit, unknown job)."""
    _fail(UUID(str(job_id)), step, exc, final=True)
