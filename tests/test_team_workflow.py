"""A whole team workflow through the public API, against real services and workers.

Ada creates a workspace and a webhook endpoint, invites Charles by email;
Charles accepts and writes documents; both search them; Ada exports the
workspace and downloads the archive through its signed link; the receiver
got every event, signed. Each app's own tests cover the edge cases: this one
proves the parts work together the way a frontend strings them.
"""

import asyncio
import io
import json
import re
import time
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import AsyncClient

from tests.factories import Outbox, amake_user, auth_headers, login
from tests.webhooks.receiver import Receiver, running_receiver
from tests.workers import Worker

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A real HTTP receiver on a loopback port of its own."""
    with running_receiver() as running:
        yield running


async def _until(check: Callable[[], Awaitable[Any]], what: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if value := await check():
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_team_runs_its_workflow_through_the_api(
    api: AsyncClient, celery_worker: Worker, outbox: Outbox, receiver: Receiver
) -> None:
    ada = await amake_user(email="ada@example.com", email_verified=True)
    charles = await amake_user(email="charles@example.com")
    ada_headers = auth_headers(await login(api, ada))
    charles_headers = auth_headers(await login(api, charles))

    async def post(path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        response = await api.post(
            f"{API}{path}", body, content_type="application/json", headers=headers
        )
        assert response.status_code in (200, 201, 202), response.content
        return response.json()

    # Ada: a workspace, a webhook endpoint and an invitation.
    workspace = await post("/workspaces", {"name": "Acme Research"}, ada_headers)
    base = f"/workspaces/{workspace['id']}"
    endpoint = await post(
        f"{base}/webhooks",
        {"url": receiver.url("/team"), "events": ["member.joined", "document.created"]},
        ada_headers,
    )
    receiver.route("/team", secret=endpoint["secret"])
    await post(f"{base}/invitations", {"email": charles.email, "role": "member"}, ada_headers)

    # Charles: the emailed link's token, accepted while logged in.
    (invitation_email,) = await outbox.wait(1)
    assert invitation_email.to == [charles.email]
    match = re.search(r"/invitations/accept\?token=([A-Za-z0-9_\-]+)", invitation_email.body)
    assert match, invitation_email.body
    await post("/invitations/accept", {"token": match.group(1)}, charles_headers)
    mine = (await api.get(f"{API}/workspaces", headers=charles_headers)).json()
    assert [w["id"] for w in mine["results"]] == [workspace["id"]]

    # Charles writes; Ada finds by full-text search.
    roadmap = await post(
        f"{base}/documents",
        {"title": "Rocket roadmap", "body": "Launch the rocket in spring.", "tags": ["plans"]},
        charles_headers,
    )
    lunch = await post(
        f"{base}/documents", {"title": "Lunch menu", "body": "Soup on Fridays."}, charles_headers
    )
    found = (await api.get(f"{API}{base}/documents?q=rocket", headers=ada_headers)).json()
    assert [d["id"] for d in found["results"]] == [roadmap["id"]]

    # Ada: an export, polled through the jobs API, downloaded through its signed link.
    export = await post(f"{base}/exports", {}, ada_headers)

    async def finished_job() -> Any:
        job = (await api.get(f"{API}/jobs/{export['job_id']}", headers=ada_headers)).json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = await _until(finished_job, "the export job")
    assert job["status"] == "succeeded", job
    assert all(step["status"] == "succeeded" for step in job["steps"])
    ready = (await api.get(f"{API}{base}/exports/{export['id']}", headers=ada_headers)).json()
    link = urlsplit(ready["download_url"])
    download = await api.get(f"{link.path}?{link.query}")  # no token: the link is the grant
    assert download.status_code == 200
    chunks = [chunk async for chunk in download.streaming_content]  # type: ignore[attr-defined]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(d["id"] for d in manifest["documents"]) == sorted([roadmap["id"], lunch["id"]])

    # The receiver: one member.joined and two document.created, each signed, once.
    async def all_delivered() -> bool:
        return len(receiver.completed("/team")) == 3

    await _until(all_delivered, "three webhook deliveries")
    received = receiver.requests("/team")
    assert sorted(r.event for r in received if r.status == 200) == [
        "document.created",
        "document.created",
        "member.joined",
    ]
    assert all(r.signature_ok for r in received)
    assert set(receiver.completed("/team").values()) == {1}
