"""The Celery side: one task runs every Celery job (or one step of a chain).

Delivery is at-least-once (``acks_late`` + ``reject_on_worker_lost``); the
runner makes that safe (see apps.jobs.runner). Retries are Celery retries
with the job's backoff; the Job row, not a result backend, records them.

A message is never consumed by an infrastructure error: Celery acknowledges
a task that raised (``task_acks_on_failure_or_timeout`` is True), so an error
of the database, the broker or Redis in the runner's bookkeeping is turned
into a retry of the message (with backoff), or, when even publishing that
retry fails, into a requeue of the message itself.
"""

import logging
import random
from typing import Any, NoReturn

from celery import Task, shared_task
from celery.exceptions import Reject, Retry

from apps.jobs.registry import get_periodic
from apps.jobs.runner import INFRASTRUCTURE_ERRORS, Outcome, execute, record_failure

logger = logging.getLogger(__name__)

# Waits between deliveries of a message whose bookkeeping hit an infrastructure
# error: 1 s doubled per try, at most this, with full jitter.
INFRASTRUCTURE_BACKOFF_MAX = 30.0


def _retry(task: Task[Any, Any], *, countdown: float, exc: Exception | None) -> NoReturn:
    """``task.retry`` that never drops the message: Celery rejects it without
    requeue when publishing the retry fails; requeue it instead."""
    try:
        raise task.retry(exc=exc, countdown=countdown, max_retries=None)
    except Retry:
        raise
    except Reject as rejected:
        logger.warning("retry not published; the message is requeued", exc_info=True)
        raise Reject(rejected.args[0] if rejected.args else None, requeue=True) from exc


@shared_task(bind=True, name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(self: Task[Any, Any], job_id: str, step: int | None = None) -> None:
    """Run one delivery of a Celery job; schedule the retry when the policy allows one."""
    try:
        result = execute(job_id=job_id, step=step)
    except INFRASTRUCTURE_ERRORS as exc:
        delay = min(INFRASTRUCTURE_BACKOFF_MAX, 2.0 ** min(self.request.retries, 10))
        logger.warning(
            "job bookkeeping failed on an infrastructure error; delivered again later",
            extra={"job": job_id, "step": step, "error": repr(exc)},
        )
        _retry(self, countdown=random.uniform(delay / 2, delay), exc=exc)  # noqa: S311
    if result.outcome is Outcome.RETRY:
        # The attempt count lives on the Job row, so Celery's own cap is off.
        _retry(self, countdown=result.countdown, exc=None)
    if result.outcome is Outcome.SKIPPED and self.request.chain:
        # A duplicate or stale delivery of a chain step: whoever runs (or ran)
        # the job's current step sends the next one; this delivery must not.
        self.request.chain = None


@shared_task(bind=True, name="jobs.record_failure", acks_late=True, reject_on_worker_lost=True)
def record_failure_later(
    self: Task[Any, Any], job_id: str, step: int | None, error_type: str, message: str
) -> None:
    """Record a failure that happened outside the runner (see apps.jobs.signals)
    once the database answers again."""
    try:
        record_failure(job_id=job_id, step=step, exc=LostFailure(error_type, message))
    except INFRASTRUCTURE_ERRORS as exc:
        delay = min(INFRASTRUCTURE_BACKOFF_MAX, 2.0 ** min(self.request.retries, 10))
        _retry(self, countdown=delay, exc=exc)


class LostFailure(Exception):
    """A failure recorded later, under its original type name and message."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


@shared_task(name="jobs.periodic", acks_late=True, reject_on_worker_lost=True)
def run_periodic(name: str) -> None:
    """Run a periodic job declared with ``periodic(name, every=...)`` (sent by Celery beat)."""
    get_periodic(name).function()
