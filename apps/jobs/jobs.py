"""Jobs the jobs app itself declares, and the periodic maintenance functions."""

from django.core.mail import send_mail

from apps.jobs.registry import job


@job("email.send")
def send_email(*, to: list[str], subject: str, body: str) -> dict[str, int]:
    """Send one plain-text email through Django's email backend (a native job).

    Not retried by design (a simple job); the Job row records a failure. The
    subject is made header-safe here whatever the caller built it from.
    """
    from django.conf import settings

    from apps.core.text import header_safe

    sent = send_mail(
        header_safe(subject), body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False
    )
    return {"sent": sent}


def relay_outbox() -> None:
    """Periodic: send queued Celery jobs that never reached the broker."""
    from apps.jobs.services import job_outbox_relay

    job_outbox_relay()


def prune_finished() -> None:
    """Periodic: delete finished jobs and native task results past ``JOBS_RETENTION``."""
    from apps.jobs.services import jobs_prune

    jobs_prune()
