"""Workspace events, for receivers in other apps (webhooks).

``publish`` sends ``workspace_event`` synchronously. Call it INSIDE the
database transaction that made the change, so a receiver can write its own
rows (deliveries) atomically with it: a rollback leaves neither.

Events and payloads:

- ``document.created`` / ``document.updated``: the document's public JSON
  (id, workspace_id, title, status, tags, version, author_id, updated_at);
  UUIDs and datetimes as ISO strings.
- ``document.deleted``: ``{"id", "workspace_id"}``.
- ``member.joined``: ``{"workspace_id", "user_id", "role"}``.
"""

from typing import Any, Final
from uuid import UUID

import django.dispatch

DOCUMENT_CREATED: Final = "document.created"
DOCUMENT_UPDATED: Final = "document.updated"
DOCUMENT_DELETED: Final = "document.deleted"
MEMBER_JOINED: Final = "member.joined"
EVENTS: Final = (DOCUMENT_CREATED, DOCUMENT_UPDATED, DOCUMENT_DELETED, MEMBER_JOINED)

# Receivers get keyword arguments workspace_id (UUID), event (str), payload (dict).
workspace_event = django.dispatch.Signal()


def publish(workspace_id: UUID, event: str, payload: dict[str, Any]) -> None:
    """Send ``event`` to every receiver, now, in the caller's transaction.

    A receiver's exception propagates (and rolls the change back): an event
    is never silently lost.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown workspace event: {event!r}")
    workspace_event.send(sender=None, workspace_id=workspace_id, event=event, payload=payload)
