"""The email job, sent through Django's email backend."""

from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from apps.core.text import header_safe
from apps.jobs.api import JobContext, job
from apps.notifications.email import EMAIL_JOB


@job(EMAIL_JOB)
def deliver_email(context: JobContext, *, to: list[str], subject: str, body: str) -> dict[str, Any]:
    """Send one plain-text email through the configured backend (a native job).

    Not retried by design (a simple job); the Job row records a failure. The
    subject is made header-safe again (a job queued before ``send_email`` did).
    """
    sent = send_mail(
        header_safe(subject), body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False
    )
    return {"sent": sent}
