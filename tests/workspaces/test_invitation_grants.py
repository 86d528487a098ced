"""An invitation is only as good as its inviter's right to send it, now.

Removing or demoting a member revokes the open invitations they could no
longer send, and accepting checks the inviter's role again.
"""

import secrets
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from django.utils import timezone

from apps.accounts.models import User
from apps.workspaces.models import Invitation, Membership, Role, Workspace
from apps.workspaces.services import token_digest
from tests.factories import amake_quick_user
from tests.workspaces.factories import amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)

ACCEPT = "/api/v1/invitations/accept"


@sync_to_async
def open_invitation(
    workspace: Workspace, *, email: str, role: Role, invited_by: User
) -> tuple[Invitation, str]:
    """An open invitation as ``invitation_create`` leaves it (without the email): (row, token)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        invited_by=invited_by,
        token_digest=token_digest(token),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return invitation, token


async def accept(api: AsyncClient, token: str, email: str) -> int:
    _, headers = await amake_quick_user(email=email)
    response = await api.post(
        ACCEPT, {"token": token}, content_type="application/json", headers=headers
    )
    return response.status_code


async def quick_users(count: int) -> list[tuple[User, dict[str, str]]]:
    return [await amake_quick_user() for _ in range(count)]


def member_url(workspace: Workspace, user: User) -> str:
    return f"/api/v1/workspaces/{workspace.pk}/members/{user.pk}"


async def revoked(invitation: Invitation) -> bool:
    await invitation.arefresh_from_db()
    return invitation.revoked_at is not None


async def test_a_removed_admins_invitations_are_revoked(api: AsyncClient) -> None:
    (owner, owner_headers), (admin, _) = await quick_users(2)
    workspace = await amake_workspace(owner=owner, members={admin: Role.ADMIN})
    invitation, token = await open_invitation(
        workspace, email="eve@example.com", role=Role.ADMIN, invited_by=admin
    )
    removed = await api.delete(member_url(workspace, admin), headers=owner_headers)
    assert removed.status_code == 204
    assert await revoked(invitation)
    assert await accept(api, token, "eve@example.com") == 400
    assert not await Membership.objects.filter(user__email="eve@example.com").aexists()


async def test_an_admin_who_leaves_takes_their_invitations_along(api: AsyncClient) -> None:
    (owner, _), (admin, admin_headers) = await quick_users(2)
    workspace = await amake_workspace(owner=owner, members={admin: Role.ADMIN})
    invitation, token = await open_invitation(
        workspace, email="eve@example.com", role=Role.MEMBER, invited_by=admin
    )
    left = await api.delete(member_url(workspace, admin), headers=admin_headers)
    assert left.status_code == 204
    assert await revoked(invitation)
    assert await accept(api, token, "eve@example.com") == 400


async def test_demoting_an_admin_revokes_their_invitations(api: AsyncClient) -> None:
    (owner, owner_headers), (admin, _) = await quick_users(2)
    workspace = await amake_workspace(owner=owner, members={admin: Role.ADMIN})
    invitation, token = await open_invitation(
        workspace, email="eve@example.com", role=Role.MEMBER, invited_by=admin
    )
    demoted = await api.patch(
        member_url(workspace, admin),
        {"role": "member"},
        content_type="application/json",
        headers=owner_headers,
    )
    assert demoted.status_code == 200
    assert await revoked(invitation)
    assert await accept(api, token, "eve@example.com") == 400


async def test_an_owner_made_admin_keeps_only_the_invitations_an_admin_may_send(
    api: AsyncClient,
) -> None:
    (ada, ada_headers), (grace, _) = await amake_quick_user(), await amake_quick_user()
    workspace = await amake_workspace(owner=ada, members={grace: Role.OWNER})
    as_owner, owner_token = await open_invitation(
        workspace, email="eve@example.com", role=Role.OWNER, invited_by=grace
    )
    as_admin, admin_token = await open_invitation(
        workspace, email="bob@example.com", role=Role.ADMIN, invited_by=grace
    )
    demoted = await api.patch(
        member_url(workspace, grace),
        {"role": "admin"},
        content_type="application/json",
        headers=ada_headers,
    )
    assert demoted.status_code == 200
    assert await revoked(as_owner)
    assert not await revoked(as_admin)
    assert await accept(api, owner_token, "eve@example.com") == 400
    assert await accept(api, admin_token, "bob@example.com") == 200
    joined = await Membership.objects.aget(workspace=workspace, user__email="bob@example.com")
    assert joined.role == Role.ADMIN


async def test_accepting_checks_the_inviters_role_again(api: AsyncClient) -> None:
    # An invitation left open by a write that bypassed the services (or made
    # before this rule): the inviter is a plain member now.
    (owner, _), (member, _) = await amake_quick_user(), await amake_quick_user()
    workspace = await amake_workspace(owner=owner, members={member: Role.MEMBER})
    invitation, token = await open_invitation(
        workspace, email="eve@example.com", role=Role.ADMIN, invited_by=member
    )
    assert await accept(api, token, "eve@example.com") == 400
    assert not await revoked(invitation)  # refused, not consumed
    assert not await Membership.objects.filter(user__email="eve@example.com").aexists()


@pytest.mark.parametrize("fate", ["deactivated", "deleted"])
async def test_an_invitation_from_a_deactivated_or_deleted_inviter_is_refused(
    api: AsyncClient, fate: str
) -> None:
    (owner, _), (admin, _) = await quick_users(2)
    workspace = await amake_workspace(owner=owner, members={admin: Role.ADMIN})
    _, token = await open_invitation(
        workspace, email="eve@example.com", role=Role.MEMBER, invited_by=admin
    )
    if fate == "deactivated":
        admin.is_active = False
        await admin.asave(update_fields=["is_active"])
    else:
        await admin.adelete()
    assert await accept(api, token, "eve@example.com") == 400
