"""Workspaces: create, list mine, retrieve, rename, delete; roles decide who may."""

import pytest
from django.test import AsyncClient

from apps.documents.models import Document
from apps.workspaces.models import Membership, Role, Workspace
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_document, amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)

WORKSPACES = "/api/v1/workspaces"


async def test_creating_a_workspace_makes_the_caller_its_owner(api: AsyncClient) -> None:
    ada = await amake_user()
    token = await login(api, ada)
    response = await api.post(
        WORKSPACES, {"name": "  Engines  "}, content_type="application/json",
        headers=auth_headers(token),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Engines"
    assert body["role"] == "owner"
    assert set(body) == {"id", "name", "role", "created_at", "updated_at"}
    membership = await Membership.objects.aget(workspace_id=body["id"])
    assert (membership.user_id, membership.role) == (ada.pk, Role.OWNER)


async def test_create_validates_the_name(api: AsyncClient) -> None:
    token = await login(api, await amake_user())
    for bad in ({}, {"name": ""}, {"name": "x" * 101}, {"name": ["a"]}):
        response = await api.post(
            WORKSPACES, bad, content_type="application/json", headers=auth_headers(token)
        )
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["attr"] == "name"
    assert not await Workspace.objects.aexists()


async def test_anonymous_callers_get_401(api: AsyncClient) -> None:
    response = await api.get(WORKSPACES)
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"


async def test_list_shows_only_my_workspaces_with_my_role_paginated(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    mine = [await amake_workspace(owner=ada, name=f"ada {number}") for number in range(3)]
    shared = await amake_workspace(owner=bob, name="bob's", members={ada: Role.MEMBER})
    await amake_workspace(owner=bob, name="private")
    token = await login(api, ada)

    first = await api.get(f"{WORKSPACES}?page_size=2", headers=auth_headers(token))
    assert first.status_code == 200
    page = first.json()
    second = await api.get(page["next"], headers=auth_headers(token))
    results = page["results"] + second.json()["results"]
    assert second.json()["next"] is None
    # Newest membership first.
    assert [item["name"] for item in results] == ["bob's", "ada 2", "ada 1", "ada 0"]
    roles = {item["id"]: item["role"] for item in results}
    assert roles[str(shared.pk)] == "member"
    assert roles[str(mine[0].pk)] == "owner"


async def test_members_can_read_but_only_admins_rename(api: AsyncClient) -> None:
    ada, bob, cy = await amake_user(), await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.ADMIN, cy: Role.MEMBER})
    url = f"{WORKSPACES}/{workspace.pk}"
    cy_token, bob_token = await login(api, cy), await login(api, bob)

    read = await api.get(url, headers=auth_headers(cy_token))
    assert read.status_code == 200
    assert read.json()["role"] == "member"

    denied = await api.patch(
        url, {"name": "Mine now"}, content_type="application/json",
        headers=auth_headers(cy_token),
    )  # fmt: skip
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["code"] == "permission_denied"

    renamed = await api.patch(
        url, {"name": "Renamed"}, content_type="application/json",
        headers=auth_headers(bob_token),
    )  # fmt: skip
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Renamed"
    assert (await Workspace.objects.aget(pk=workspace.pk)).name == "Renamed"


async def test_only_an_owner_deletes_a_workspace_and_its_documents(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.ADMIN})
    await amake_document(workspace=workspace, author=bob)
    url = f"{WORKSPACES}/{workspace.pk}"

    denied = await api.delete(url, headers=auth_headers(await login(api, bob)))
    assert denied.status_code == 403
    assert await Workspace.objects.filter(pk=workspace.pk).aexists()

    deleted = await api.delete(url, headers=auth_headers(await login(api, ada)))
    assert deleted.status_code == 204
    assert not await Workspace.objects.filter(pk=workspace.pk).aexists()
    assert not await Document.objects.aexists()
    assert not await Membership.objects.aexists()
