"""Celery worker wiring: relay the outbox at worker start; record lost jobs."""

import logging
from collections.abc import Sequence
from typing import Any

from celery.signals import task_failure, worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def relay_outbox_at_worker_start(**kwargs: Any) -> None:
    from apps.jobs.services import job_outbox_relay

    try:
        sent = job_outbox_relay()
    except Exception:  # a relay failure must not stop the worker; beat retries it
        logger.exception("outbox relay at worker start failed")
        return
    logger.info("outbox relay at worker start", extra={"sent": sent})


@task_failure.connect
def record_job_failure(
    sender: Any = None,
    exception: BaseException | None = None,
    args: Sequence[Any] | None = None,
    **kwargs: Any,
) -> None:
    """A ``jobs.run`` that died outside the runner's own handling (a hard time
    limit kills the process; an undeclared job name) still ends ``failed``."""
    if getattr(sender, "name", None) != "jobs.run" or not args:
        return
    from apps.jobs.runner import record_failure

    step = args[1] if len(args) > 1 else None
    record_failure(job_id=args[0], step=step, exc=exception or RuntimeError("job lost"))
