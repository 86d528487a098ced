"""Exports: a chained job builds a zip of Markdown documents and a manifest,
stores it, emails the requester; members download it through a signed link."""

import asyncio
import hashlib
import io
import json
import os
import time
import zipfile
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import AsyncClient
from django.utils import timezone
from pytest_django.fixtures import Settings

from apps.exports.models import Export, ExportStatus
from apps.exports.services import exports_purge
from apps.exports.storage import exports_storage
from apps.jobs.models import Job
from apps.workspaces.models import Membership, Role, Workspace
from project.celery import beat_schedule
from tests.domain_data import aadd_member, amake_document, amake_workspace
from tests.factories import Outbox, amake_user, auth_headers, login
from tests.workers import Worker

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = ["collect", "render", "zip", "store", "notify"]


def _exports(workspace: Workspace, rest: str = "") -> str:
    return f"/api/v1/workspaces/{workspace.pk}/exports{rest}"


async def _poll(api: AsyncClient, path: str, headers: dict[str, str], done: Any) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = (await api.get(path, headers=headers)).json()
        if done(body):
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never reached the expected state: {body}")


async def _download(api: AsyncClient, url: str) -> tuple[Any, list[bytes]]:
    parts = urlsplit(url)
    # No Authorization header; what a download manager asks for.
    response = await api.get(f"{parts.path}?{parts.query}", headers={"Accept": "application/zip"})
    if not response.streaming:
        return response, []
    content = response.streaming_content  # type: ignore[attr-defined]  # a StreamingHttpResponse
    return response, [chunk async for chunk in content]


async def test_an_export_is_built_step_by_step_stored_emailed_and_downloaded(
    api: AsyncClient, celery_worker: Worker, outbox: Outbox
) -> None:
    owner = await amake_user(email="ada@example.com")
    member = await amake_user()
    workspace = await amake_workspace(owner=owner, name="Acme Research")
    await aadd_member(workspace, member, Role.MEMBER)
    big_body = os.urandom(150_000).hex()  # ~300 kB that barely compresses: several chunks
    documents = [
        await amake_document(
            workspace,
            title="Roadmap: 2027 — “quotes” & colons",
            body="# Plan\n\n- ship: it\n",
            status="published",
            tags=["plans", "q1"],
            author=owner,
        ),
        await amake_document(workspace, title="---", body="", tags=[]),
        await amake_document(workspace, title="Large", body=big_body, author=member),
    ]
    other_workspace = await amake_workspace(owner=owner, name="Elsewhere")
    await amake_document(other_workspace, title="Not in this export")
    headers = auth_headers(await login(api, member))

    started = await api.post(_exports(workspace), headers=headers)
    assert started.status_code == 202, started.content
    export = started.json()
    assert export["status"] == "building"
    assert export["download_url"] is None

    job = await _poll(
        api,
        f"/api/v1/jobs/{export['job_id']}",
        headers,
        lambda job: (
            job["status"] != "queued" and job["status"] != "running" and job["status"] != "retrying"
        ),
    )
    assert job["status"] == "succeeded", job
    assert job["name"] == "exports.build"
    assert [(step["name"], step["status"]) for step in job["steps"]] == [
        (name, "succeeded") for name in STEPS
    ]

    ready = (await api.get(_exports(workspace, f"/{export['id']}"), headers=headers)).json()
    assert ready["status"] == "ready"
    assert ready["document_count"] == 3
    assert ready["expires_at"] is not None
    response, chunks = await _download(api, ready["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert len(chunks) > 1  # streamed in chunks, not one read
    archive = b"".join(chunks)
    assert int(response["Content-Length"]) == len(archive) == ready["size_bytes"]
    assert hashlib.sha256(archive).hexdigest() == ready["sha256"]

    zipped = zipfile.ZipFile(io.BytesIO(archive))
    manifest = json.loads(zipped.read("manifest.json"))
    assert manifest["workspace"] == {"id": str(workspace.pk), "name": "Acme Research"}
    assert manifest["document_count"] == 3
    assert manifest["requested_by"] == member.email
    assert sorted(zipped.namelist()) == sorted(
        ["manifest.json", *(entry["path"] for entry in manifest["documents"])]
    )
    by_id = {entry["id"]: entry for entry in manifest["documents"]}
    for document in documents:
        entry = by_id[str(document.pk)]
        content = zipped.read(entry["path"])
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        text = content.decode()
        assert text.startswith("---\n")
        _, front, body = text.split("---\n", 2)
        meta = yaml.safe_load(front)
        assert meta["id"] == str(document.pk)
        assert meta["title"] == document.title
        assert meta["status"] == document.status
        assert meta["tags"] == document.tags
        assert meta["version"] == document.version
        authors: dict[int | None, str | None] = {owner.pk: owner.email, member.pk: member.email}
        assert meta["author"] == authors.get(document.author_id)
        assert body.strip("\n") == document.body.strip("\n")
    slug = "documents/roadmap-2027-quotes-colons-"
    assert by_id[str(documents[0].pk)]["path"].startswith(slug)

    messages = await outbox.wait(1)
    assert messages[0].to == [member.email]
    assert "Acme Research" in messages[0].subject
    assert f"/workspaces/{workspace.pk}/exports/{export['id']}" in messages[0].body
    # Nothing is left in the staging area.
    assert not await sync_to_async(exports_storage().exists)(
        f"staging/{export['id']}/manifest.json"
    )


async def _ready_export(workspace: Workspace, requester: Any) -> Export:
    """A finished export (an archive in the storage), without running the build."""
    export = await Export.objects.acreate(workspace=workspace, requested_by=requester)
    name = f"archives/{workspace.pk}/{export.pk}.zip"
    storage = exports_storage()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        zipped.writestr("manifest.json", "{}")
    from django.core.files.base import ContentFile

    await sync_to_async(storage.save)(name, ContentFile(buffer.getvalue()))
    now = timezone.now()
    await Export.objects.filter(pk=export.pk).aupdate(
        status=ExportStatus.READY,
        file_name=name,
        size_bytes=len(buffer.getvalue()),
        completed_at=now,
        expires_at=now + settings.EXPORTS_RETENTION,
    )
    return await Export.objects.select_related("job").aget(pk=export.pk)


async def test_download_links_are_signed_expiring_and_for_members_only(
    api: AsyncClient, settings: Settings
) -> None:
    owner, outsider = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=owner)
    export = await _ready_export(workspace, owner)
    owner_headers = auth_headers(await login(api, owner))
    detail = _exports(workspace, f"/{export.pk}")
    url = (await api.get(detail, headers=owner_headers)).json()["download_url"]
    assert (await _download(api, url))[0].status_code == 200

    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert (await _download(api, tampered))[0].status_code == 403
    other = await _ready_export(workspace, owner)
    other_path = f"/api/v1/exports/{other.pk}/download"
    response = await api.get(f"{other_path}?{urlsplit(url).query}")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"
    assert (await api.get(f"{other_path}")).status_code == 400  # no signature at all

    outsider_headers = auth_headers(await login(api, outsider))
    assert (await api.get(detail, headers=outsider_headers)).status_code == 404
    assert (await api.get(_exports(workspace), headers=outsider_headers)).status_code == 404
    assert (await api.post(_exports(workspace), headers=outsider_headers)).status_code == 404

    settings.EXPORTS_DOWNLOAD_URL_TTL = timedelta(seconds=-1)
    assert (await _download(api, url))[0].status_code == 403
    settings.EXPORTS_DOWNLOAD_URL_TTL = timedelta(minutes=15)
    assert (await _download(api, url))[0].status_code == 200

    # A link stops working when its member leaves the workspace.
    await Membership.objects.filter(workspace=workspace, user=owner).adelete()
    left = await _download(api, url)
    assert left[0].status_code == 404
    assert left[0].json()["type"] == "client_error"


async def test_one_build_at_a_time_per_workspace(api: AsyncClient, celery_worker: Worker) -> None:
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    headers = auth_headers(await login(api, owner))
    # A build whose job no worker has taken yet (never sent anywhere).
    waiting_job = await Job.objects.acreate(
        owner=owner,
        name="exports.build",
        backend="celery",
        queue="default",
        kwargs={"export_id": ""},
    )
    export = await Export.objects.acreate(workspace=workspace, requested_by=owner, job=waiting_job)
    await Job.objects.filter(pk=waiting_job.pk).aupdate(kwargs={"export_id": str(export.pk)})

    refused = await api.post(_exports(workspace), headers=headers)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "conflict"

    # Cancelling the build's job fails the export (the chain's on_failure hook)...
    cancelled = await api.post(f"/api/v1/jobs/{waiting_job.pk}/cancel", headers=headers)
    assert cancelled.status_code == 200, cancelled.content
    listed = (await api.get(_exports(workspace), headers=headers)).json()["results"]
    assert [item["status"] for item in listed] == ["failed"]
    assert (await Export.objects.aget(pk=export.pk)).status == "failed"
    # ...and frees the workspace for the next build.
    accepted = await api.post(_exports(workspace), headers=headers)
    assert accepted.status_code == 202
    await _poll(
        api,
        _exports(workspace, f"/{accepted.json()['id']}"),
        headers,
        lambda export: export["status"] == "ready",
    )


async def test_old_archives_are_purged(api: AsyncClient) -> None:
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    old = await _ready_export(workspace, owner)
    fresh = await _ready_export(workspace, owner)
    await Export.objects.filter(pk=old.pk).aupdate(expires_at=timezone.now() - timedelta(seconds=1))
    storage = exports_storage()
    headers = auth_headers(await login(api, owner))
    url = (await api.get(_exports(workspace, f"/{old.pk}"), headers=headers)).json()["download_url"]

    assert await sync_to_async(exports_purge)() == 1

    old = await Export.objects.aget(pk=old.pk)
    assert old.status == ExportStatus.EXPIRED
    assert not await sync_to_async(storage.exists)(f"archives/{workspace.pk}/{old.pk}.zip")
    assert await sync_to_async(storage.exists)(fresh.file_name)
    assert (await _download(api, url))[0].status_code == 404
    assert await sync_to_async(exports_purge)() == 0
    schedule = beat_schedule()["exports.purge_expired"]
    assert schedule["args"] == ["exports.purge_expired"]
    assert schedule["schedule"] == settings.EXPORTS_PURGE_INTERVAL.total_seconds()
