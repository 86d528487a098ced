"""Workspace and document test data (plain functions), and an event recorder."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.db import connection

from apps.accounts.models import User
from apps.documents.models import Document
from apps.workspaces.events import workspace_event
from apps.workspaces.models import Membership, Role, Workspace


def make_workspace(
    *, owner: User, name: str = "Team", members: dict[User, Role] | None = None
) -> Workspace:
    workspace = Workspace.objects.create(name=name)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    for user, role in (members or {}).items():
        Membership.objects.create(workspace=workspace, user=user, role=role)
    return workspace


amake_workspace = sync_to_async(make_workspace)


def make_document(*, workspace: Workspace, author: User | None, **fields: Any) -> Document:
    fields.setdefault("title", "A document")
    return Document.objects.create(workspace=workspace, author=author, **fields)


amake_document = sync_to_async(make_document)


@dataclass
class Event:
    workspace_id: UUID
    event: str
    payload: dict[str, Any]
    in_transaction: bool


@contextmanager
def recorded_events() -> Iterator[list[Event]]:
    """Every ``workspace_event`` sent while inside, and whether a transaction was open."""
    events: list[Event] = []

    def receiver(
        sender: object, workspace_id: UUID, event: str, payload: dict[str, Any], **_: Any
    ) -> None:
        events.append(Event(workspace_id, event, payload, connection.in_atomic_block))

    workspace_event.connect(receiver, weak=False)
    try:
        yield events
    finally:
        workspace_event.disconnect(receiver)
