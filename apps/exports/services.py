"""Writes on exports: start one, the steps of its build (chained job), the
signed download link, the purge of old archives."""

import hashlib
import io
import json
import tempfile
import zipfile
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import Conflict
from apps.exports import rendering
from apps.exports.models import Export, ExportStatus
from apps.exports.storage import (
    archive_name,
    copy_chunks,
    delete_tree,
    exports_storage,
    save_replacing,
    staging_name,
)
from apps.jobs.api import dispatch
from apps.notifications.email import frontend_link, send_email

BUILD_JOB = "exports.build"
DOWNLOAD_SALT = "exports.download"


@transaction.atomic
def export_create(*, workspace_id: UUID, actor: User) -> Export:
    """Record an export and start its build (a chained job the actor owns).

    One build at a time per workspace: another request while one runs is 409.
    A build that ends without success marks its export failed (the job's
    ``on_failure`` hook), so a failed build never blocks the next one.
    """
    from apps.workspaces.models import Workspace

    # The workspace row serializes concurrent requests for the same workspace.
    Workspace.objects.select_for_update().filter(pk=workspace_id).first()
    busy = Export.objects.filter(
        workspace_id=workspace_id, status=ExportStatus.BUILDING, job__isnull=False
    ).exists()
    if busy:
        raise Conflict("An export of this workspace is already being built.")
    export = Export.objects.create(workspace_id=workspace_id, requested_by=actor)
    export.job = dispatch(BUILD_JOB, kwargs={"export_id": str(export.pk)}, owner=actor)
    export.save(update_fields=["job"])
    return export


def export_mark_failed(*, export_id: str) -> None:
    """Mark a build that ended without success (its job failed or was cancelled)
    as failed. Runs in the transaction recording the job's end; idempotent."""
    Export.objects.filter(pk=export_id, status=ExportStatus.BUILDING).update(
        status=ExportStatus.FAILED
    )


# --- the build: collect -> render -> zip -> store -> notify -------------------
# Every step takes the export id, reads what the previous step left in the
# exports storage and writes its own output there under a fixed name, so a
# retried step (or one on another host) starts from the same place.


def _export(export_id: str) -> Export:
    return Export.objects.select_related("workspace", "requested_by").get(pk=export_id)


def export_collect(*, export_id: str) -> dict[str, int]:
    """Snapshot the workspace's documents (one query, streamed) as JSON lines."""
    from apps.documents.models import Document

    export = _export(export_id)
    documents = (
        Document.objects.filter(workspace_id=export.workspace_id)
        .select_related("author")
        .order_by("created_at", "id")
    )
    count = 0
    with tempfile.TemporaryFile() as lines:
        for document in documents.iterator(chunk_size=500):
            snapshot: rendering.DocumentSnapshot = {
                "id": str(document.pk),
                "title": document.title,
                "body": document.body,
                "status": str(document.status),
                "tags": list(document.tags),
                "author": document.author.email if document.author else None,
                "created_at": document.created_at.isoformat(),
                "updated_at": document.updated_at.isoformat(),
                "version": document.version,
            }
            lines.write(json.dumps(snapshot, ensure_ascii=False).encode() + b"\n")
            count += 1
        lines.seek(0)
        save_replacing(exports_storage(), staging_name(export_id, "collected.jsonl"), lines)
    Export.objects.filter(pk=export.pk).update(document_count=count)
    return {"documents": count}


def export_render(*, export_id: str) -> dict[str, int]:
    """Render each collected document as Markdown, and write the manifest."""
    export = _export(export_id)
    storage = exports_storage()
    entries: list[rendering.ManifestEntry] = []
    with storage.open(staging_name(export_id, "collected.jsonl"), "rb") as lines:
        for line in lines:
            document: rendering.DocumentSnapshot = json.loads(line)
            content = rendering.document_markdown(document).encode()
            entry = rendering.manifest_entry(document, content)
            save_replacing(storage, staging_name(export_id, entry["path"]), io.BytesIO(content))
            entries.append(entry)
    requester = export.requested_by
    manifest = rendering.manifest(
        export_id=export_id,
        workspace={"id": str(export.workspace_id), "name": export.workspace.name},
        requested_by=requester.email if requester else None,
        created_at=export.created_at.isoformat(),
        documents=entries,
    )
    body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
    save_replacing(storage, staging_name(export_id, "manifest.json"), io.BytesIO(body))
    return {"rendered": len(entries)}


def export_zip(*, export_id: str) -> dict[str, int]:
    """Zip the manifest and the rendered documents (streamed file by file)."""
    storage = exports_storage()
    with storage.open(staging_name(export_id, "manifest.json"), "rb") as handle:
        manifest = json.load(handle)
    with tempfile.TemporaryFile() as archive:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            for entry in manifest["documents"]:
                with (
                    storage.open(staging_name(export_id, entry["path"]), "rb") as source,
                    zipped.open(entry["path"], "w") as target,
                ):
                    copy_chunks(source, target)
        size = archive.tell()
        archive.seek(0)
        save_replacing(storage, staging_name(export_id, "archive.zip"), archive)
    return {"bytes": size}


def export_store(*, export_id: str) -> dict[str, Any]:
    """Move the archive to its final name, record it, and clear the staging area."""
    export = _export(export_id)
    storage = exports_storage()
    final = archive_name(workspace_id=str(export.workspace_id), export_id=export_id)
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as copy:
        with storage.open(staging_name(export_id, "archive.zip"), "rb") as source:
            while chunk := source.read(64 * 1024):
                digest.update(chunk)
                copy.write(chunk)
        copy.seek(0)
        save_replacing(storage, final, copy)
    now = timezone.now()
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        file_name=final,
        size_bytes=storage.size(final),
        sha256=digest.hexdigest(),
        completed_at=now,
        expires_at=now + settings.EXPORTS_RETENTION,
    )
    delete_tree(storage, staging_name(export_id))
    return {"file": final}


EMAIL_SUBJECT = "Your export of {workspace} is ready"
EMAIL_BODY = (
    "The export of {workspace} you asked for is ready ({count} documents).\n\n"
    "Download it here (the archive is kept until {expires}):\n\n{link}\n"
)


@transaction.atomic
def export_notify(*, export_id: str) -> dict[str, Any]:
    """Email the requester, once (``send_email``, in this transaction)."""
    export = Export.objects.select_for_update().get(pk=export_id)
    requester = (
        User.objects.filter(pk=export.requested_by_id).first() if export.requested_by_id else None
    )
    if export.notified_at is not None or requester is None:
        return {"notified": False}
    workspace = export.workspace.name
    link = frontend_link(f"/workspaces/{export.workspace_id}/exports/{export.pk}")
    send_email(
        to=requester.email,
        subject=EMAIL_SUBJECT.format(workspace=workspace),
        body=EMAIL_BODY.format(
            workspace=workspace,
            count=export.document_count,
            expires=export.expires_at.isoformat() if export.expires_at else "",
            link=link,
        ),
    )
    export.notified_at = timezone.now()
    export.save(update_fields=["notified_at"])
    return {"notified": True, "file": export.file_name}


# --- downloads -----------------------------------------------------------------


def download_signature(*, export: Export, user: User) -> str:
    """A signed, expiring token naming the export and the member it was issued to."""
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object(
        {"export": str(export.pk), "user": user.pk}
    )


def download_claims(signature: str) -> tuple[UUID, int] | None:
    """``(export id, user id)`` of a valid, unexpired signature; None otherwise."""
    try:
        claims = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(
            signature, max_age=settings.EXPORTS_DOWNLOAD_URL_TTL
        )
        return UUID(str(claims["export"])), int(claims["user"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


# --- purge ----------------------------------------------------------------------


def exports_purge(*, now: Any = None) -> int:
    """Delete archives past their expiry and the leftovers of builds older than the
    retention; mark those exports expired. Idempotent; returns how many."""
    now = now or timezone.now()
    stale = Export.objects.filter(
        Q(status=ExportStatus.READY, expires_at__lte=now)
        | Q(status=ExportStatus.BUILDING, created_at__lte=now - settings.EXPORTS_RETENTION)
    )
    storage = exports_storage()
    purged = 0
    for export in stale.iterator():
        if export.file_name and storage.exists(export.file_name):
            storage.delete(export.file_name)
        delete_tree(storage, staging_name(str(export.pk)))
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file_name="")
        purged += 1
    return purged
