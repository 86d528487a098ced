"""A job carries the id of the request that dispatched it: on its row, in its
context, and on every log line it writes, on both backends."""

import json
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from apps.jobs.models import Job, JobStatus
from tests.workers import FINAL, Worker, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def log_lines_saying(worker: Worker, token: str) -> list[dict[str, Any]]:
    lines = []
    for raw in worker.output().splitlines():
        if token in raw and raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


async def dispatch_from_a_request_and_check(
    api: AsyncClient, job_name: str, worker: Worker
) -> None:
    token = uuid.uuid4().hex
    request_id = f"req-{token[:12]}"
    response = await api.post(
        "/api/v1/test/start-job",
        {"job": job_name, "kwargs": {"token": token}},
        content_type="application/json",
        headers={"X-Request-ID": request_id},
    )
    assert response.status_code == 202, response.content
    assert response["X-Request-ID"] == request_id
    job_id = uuid.UUID(response.json()["id"])

    done = await sync_to_async(wait_for_job)(job_id, FINAL, workers=(worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.request_id == request_id
    assert done.result == {"request_id": request_id}  # JobContext.request_id
    lines = log_lines_saying(worker, token)
    assert [line["message"] for line in lines] == [f"sample job says {token}"]
    assert lines[0]["request_id"] == request_id


def test_a_job_dispatched_outside_a_request_has_no_request_id(native_worker: Worker) -> None:
    from apps.jobs.services import dispatch

    token = uuid.uuid4().hex
    job = dispatch("test.log_native", kwargs={"token": token})
    done = wait_for_job(job.pk, FINAL, workers=(native_worker,))
    assert (done.request_id, done.result) == ("", {"request_id": None})
    assert [line["request_id"] for line in log_lines_saying(native_worker, token)] == [None]
    assert Job.objects.filter(pk=job.pk, request_id="").exists()


@pytest.mark.urls("tests.jobs.urls")
async def test_a_native_job_logs_with_the_dispatching_requests_id(
    api: AsyncClient, native_worker: Worker
) -> None:
    await dispatch_from_a_request_and_check(api, "test.log_native", native_worker)


@pytest.mark.urls("tests.jobs.urls")
async def test_a_celery_job_logs_with_the_dispatching_requests_id(
    api: AsyncClient, celery_worker: Worker
) -> None:
    await dispatch_from_a_request_and_check(api, "test.log_celery", celery_worker)
