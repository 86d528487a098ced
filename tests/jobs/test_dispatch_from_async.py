"""Dispatch from async code: no SynchronousOnlyOperation, and the job runs."""

import email
import uuid
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from apps.jobs.models import Job, JobStatus
from apps.jobs.services import dispatch
from tests.worker_fixtures import JobEnvironment
from tests.workers import FINAL, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.urls("tests.jobs.urls")
async def test_async_view_dispatches_a_job_that_runs(api: AsyncClient, native_worker: Any) -> None:
    response = await api.post(
        "/api/v1/test/echo-job", {"word": "async"}, content_type="application/json"
    )
    assert response.status_code == 202, response.content
    job_id = uuid.UUID(response.json()["id"])
    assert response.json()["status"] == "queued"
    assert await Job.objects.filter(pk=job_id).aexists()

    done = await sync_to_async(wait_for_job)(job_id, FINAL, workers=(native_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.result == {"echo": {"word": "async"}}


def test_email_job_sends_through_the_email_backend(
    job_environment: JobEnvironment, native_worker: Any
) -> None:
    subject = f"Verify your address {uuid.uuid4().hex[:6]}"
    job = dispatch(
        "email.send",
        kwargs={"to": ["ada@example.com"], "subject": subject, "body": "Click the link."},
    )
    done = wait_for_job(job.pk, FINAL, workers=(native_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.result == {"sent": 1}

    messages = [
        email.message_from_bytes(path.read_bytes())
        for path in Path(job_environment.email_dir).iterdir()
    ]
    sent = [m for m in messages if m["Subject"] == subject]
    assert len(sent) == 1
    assert sent[0]["To"] == "ada@example.com"
    assert "Click the link." in sent[0].get_payload()


def test_dispatch_refuses_arguments_json_cannot_carry() -> None:
    with pytest.raises(TypeError):
        dispatch("test.echo", kwargs={"when": object()})
    assert Job.objects.count() == 0
