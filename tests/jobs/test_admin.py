"""Jobs in the admin: filters, steps and errors, retry a failed job and cancel
a queued one, for both backends, through the admin's own HTTP views."""

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient

from apps.accounts.models import User
from apps.jobs.models import Job, JobStatus
from tests.factories import make_user
from tests.jobs.sample_jobs import evidence
from tests.workers import FINAL, Worker, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/jobs/job/"


@pytest.fixture
def staff() -> User:
    return User.objects.create_superuser(email="ops@example.com", password="staff password 1")


@pytest.fixture
async def admin_client(staff: User) -> AsyncClient:
    client = AsyncClient()
    await client.aforce_login(staff)
    return client


def make_job(**values: Any) -> Job:
    """A Job row as dispatch (and then a worker) would have left it."""
    defaults: dict[str, Any] = {"name": "test.echo", "backend": "native", "queue": "default"}
    return Job.objects.create(**{**defaults, **values})


async def run_action(client: AsyncClient, action: str, jobs: list[Job]) -> Any:
    return await client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(job.pk) for job in jobs]},
        follow=True,
    )


async def test_staff_filter_jobs_and_see_steps_and_errors(admin_client: AsyncClient) -> None:
    owner = await sync_to_async(make_user)(email="owner@example.com")
    failed_chain = await sync_to_async(make_job)(
        owner=owner,
        name="test.chain",
        backend="celery",
        status=JobStatus.FAILED,
        attempts=3,
        current_step=1,
        steps=[
            {"name": "collect", "status": "succeeded", "attempts": 1, "error": None},
            {
                "name": "render",
                "status": "failed",
                "attempts": 3,
                "error": {"type": "TimeoutError", "message": "renderer busy"},
            },
            {"name": "upload", "status": "queued", "attempts": 0, "error": None},
        ],
        error_type="TimeoutError",
        error_message="renderer busy",
    )
    await sync_to_async(make_job)(status=JobStatus.SUCCEEDED)

    for query, expected in [
        ("?status__exact=failed", 1),
        ("?backend__exact=celery", 1),
        ("?name=test.chain", 1),
        (f"?owner__id__exact={owner.pk}", 1),
        ("?backend__exact=native", 1),
        ("", 2),
    ]:
        page = await admin_client.get(CHANGELIST + query)
        assert page.status_code == 200, query
        assert page.context["cl"].result_count == expected, query

    detail = await admin_client.get(f"{CHANGELIST}{failed_chain.pk}/change/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "<td>render</td><td>failed</td><td>3</td><td>TimeoutError: renderer busy</td>" in html
    assert "renderer busy" in html


async def test_anyone_but_staff_is_sent_to_the_login(api: AsyncClient) -> None:
    user = await sync_to_async(make_user)()
    await api.aforce_login(user)
    response = await api.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


async def test_staff_retry_failed_jobs_on_both_backends(
    admin_client: AsyncClient, native_worker: Worker, celery_worker: Worker
) -> None:
    token = uuid.uuid4().hex
    native = await sync_to_async(make_job)(
        status=JobStatus.FAILED, attempts=1, kwargs={"word": "again"},
        error_type="ValueError", error_message="bad",
    )  # fmt: skip
    celery = await sync_to_async(make_job)(
        name="test.flaky", backend="celery", status=JobStatus.FAILED, attempts=4,
        max_attempts=4, kwargs={"token": token, "failures": 0},
        error_type="ConnectionError", error_message="upstream unavailable",
    )  # fmt: skip
    succeeded = await sync_to_async(make_job)(status=JobStatus.SUCCEEDED)

    response = await run_action(admin_client, "retry_failed", [native, celery, succeeded])
    assert response.status_code == 200
    notes = [str(message) for message in response.context["messages"]]
    assert "2 job(s) retried." in notes
    assert any(f"test.echo {succeeded.pk} is succeeded" in note for note in notes)

    workers = (native_worker, celery_worker)
    for job in (native, celery):
        done = await sync_to_async(wait_for_job)(job.pk, FINAL, workers=workers)
        assert (done.status, done.attempts, done.error) == (JobStatus.SUCCEEDED, 1, None)
    assert (await Job.objects.aget(pk=native.pk)).result == {"echo": {"word": "again"}}
    assert evidence().get(f"flaky:{token}") == "1"


async def test_staff_cancel_queued_jobs_on_both_backends_but_not_running_ones(
    admin_client: AsyncClient,
) -> None:
    native = await sync_to_async(make_job)()
    celery = await sync_to_async(make_job)(name="test.flaky", backend="celery")
    running = await sync_to_async(make_job)(status=JobStatus.RUNNING)

    response = await run_action(admin_client, "cancel_queued", [native, celery, running])
    notes = [str(message) for message in response.context["messages"]]
    assert "2 job(s) cancelled." in notes
    assert any(f"{running.pk} is running" in note for note in notes)
    statuses = {job.pk: job.status async for job in Job.objects.all()}
    assert statuses == {
        native.pk: JobStatus.CANCELLED,
        celery.pk: JobStatus.CANCELLED,
        running.pk: JobStatus.RUNNING,
    }
