"""The one way the project sends email: ``send_email``.

Every app calls it (account emails, invitations, export notices); it queues
the native ``email.send`` job, which hands the message to Django's email
backend. Which backend (SMTP, console, files) is a setting (``MAILERS``,
project/settings/email.py), never a choice made here.
"""

from urllib.parse import urlencode

from django.conf import settings

from apps.core.text import header_safe
from apps.jobs.api import dispatch

EMAIL_JOB = "email.send"


def send_email(*, to: str | list[str], subject: str, body: str) -> None:
    """Queue one plain-text email (a native job, sent by ``db_worker``).

    Call it inside the transaction that makes the email necessary: a rollback
    sends nothing. The job has no owner (it is the system's); a failure is
    recorded on the job, not retried. The subject is made header-safe
    (``apps.core.text.header_safe``): names in it are user input.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    dispatch(EMAIL_JOB, kwargs={"to": recipients, "subject": header_safe(subject), "body": body})


def frontend_link(path: str, **params: str) -> str:
    """An absolute link into the frontend (``FRONTEND_URL``) for an email."""
    query = urlencode(params)
    return f"{settings.FRONTEND_URL}{path}" + (f"?{query}" if query else "")
