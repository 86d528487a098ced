"""Writes on documents. Sync and transactional; each publishes its workspace event
inside its own transaction (receivers such as webhooks write atomically with it).

Optimistic concurrency: an update or delete given the versions the client
holds (``If-Match``) checks them in the statement's own WHERE clause, so two
writers holding the same version can never both succeed; without them the
statement still bumps ``version`` atomically and never writes stale values
of fields it was not asked to change.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.core.errors import InvalidInput, NotFound, PermissionDenied, PreconditionFailed
from apps.documents.models import Document, DocumentStatus
from apps.workspaces.access import has_role
from apps.workspaces.events import DOCUMENT_CREATED, DOCUMENT_DELETED, DOCUMENT_UPDATED, publish
from apps.workspaces.models import Membership, Role

UPDATABLE_FIELDS = ("title", "body", "status", "tags")


def document_payload(document: Document) -> dict[str, Any]:
    """The document's public JSON as sent with workspace events."""
    return {
        "id": str(document.id),
        "workspace_id": str(document.workspace_id),
        "title": document.title,
        "status": document.status,
        "tags": list(document.tags),
        "version": document.version,
        "author_id": document.author_id,
        "updated_at": document.updated_at.isoformat(),
    }


# PostgreSQL's program_limit_exceeded: here, a tsvector over its 1 MB limit.
PROGRAM_LIMIT_EXCEEDED = "54000"


@contextmanager
def _within_search_index_limits() -> Iterator[None]:
    """Turn "this text is too big for its full-text index" into the client's 400.

    ``search_vector`` is a ``tsvector`` generated from title and body, and a
    ``tsvector`` holds at most 1 MB: a body of many distinct words under the
    request size limit can exceed it (how much depends on the words, so no
    length limit on the field can say it in advance). The database refuses
    the write; the caller's transaction is rolled back by the raise.
    """
    try:
        yield
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != PROGRAM_LIMIT_EXCEEDED:
            raise
        raise InvalidInput(
            {
                "body": [
                    "This text has too many distinct words for the search index "
                    "(PostgreSQL's tsvector holds at most 1 MB); shorten it."
                ]
            },
            code="too_long_to_index",
        ) from exc


def _fresh(document_id: UUID) -> Document:
    return Document.objects.defer("search_vector").get(pk=document_id)


@transaction.atomic
def document_create(
    *,
    workspace_id: UUID,
    author: User,
    title: str,
    body: str = "",
    status: str = DocumentStatus.DRAFT,
    tags: Sequence[str] = (),
) -> Document:
    """Create a document (any member); publishes ``document.created``."""
    with _within_search_index_limits():
        created = Document.objects.create(
            workspace_id=workspace_id,
            author=author,
            title=title,
            body=body,
            status=status,
            tags=list(tags),
        )
    document = _fresh(created.pk)
    publish(workspace_id, DOCUMENT_CREATED, document_payload(document))
    return document


def _precondition_or_missing(*, workspace_id: UUID, document_id: UUID) -> Exception:
    exists = Document.objects.filter(pk=document_id, workspace_id=workspace_id).exists()
    return PreconditionFailed() if exists else NotFound()


@transaction.atomic
def document_update(
    *,
    workspace_id: UUID,
    document_id: UUID,
    expected_versions: Sequence[int] | None,
    changes: dict[str, Any],
) -> Document:
    """Apply ``changes`` (title/body/status/tags) and bump the version (any member).

    ``expected_versions``: the versions the client's ``If-Match`` names (None:
    no precondition). A version mismatch answers 412 and changes nothing.
    Publishes ``document.updated`` unless nothing was asked to change.
    """
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not updatable: {sorted(unknown)}")
    rows = Document.objects.filter(pk=document_id, workspace_id=workspace_id)
    if expected_versions is not None:
        rows = rows.filter(version__in=list(expected_versions))
    if not changes:
        document = rows.defer("search_vector").first()
        if document is None:
            raise _precondition_or_missing(workspace_id=workspace_id, document_id=document_id)
        return document
    with _within_search_index_limits():
        updated = rows.update(**changes, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise _precondition_or_missing(workspace_id=workspace_id, document_id=document_id)
    document = _fresh(document_id)
    publish(workspace_id, DOCUMENT_UPDATED, document_payload(document))
    return document


@transaction.atomic
def document_delete(
    *,
    actor: Membership,
    document_id: UUID,
    expected_versions: Sequence[int] | None,
) -> None:
    """Delete a document (its author, or an admin/owner); publishes ``document.deleted``."""
    document = (
        Document.objects.select_for_update()
        .filter(pk=document_id, workspace_id=actor.workspace_id)
        .only("id", "workspace_id", "author_id", "version")
        .first()
    )
    if document is None:
        raise NotFound()
    if document.author_id != actor.user_id and not has_role(actor, Role.ADMIN):
        raise PermissionDenied("Only the author or an admin can delete this document.")
    if expected_versions is not None and document.version not in expected_versions:
        raise PreconditionFailed()
    document.delete()
    publish(
        actor.workspace_id,
        DOCUMENT_DELETED,
        {"id": str(document_id), "workspace_id": str(actor.workspace_id)},
    )
