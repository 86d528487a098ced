"""Workspaces, memberships and documents for the webhook and export tests,
written straight to the database (these tests are about what happens after)."""

from typing import Any

from asgiref.sync import sync_to_async

from apps.accounts.models import User
from apps.documents.models import Document
from apps.workspaces.models import Membership, Role, Workspace


def make_workspace(*, owner: User, name: str = "Acme") -> Workspace:
    workspace = Workspace.objects.create(name=name)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def add_member(workspace: Workspace, user: User, role: Role = Role.MEMBER) -> Membership:
    return Membership.objects.create(workspace=workspace, user=user, role=role)


def make_document(workspace: Workspace, **values: Any) -> Document:
    values.setdefault("title", "A document")
    return Document.objects.create(workspace=workspace, **values)


amake_workspace = sync_to_async(make_workspace)
aadd_member = sync_to_async(add_member)
amake_document = sync_to_async(make_document)
