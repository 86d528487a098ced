"""Who sees what inside a workspace: the one place that decides.

A non-member gets 404 for anything inside a workspace (never 403: a 403 would
confirm that the workspace exists). A member whose role is too low gets 403.
"""

from uuid import UUID

from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import User
from apps.core.errors import NotFound, PermissionDenied
from apps.workspaces.models import ROLE_RANK, Membership, Role


async def aget_membership(user: User | AnonymousUser | None, workspace_id: UUID) -> Membership:
    """The caller's membership of the workspace (with the workspace selected).

    Raises ``NotFound`` when the workspace does not exist or ``user`` is not a
    member of it (anonymous users included). One indexed query.
    """
    if not isinstance(user, User):
        raise NotFound()
    try:
        return await Membership.objects.select_related("workspace").aget(
            workspace_id=workspace_id, user_id=user.pk
        )
    except Membership.DoesNotExist:
        raise NotFound() from None


def get_membership(user: User | AnonymousUser | None, workspace_id: UUID) -> Membership:
    """Sync twin of ``aget_membership`` (for services and jobs)."""
    if not isinstance(user, User):
        raise NotFound()
    try:
        return Membership.objects.select_related("workspace").get(
            workspace_id=workspace_id, user_id=user.pk
        )
    except Membership.DoesNotExist:
        raise NotFound() from None


def has_role(membership: Membership, minimum: Role) -> bool:
    return ROLE_RANK[membership.role] >= ROLE_RANK[minimum]


def require_role(membership: Membership, minimum: Role) -> None:
    """Raise ``PermissionDenied`` (403) unless the member's role is at least ``minimum``.

    Roles rank owner > admin > member.
    """
    if not has_role(membership, minimum):
        raise PermissionDenied(f"This needs the {minimum.label.lower()} role or higher.")
