"""Workspace-side lists make the same few queries however long the page is."""

from collections.abc import Awaitable, Callable

import pytest
from django.test import AsyncClient
from django.utils import timezone

from apps.accounts.models import User
from apps.workspaces.models import Invitation, Membership, Role, Workspace
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)


async def _queries(
    api: AsyncClient, url: str, headers: dict[str, str], orm_queries: list[str]
) -> int:
    orm_queries.clear()
    response = await api.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return len(orm_queries)


async def _grow_and_compare(
    api: AsyncClient,
    url: str,
    headers: dict[str, str],
    orm_queries: list[str],
    add_rows: Callable[[int], Awaitable[None]],
) -> tuple[int, int]:
    await api.get(url, headers=headers)  # warm the token cache
    await add_rows(2)
    few = await _queries(api, url, headers, orm_queries)
    await add_rows(30)
    many = await _queries(api, url, headers, orm_queries)
    return few, many


async def test_my_workspaces_list(api: AsyncClient, orm_queries: list[str]) -> None:
    ada = await amake_user()
    headers = auth_headers(await login(api, ada))

    async def add(count: int) -> None:
        for _ in range(count):
            await amake_workspace(owner=ada)

    few, many = await _grow_and_compare(
        api, "/api/v1/workspaces?page_size=100", headers, orm_queries, add
    )
    assert few == many == 1, orm_queries


async def test_members_and_invitations_lists(api: AsyncClient, orm_queries: list[str]) -> None:
    ada = await amake_user()
    workspace: Workspace = await amake_workspace(owner=ada)
    headers = auth_headers(await login(api, ada))

    async def add_members(count: int) -> None:
        for _ in range(count):
            user: User = await amake_user()
            await Membership.objects.acreate(workspace=workspace, user=user, role=Role.MEMBER)
            await Invitation.objects.acreate(
                workspace=workspace, email=f"x{user.pk}@example.com", invited_by=ada,
                token_digest=f"{user.pk:064d}", expires_at=timezone.now(),
            )  # fmt: skip

    for path in ("members", "invitations"):
        url = f"/api/v1/workspaces/{workspace.pk}/{path}?page_size=100"
        few, many = await _grow_and_compare(api, url, headers, orm_queries, add_members)
        assert few == many == 2, (path, orm_queries)  # the membership, then the page
