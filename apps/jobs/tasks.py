"""The Celery side: one task runs every Celery job (or one step of a chain).

Delivery is at-least-once (``acks_late`` + ``reject_on_worker_lost``); the
runner makes that safe (see apps.jobs.runner). Retries are Celery retries
with the job's backoff; the Job row, not a result backend, records them.
"""

from typing import Any

from celery import Task, shared_task

from apps.jobs.registry import get_periodic
from apps.jobs.runner import Outcome, execute


@shared_task(bind=True, name="jobs.run", acks_late=True, reject_on_worker_lost=True)
def run_job(self: Task[Any, Any], job_id: str, step: int | None = None) -> None:
    """Run one delivery of a Celery job; schedule the retry when the policy allows one."""
    result = execute(job_id=job_id, step=step)
    if result.outcome is Outcome.RETRY:
        # The attempt count lives on the Job row, so Celery's own cap is off.
        raise self.retry(countdown=result.countdown, max_retries=None)


@shared_task(name="jobs.periodic", acks_late=True, reject_on_worker_lost=True)
def run_periodic(name: str) -> None:
    """Run a periodic job declared with ``periodic(name, every=...)`` (sent by Celery beat)."""
    get_periodic(name).function()
