"""Reads on workspaces, scoped to the caller's memberships. Lazy querysets: paginate them."""

from uuid import UUID

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.aquery import afirst
from apps.core.errors import NotFound
from apps.workspaces.models import Invitation, Membership


def membership_list_for(*, user: User) -> QuerySet[Membership]:
    """The caller's memberships with their workspaces (one query per page)."""
    return Membership.objects.filter(user=user).select_related("workspace")


def member_list_for(*, workspace_id: UUID) -> QuerySet[Membership]:
    """A workspace's members with their users (call it after checking membership)."""
    return Membership.objects.filter(workspace_id=workspace_id).select_related("user")


def invitation_list_for(*, workspace_id: UUID) -> QuerySet[Invitation]:
    """A workspace's invitations, all states (call it after checking the admin role)."""
    return Invitation.objects.filter(workspace_id=workspace_id)


def invitation_detail_for(*, workspace_id: UUID, invitation_id: UUID) -> QuerySet[Invitation]:
    """The invitation if it is the workspace's (lazy)."""
    return Invitation.objects.filter(pk=invitation_id, workspace_id=workspace_id)


async def ainvitation_access(*, workspace_id: UUID, invitation_id: UUID) -> Invitation:
    """One invitation of the workspace, any state, or 404 (call after checking the admin role).

    Read on the async pool: no thread hop.
    """
    invitation = await afirst(
        invitation_detail_for(workspace_id=workspace_id, invitation_id=invitation_id)
    )
    if invitation is None:
        raise NotFound()
    return invitation
