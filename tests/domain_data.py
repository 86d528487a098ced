"""Shortcuts over tests.workspaces.factories for the webhook and export tests."""

from typing import Any

from asgiref.sync import sync_to_async

from apps.accounts.models import User
from apps.documents.models import Document
from apps.workspaces.models import Membership, Role, Workspace
from tests.workspaces import factories
from tests.workspaces.factories import amake_workspace, make_workspace

__all__ = ["aadd_member", "amake_document", "amake_workspace", "make_workspace"]


def add_member(workspace: Workspace, user: User, role: Role = Role.MEMBER) -> Membership:
    return Membership.objects.create(workspace=workspace, user=user, role=role)


def make_document(workspace: Workspace, **values: Any) -> Document:
    author = values.pop("author", None)
    return factories.make_document(workspace=workspace, author=author, **values)


aadd_member = sync_to_async(add_member)
amake_document = sync_to_async(make_document)
