"""Members: list, change role, remove or leave; a workspace always keeps an owner."""

import asyncio
from uuid import UUID

import pytest
from django.test import AsyncClient

from apps.workspaces.models import Membership, Role
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def members_url(workspace_id: object, user_id: object | None = None) -> str:
    url = f"/api/v1/workspaces/{workspace_id}/members"
    return url if user_id is None else f"{url}/{user_id}"


async def role_of(workspace_id: UUID, user_id: int) -> str | None:
    membership = await Membership.objects.filter(
        workspace_id=workspace_id, user_id=user_id
    ).afirst()
    return None if membership is None else membership.role


async def test_members_list_shows_everyone_oldest_first(api: AsyncClient) -> None:
    ada, bob = await amake_user(full_name="Ada"), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER})
    response = await api.get(members_url(workspace.pk), headers=auth_headers(await login(api, bob)))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(m["user_id"], m["role"]) for m in results] == [(ada.pk, "owner"), (bob.pk, "member")]
    assert results[0] == {
        "user_id": ada.pk, "email": ada.email, "full_name": "Ada", "role": "owner",
        "joined_at": results[0]["joined_at"],
    }  # fmt: skip


async def test_admin_promotes_a_member_but_cannot_make_an_owner(api: AsyncClient) -> None:
    ada, bob, cy = await amake_user(), await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.ADMIN, cy: Role.MEMBER})
    bob_headers = auth_headers(await login(api, bob))

    promoted = await api.patch(
        members_url(workspace.pk, cy.pk), {"role": "admin"}, content_type="application/json",
        headers=bob_headers,
    )  # fmt: skip
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"
    assert await role_of(workspace.pk, cy.pk) == Role.ADMIN

    to_owner = await api.patch(
        members_url(workspace.pk, cy.pk), {"role": "owner"}, content_type="application/json",
        headers=bob_headers,
    )  # fmt: skip
    assert to_owner.status_code == 403
    demote_owner = await api.patch(
        members_url(workspace.pk, ada.pk), {"role": "member"}, content_type="application/json",
        headers=bob_headers,
    )  # fmt: skip
    assert demote_owner.status_code == 403
    assert await role_of(workspace.pk, ada.pk) == Role.OWNER


async def test_a_member_cannot_change_roles(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER})
    response = await api.patch(
        members_url(workspace.pk, bob.pk), {"role": "admin"}, content_type="application/json",
        headers=auth_headers(await login(api, bob)),
    )  # fmt: skip
    assert response.status_code == 403
    assert await role_of(workspace.pk, bob.pk) == Role.MEMBER


async def test_role_change_validates_input_and_target(api: AsyncClient) -> None:
    ada, stranger = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada)
    headers = auth_headers(await login(api, ada))
    bad = await api.patch(
        members_url(workspace.pk, ada.pk), {"role": "king"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "role"
    missing = await api.patch(
        members_url(workspace.pk, stranger.pk), {"role": "admin"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert missing.status_code == 404


async def test_the_last_owner_cannot_be_demoted_or_leave(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.ADMIN})
    headers = auth_headers(await login(api, ada))

    demote = await api.patch(
        members_url(workspace.pk, ada.pk), {"role": "admin"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert demote.status_code == 409
    assert demote.json()["errors"][0]["code"] == "last_owner"
    leave = await api.delete(members_url(workspace.pk, ada.pk), headers=headers)
    assert leave.status_code == 409
    assert await role_of(workspace.pk, ada.pk) == Role.OWNER

    # With a second owner, the first may step down.
    await api.patch(
        members_url(workspace.pk, bob.pk), {"role": "owner"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    step_down = await api.patch(
        members_url(workspace.pk, ada.pk), {"role": "member"}, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert step_down.status_code == 200
    assert await role_of(workspace.pk, ada.pk) == Role.MEMBER


async def test_two_owners_demoting_themselves_at_once_leave_one_owner(
    api: AsyncClient,
) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.OWNER})
    ada_headers = auth_headers(await login(api, ada))
    bob_headers = auth_headers(await login(api, bob))

    responses = await asyncio.gather(
        AsyncClient().patch(
            members_url(workspace.pk, ada.pk), {"role": "member"},
            content_type="application/json", headers=ada_headers,
        ),
        AsyncClient().patch(
            members_url(workspace.pk, bob.pk), {"role": "member"},
            content_type="application/json", headers=bob_headers,
        ),
    )  # fmt: skip
    assert sorted(response.status_code for response in responses) == [200, 409]
    owners = Membership.objects.filter(workspace=workspace, role=Role.OWNER)
    assert await owners.acount() == 1


async def test_admin_removes_a_member_and_anyone_can_leave(api: AsyncClient) -> None:
    owner, admin, member, other = [await amake_user() for _ in range(4)]
    workspace = await amake_workspace(
        owner=owner, members={admin: Role.ADMIN, member: Role.MEMBER, other: Role.MEMBER}
    )
    admin_headers = auth_headers(await login(api, admin))
    member_headers = auth_headers(await login(api, member))

    cannot = await api.delete(members_url(workspace.pk, other.pk), headers=member_headers)
    assert cannot.status_code == 403
    not_owner = await api.delete(members_url(workspace.pk, owner.pk), headers=admin_headers)
    assert not_owner.status_code == 403

    removed = await api.delete(members_url(workspace.pk, other.pk), headers=admin_headers)
    assert removed.status_code == 204
    assert await role_of(workspace.pk, other.pk) is None

    left = await api.delete(members_url(workspace.pk, member.pk), headers=member_headers)
    assert left.status_code == 204
    assert await role_of(workspace.pk, member.pk) is None
    # Gone means gone: the workspace is now invisible to them.
    after = await api.get(f"/api/v1/workspaces/{workspace.pk}", headers=member_headers)
    assert after.status_code == 404
