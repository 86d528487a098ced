"""Writes on workspaces, memberships and invitations.

Sync, transactional, keyword-only; async views call each through one
``sync_to_async``. Every membership write first locks the workspace row, so
concurrent role changes and removals are serialized per workspace and the
"at least one owner" rule cannot be raced.
"""

import hashlib
import secrets
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User, normalize_email
from apps.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from apps.workspaces.access import require_role
from apps.workspaces.emails import send_invitation_email
from apps.workspaces.events import MEMBER_JOINED, publish
from apps.workspaces.models import ROLE_RANK, Invitation, Membership, Role, Workspace


class LastOwner(Conflict):
    default_detail = "A workspace must keep at least one owner."
    default_code = "last_owner"


def token_digest(token: str) -> str:
    """What is stored of an invitation token: its SHA-256 (the token has 256 random bits)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _lock_actor(*, workspace_id: UUID, user_id: int) -> Membership:
    """Lock the workspace and re-read the actor's membership under that lock (404 if gone)."""
    if not Workspace.objects.select_for_update().filter(pk=workspace_id).exists():
        raise NotFound()
    actor = (
        Membership.objects.select_related("workspace", "user")
        .filter(workspace_id=workspace_id, user_id=user_id)
        .first()
    )
    if actor is None:
        raise NotFound()
    return actor


def _other_owner_exists(*, workspace_id: UUID, user_id: int) -> bool:
    return (
        Membership.objects.filter(workspace_id=workspace_id, role=Role.OWNER)
        .exclude(user_id=user_id)
        .exists()
    )


def invitable_roles(role: str | None) -> set[str]:
    """The roles a member with ``role`` may invite to (none for a non-member).

    Admins invite members and admins; owners invite any role.
    """
    if role is None or ROLE_RANK[role] < ROLE_RANK[Role.ADMIN]:
        return set()
    if role == Role.OWNER:
        return {Role.OWNER, Role.ADMIN, Role.MEMBER}
    return {Role.ADMIN, Role.MEMBER}


def _revoke_invitations_beyond(*, workspace_id: UUID, inviter_id: int, role: str | None) -> int:
    """Revoke the open invitations ``inviter_id`` sent that ``role`` could no longer send.

    ``role`` None: the inviter left or was removed, so every one of them.
    Call it under the workspace lock, in the transaction that changes the role.
    """
    return (
        Invitation.objects.filter(
            workspace_id=workspace_id,
            invited_by_id=inviter_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .exclude(role__in=invitable_roles(role))
        .update(revoked_at=timezone.now())
    )


@transaction.atomic
def workspace_create(*, owner: User, name: str) -> Membership:
    """Create a workspace with ``owner`` as its only member (role owner)."""
    workspace = Workspace.objects.create(name=name)
    return Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)


@transaction.atomic
def workspace_rename(*, actor: Membership, name: str | None) -> Membership:
    """Rename the actor's workspace (admins and owners; ``None`` changes nothing).

    Returns the actor's membership (with the workspace).
    """
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    require_role(actor, Role.ADMIN)
    workspace = actor.workspace
    if name is None:
        return actor
    workspace.name = name
    workspace.save(update_fields=["name", "updated_at"])
    return actor


@transaction.atomic
def workspace_delete(*, actor: Membership) -> None:
    """Delete the workspace and everything in it (owners only)."""
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    require_role(actor, Role.OWNER)
    actor.workspace.delete()


@transaction.atomic
def member_role_change(*, actor: Membership, user_id: int, role: str | None) -> Membership:
    """Change a member's role (``None`` changes nothing).

    Admins change members and admins; only owners make or unmake owners. The
    last owner cannot be demoted (409). A demoted member's open invitations
    that the new role could not send are revoked with the change.
    """
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    require_role(actor, Role.ADMIN)
    target = (
        Membership.objects.select_related("user")
        .filter(workspace_id=actor.workspace_id, user_id=user_id)
        .first()
    )
    if target is None:
        raise NotFound()
    if role is None or role == target.role:
        return target
    if Role.OWNER in (target.role, role):
        require_role(actor, Role.OWNER)
    if (
        target.role == Role.OWNER
        and role != Role.OWNER
        and not _other_owner_exists(workspace_id=actor.workspace_id, user_id=user_id)
    ):
        raise LastOwner()
    target.role = role
    target.save(update_fields=["role"])
    _revoke_invitations_beyond(workspace_id=actor.workspace_id, inviter_id=user_id, role=role)
    return target


@transaction.atomic
def member_remove(*, actor: Membership, user_id: int) -> None:
    """Remove a member, or leave when ``user_id`` is the actor's own.

    Admins remove members and admins; only owners remove owners. The last
    owner cannot leave or be removed (409): delete the workspace instead. The
    removed member's open invitations are revoked with the removal.
    """
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    target = (
        actor
        if user_id == actor.user_id
        else Membership.objects.filter(workspace_id=actor.workspace_id, user_id=user_id).first()
    )
    if target is None:
        raise NotFound()
    if target.pk != actor.pk:
        require_role(actor, Role.OWNER if target.role == Role.OWNER else Role.ADMIN)
    if target.role == Role.OWNER and not _other_owner_exists(
        workspace_id=actor.workspace_id, user_id=user_id
    ):
        raise LastOwner()
    target.delete()
    _revoke_invitations_beyond(workspace_id=actor.workspace_id, inviter_id=user_id, role=None)


@transaction.atomic
def invitation_create(*, actor: Membership, email: str, role: Role) -> Invitation:
    """Invite ``email`` to the actor's workspace and email them a single-use link.

    Admins invite members and admins; only owners invite owners, and only
    with a verified email address (403 ``email_not_verified``: an invitation
    is an email sent in the inviter's name). A still-open invitation of the
    same address is revoked (the newest link wins). The token is only in the
    email; its SHA-256 is stored.
    """
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    require_role(actor, Role.OWNER if role == Role.OWNER else Role.ADMIN)
    if not actor.user.email_verified:
        raise PermissionDenied(
            "Verify your email address before inviting anyone.", code="email_not_verified"
        )
    email = normalize_email(email)
    if Membership.objects.filter(
        workspace_id=actor.workspace_id, user__email__iexact=email
    ).exists():
        raise Conflict("This address already belongs to a member of the workspace.")
    now = timezone.now()
    Invitation.objects.filter(
        workspace_id=actor.workspace_id,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=actor.workspace,
        email=email,
        role=role,
        invited_by=actor.user,
        token_digest=token_digest(token),
        expires_at=now + settings.INVITATION_TTL,
    )
    send_invitation_email(
        invitation=invitation,
        token=token,
        inviter_name=actor.user.full_name or actor.user.email,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation_id: UUID) -> None:
    """Revoke a pending invitation (admins and owners); 404 unless it is still open."""
    actor = _lock_actor(workspace_id=actor.workspace_id, user_id=actor.user_id)
    require_role(actor, Role.ADMIN)
    revoked = Invitation.objects.filter(
        pk=invitation_id,
        workspace_id=actor.workspace_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())
    if not revoked:
        raise NotFound()


def _invalid_token() -> InvalidInput:
    return InvalidInput(
        {"token": ["This invitation is invalid, was already used or has expired."]},
        code="invalid",
    )


def _inviter_still_may_grant(invitation: Invitation) -> bool:
    """Whether the inviter is still an active member whose role may send this invitation.

    Removing or demoting a member revokes what they may no longer send; this
    is the same rule checked again at acceptance (for rows left open before
    that rule, or by a write that bypassed the services).
    """
    if invitation.invited_by_id is None:  # the inviter's account was deleted
        return False
    inviter_role = (
        Membership.objects.filter(
            workspace_id=invitation.workspace_id,
            user_id=invitation.invited_by_id,
            user__is_active=True,
        )
        .values_list("role", flat=True)
        .first()
    )
    return invitation.role in invitable_roles(inviter_role)


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """Join the invitation's workspace with its role. Single use; expires.

    Only a logged-in user whose email is the invited address may accept
    (403 otherwise; the invitation stays open). The inviter must still be an
    active member allowed to invite to that role (400 otherwise, as for a
    revoked link). Publishes ``member.joined`` in this transaction. A user
    who is already a member keeps their role.
    """
    digest = token_digest(token)
    invited = Invitation.objects.filter(token_digest=digest)
    workspace_id = invited.values_list("workspace_id", flat=True).first()
    if workspace_id is None:
        raise _invalid_token()
    # The workspace first, then the invitation: the order every membership
    # write takes (a role change revokes invitations under the workspace lock).
    Workspace.objects.select_for_update().filter(pk=workspace_id).exists()
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .filter(token_digest=digest)
        .select_related("workspace")
        .first()
    )
    now = timezone.now()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        raise _invalid_token()
    if normalize_email(user.email) != normalize_email(invitation.email):
        raise PermissionDenied("This invitation was sent to another email address.")
    if not _inviter_still_may_grant(invitation):
        raise _invalid_token()
    membership, created = Membership.objects.select_related("workspace").get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        publish(
            invitation.workspace_id,
            MEMBER_JOINED,
            {
                "workspace_id": str(invitation.workspace_id),
                "user_id": user.pk,
                "role": membership.role,
            },
        )
    return membership
