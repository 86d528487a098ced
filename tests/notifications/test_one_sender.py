"""Email leaves through one place: apps.notifications.email.send_email."""

import ast
from pathlib import Path

import pytest

from apps.jobs.models import Job
from apps.notifications.email import frontend_link, send_email

APPS = Path(__file__).resolve().parents[2] / "apps"


def _offences(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        # Sending is django.core.mail itself (send_mail, EmailMessage, ...);
        # an email backend (django.core.mail.backends.*) is not a sender.
        if isinstance(node, ast.ImportFrom) and node.module == "django.core.mail":
            found.append(f"{path}: imports {node.module}")
        if isinstance(node, ast.Import) and any(
            alias.name == "django.core.mail" for alias in node.names
        ):
            found.append(f"{path}: imports django.core.mail")
        if isinstance(node, ast.Constant) and node.value == "email.send":
            found.append(f"{path}: names the email job")
    return found


def test_no_app_but_notifications_sends_email_or_names_the_email_job() -> None:
    offences = [
        offence
        for path in APPS.rglob("*.py")
        if "notifications" not in path.parts
        for offence in _offences(path)
    ]
    assert offences == []


@pytest.mark.django_db
def test_send_email_queues_one_native_job_for_its_recipients() -> None:
    send_email(to="ada@example.com", subject="Hello", body="Line one.")
    job = Job.objects.get()
    assert (job.name, job.backend, job.owner_id) == ("email.send", "native", None)
    assert job.kwargs == {"to": ["ada@example.com"], "subject": "Hello", "body": "Line one."}


def test_frontend_links_encode_their_parameters() -> None:
    link = frontend_link("/reset-password", uid="MQ", token="a b&c")
    assert link.endswith("/reset-password?uid=MQ&token=a+b%26c")
