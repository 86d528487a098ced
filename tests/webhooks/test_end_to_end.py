"""The whole path through the public API: an admin adds an endpoint, a member
writes documents, a new member joins; the receiver gets each event, signed."""

import asyncio
import time

import pytest
from django.test import AsyncClient

from apps.webhooks.models import Delivery
from apps.workspaces.models import Role
from tests.factories import amake_user, auth_headers, login
from tests.webhooks.receiver import Receiver
from tests.workers import Worker
from tests.workspaces.factories import amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)


async def _until(condition: object, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if await condition():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def test_document_events_reach_the_receiver_through_the_api(
    api: AsyncClient, celery_worker: Worker, receiver: Receiver
) -> None:
    owner, writer = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=owner, members={writer: Role.MEMBER})
    owner_headers = auth_headers(await login(api, owner))
    writer_headers = auth_headers(await login(api, writer))
    base = f"/api/v1/workspaces/{workspace.pk}"

    created = await api.post(
        f"{base}/webhooks",
        {
            "url": receiver.url("/hooks"),
            "events": ["document.created", "document.updated", "document.deleted"],
        },
        content_type="application/json",
        headers=owner_headers,
    )
    assert created.status_code == 201
    receiver.route("/hooks", secret=created.json()["secret"])

    document = await api.post(
        f"{base}/documents",
        {"title": "Roadmap", "body": "Ship it.", "tags": ["plans"]},
        content_type="application/json",
        headers={**writer_headers, "X-Request-ID": "create-roadmap-1"},
    )
    assert document.status_code == 201, document.content
    document_id = document.json()["id"]
    updated = await api.patch(
        f"{base}/documents/{document_id}",
        {"title": "Roadmap 2027"},
        content_type="application/json",
        headers={**writer_headers, "If-Match": document["ETag"]},
    )
    assert updated.status_code == 200, updated.content
    deleted = await api.delete(f"{base}/documents/{document_id}", headers=writer_headers)
    assert deleted.status_code == 204

    async def all_delivered() -> bool:
        # The worker records a success after the receiver answered: wait for both.
        recorded = await Delivery.objects.filter(status="succeeded").acount()
        return recorded == 3 and len(receiver.completed("/hooks")) == 3

    await _until(all_delivered, "three deliveries")
    received = sorted(receiver.requests("/hooks"), key=lambda r: r.event)
    assert [r.event for r in received] == [
        "document.created",
        "document.deleted",
        "document.updated",
    ]
    assert all(r.signature_ok and r.status == 200 for r in received)
    assert all(r.body["data"]["id"] == document_id for r in received)
    assert received[2].body["data"]["title"] == "Roadmap 2027"
    assert await Delivery.objects.acount() == 3

    # The delivery log names the request that caused each event.
    created_delivery = await Delivery.objects.select_related("job").aget(event="document.created")
    assert created_delivery.request_id == "create-roadmap-1"
    assert created_delivery.job is not None
    assert created_delivery.job.request_id == "create-roadmap-1"
    log = await api.get(
        f"{base}/webhooks/{created.json()['id']}/deliveries?event=document.created",
        headers=owner_headers,
    )
    assert [row["request_id"] for row in log.json()["results"]] == ["create-roadmap-1"]
