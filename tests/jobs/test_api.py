"""The job status API: owner-only, honest status, cursor pages, cancel."""

import json
import uuid
from collections.abc import Awaitable
from typing import Any, cast

import pytest
from django.test import AsyncClient
from rest_framework.test import APIRequestFactory, force_authenticate

from apps.accounts.models import User
from apps.jobs.models import Job, JobStatus
from apps.jobs.services import dispatch
from apps.jobs.views import JobCancelView, JobDetailView, JobListView

pytestmark = pytest.mark.django_db(transaction=True)

factory = APIRequestFactory()


def body(response: Any) -> Any:
    """The JSON a view answered (views return rendered responses)."""
    return json.loads(response.content)


def make_user(email: str) -> User:
    return User.objects.create_user(email=email, password="correct horse battery staple")


def make_job(owner: User | None, name: str = "test.echo", **values: Any) -> Job:
    """A Job row as dispatch writes it, without a worker to move it on."""
    return Job.objects.create(owner=owner, name=name, backend="native", queue="default", **values)


async def run(response: object) -> Any:
    """Our views are async: as_view() gives a coroutine (DRF's stubs say Response)."""
    return await cast(Awaitable[Any], response)


async def detail(user: User, job_id: uuid.UUID) -> Any:
    request = factory.get(f"/api/v1/jobs/{job_id}")
    force_authenticate(request, user=user)
    return await run(JobDetailView.as_view()(request, job_id=job_id))


async def listing(user: User, query: str = "") -> Any:
    request = factory.get(f"/api/v1/jobs{query}")
    force_authenticate(request, user=user)
    return await run(JobListView.as_view()(request))


async def cancel(user: User, job_id: uuid.UUID) -> Any:
    request = factory.post(f"/api/v1/jobs/{job_id}/cancel")
    force_authenticate(request, user=user)
    return await run(JobCancelView.as_view()(request, job_id=job_id))


@pytest.fixture
def alice() -> User:
    return make_user("alice@example.com")


@pytest.fixture
def bob() -> User:
    return make_user("bob@example.com")


async def test_owner_sees_the_job_with_its_status(alice: User) -> None:
    job = await Job.objects.acreate(
        owner=alice,
        name="test.flaky",
        backend="celery",
        queue="default",
        status=JobStatus.FAILED,
        attempts=3,
        max_attempts=3,
        error_type="ValueError",
        error_message="bad input",
    )
    response = await detail(alice, job.pk)
    assert response.status_code == 200
    payload = body(response)
    assert payload["id"] == str(job.pk)
    assert payload["status"] == "failed"
    assert payload["attempts"] == 3
    assert payload["error"] == {"type": "ValueError", "message": "bad input"}
    assert "kwargs" not in payload
    assert "traceback" not in str(payload).lower()


async def test_another_users_job_is_not_found(alice: User, bob: User) -> None:
    job = await Job.objects.acreate(
        owner=alice, name="test.echo", backend="native", queue="default"
    )
    response = await detail(bob, job.pk)
    assert response.status_code == 404
    system_job = await Job.objects.acreate(name="test.echo", backend="native", queue="default")
    assert (await detail(alice, system_job.pk)).status_code == 404


async def test_anonymous_requests_are_refused_in_the_standard_shape(api: AsyncClient) -> None:
    job_id = uuid.uuid4()
    for method, path in [
        ("get", "/api/v1/jobs"),
        ("get", f"/api/v1/jobs/{job_id}"),
        ("post", f"/api/v1/jobs/{job_id}/cancel"),
    ]:
        response = await getattr(api, method)(path)
        assert response.status_code in (401, 403), path
        body = response.json()
        assert body["type"] == "client_error"
        # 403 permission_denied until token auth lands; 401 not_authenticated after.
        assert body["errors"][0]["code"] in {"not_authenticated", "permission_denied"}


def test_list_is_the_callers_jobs_newest_first_in_cursor_pages(alice: User, bob: User) -> None:
    mine = [make_job(alice) for _ in range(3)]
    make_job(bob)

    async def pages() -> list[list[str]]:
        seen: list[list[str]] = []
        response = await listing(alice, "?page_size=2")
        while True:
            assert response.status_code == 200
            seen.append([row["id"] for row in body(response)["results"]])
            if not body(response)["next"]:
                # ...and back again through the previous link.
                request = factory.get(body(response)["previous"])
                force_authenticate(request, user=alice)
                back = await run(JobListView.as_view()(request))
                seen.append([row["id"] for row in body(back)["results"]])
                return seen
            request = factory.get(body(response)["next"])
            force_authenticate(request, user=alice)
            response = await run(JobListView.as_view()(request))

    from asgiref.sync import async_to_sync

    assert async_to_sync(pages)() == [
        [str(mine[2].pk), str(mine[1].pk)],
        [str(mine[0].pk)],
        [str(mine[2].pk), str(mine[1].pk)],
    ]


async def test_list_filters_by_status_and_name(alice: User) -> None:
    await Job.objects.acreate(owner=alice, name="test.echo", backend="native", queue="default")
    failed = await Job.objects.acreate(
        owner=alice, name="test.flaky", backend="celery", queue="default", status="failed"
    )
    response = await listing(alice, "?status=failed&name=test.flaky")
    assert [row["id"] for row in body(response)["results"]] == [str(failed.pk)]
    assert body(await listing(alice, "?name=test.echo&status=failed"))["results"] == []

    bad = await listing(alice, "?status=exploded")
    assert bad.status_code == 400
    assert body(bad)["errors"][0]["attr"] == "status"


async def test_owner_cancels_a_queued_job_but_not_a_running_one(alice: User, bob: User) -> None:
    queued = await Job.objects.acreate(
        owner=alice, name="test.echo", backend="native", queue="default"
    )
    running = await Job.objects.acreate(
        owner=alice, name="test.echo", backend="native", queue="default", status="running"
    )
    assert (await cancel(bob, queued.pk)).status_code == 404

    response = await cancel(alice, queued.pk)
    assert response.status_code == 200
    assert body(response)["status"] == "cancelled"
    assert body(response)["finished_at"] is not None

    refused = await cancel(alice, running.pk)
    assert refused.status_code == 409
    assert body(refused)["errors"][0]["code"] == "conflict"
    assert (await Job.objects.aget(pk=running.pk)).status == "running"


def test_a_cancelled_job_is_skipped_by_the_worker(alice: User, native_worker: Any) -> None:
    from apps.jobs.services import job_cancel
    from tests.workers import wait_for_job

    job = dispatch("test.echo", kwargs={"n": 1}, owner=alice)
    job_cancel(job_id=job.pk, owner=alice)
    marker = dispatch("test.echo", kwargs={"n": 2})
    wait_for_job(marker.pk, (JobStatus.SUCCEEDED,), workers=(native_worker,))
    # Both tasks were claimed in order by the one db_worker; the cancelled one stayed so.
    from django_tasks_db.models import DBTaskResult

    assert not DBTaskResult.objects.filter(status="READY").exists()
    cancelled = Job.objects.get(pk=job.pk)
    assert (cancelled.status, cancelled.attempts, cancelled.result) == ("cancelled", 0, None)
