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
    limit kills the process; an undeclared job name) still ends ``failed``.

    Celery acknowledged the message before this runs: when the database
    cannot take the record now, a ``jobs.record_failure`` message records it
    later (and if the broker cannot take that either, the job stays
    ``running`` until the reaper finds it: apps.jobs.recovery).
    """
    if getattr(sender, "name", None) != "jobs.run" or not args:
        return
    from apps.jobs.runner import INFRASTRUCTURE_ERRORS, record_failure
    from apps.jobs.tasks import record_failure_later

    step = args[1] if len(args) > 1 else None
    exc = exception or RuntimeError("job lost")
    try:
        record_failure(job_id=args[0], step=step, exc=exc)
    except INFRASTRUCTURE_ERRORS:
        logger.warning("job failure not recorded; recorded later", extra={"job": args[0]})
        try:
            record_failure_later.apply_async(
                (args[0], step, type(exc).__name__, str(exc)), countdown=5
            )
        except Exception:  # the broker too: the reaper will find the job
            logger.exception("job failure not recorded", extra={"job": args[0]})
