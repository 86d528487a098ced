"""Jobs the jobs app itself declares: its periodic maintenance (and, for now, email)."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from apps.jobs.registry import JobContext, job, periodic


@job("email.send")
def send_email(context: JobContext, *, to: list[str], subject: str, body: str) -> dict[str, Any]:
    """Send one plain-text email through Django's email backend (a native job).

    Not retried by design (a simple job); the Job row records a failure.
    """
    sent = send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
    return {"sent": sent}


@periodic("jobs.relay_outbox", every=settings.JOBS_RELAY_INTERVAL)
def relay_outbox() -> None:
    """Send queued Celery jobs that never reached the broker (see ``job_outbox_relay``)."""
    from apps.jobs.services import job_outbox_relay

    job_outbox_relay()


@periodic("jobs.prune_finished", every=settings.JOBS_PRUNE_INTERVAL)
def prune_finished() -> None:
    """Delete finished jobs and native task results past ``JOBS_RETENTION``."""
    from apps.jobs.services import jobs_prune

    jobs_prune()
