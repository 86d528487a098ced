"""Who sees what inside a workspace: the one place that decides.

A non-member gets 404 for anything inside a workspace (never 403: a 403 would
confirm that the workspace exists). A member whose role is too low gets 403.
"""

from uuid import UUID, uuid4

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.aquery import Prepared, placeholder_int
from apps.core.errors import NotFound, PermissionDenied
from apps.workspaces.models import ROLE_RANK, Membership, Role


def membership_for(*, user_id: int, workspace_id: UUID) -> QuerySet[Membership]:
    """The user's membership of the workspace, with the workspace selected (lazy)."""
    return Membership.objects.select_related("workspace").filter(
        workspace_id=workspace_id, user_id=user_id
    )


# Compiled once: this query runs on every workspace route.
_membership = Prepared(membership_for, first=True, user_id=placeholder_int, workspace_id=uuid4)


async def aget_membership(user: User | AnonymousUser | None, workspace_id: UUID) -> Membership:
    """The caller's membership of the workspace (with the workspace selected).

    Raises ``NotFound`` when the workspace does not exist or ``user`` is not a
    member of it (anonymous users included). One indexed query, on the async
    pool: it runs on every workspace route, so it makes no thread hop.
    """
    if not isinstance(user, User):
        raise NotFound()
    membership = await _membership.first(user_id=user.pk, workspace_id=workspace_id)
    if membership is None:
        raise NotFound()
    return membership


def has_role(membership: Membership, minimum: Role) -> bool:
    return ROLE_RANK[membership.role] >= ROLE_RANK[minimum]


def require_role(membership: Membership, minimum: Role) -> None:
    """Raise ``PermissionDenied`` (403) unless the member's role is at least ``minimum``.

    Roles rank owner > admin > member.
    """
    if not has_role(membership, minimum):
        raise PermissionDenied(f"This needs the {minimum.label.lower()} role or higher.")
