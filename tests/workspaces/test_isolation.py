"""Tenant isolation: a non-member gets 404, in the standard shape, for EVERY route
inside a workspace and every method, whatever the route's own ids point at.

The routes are found by walking the URL resolver for patterns with a
``workspace_id`` kwarg, so routes that other apps add later are covered
without touching this test.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import AsyncClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from apps.workspaces.models import Invitation, Role
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_document, amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)

# A body that would be valid for most writes, so no route can answer 400 before 404.
BODY = {"name": "x", "title": "x", "role": "owner", "email": "a@example.com", "token": "x"}
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def workspace_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every route (as a ``path()`` string from the root) that captures ``workspace_id``."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            # A regex route cannot be filled in reliably: require path() for tenant routes.
            assert "workspace_id" not in str(entry.pattern), entry
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from workspace_routes(entry.url_patterns, route)
        elif "workspace_id" in PARAMETER.sub(lambda m: m.group("name"), route):
            yield route


def fill(route: str, ids: dict[str, Any]) -> str:
    """The route with each parameter replaced by a real id from the victim's workspace."""

    def value(match: re.Match[str]) -> str:
        name, converter = match.group("name"), match.group("converter") or "str"
        if name in ids:
            return str(ids[name])
        if converter == "int":
            return "1"
        if converter == "uuid":
            return str(uuid.uuid4())
        return "x"

    return "/" + PARAMETER.sub(value, route)


def test_the_walk_finds_the_workspace_routes() -> None:
    routes = set(workspace_routes())
    assert {
        "api/v1/workspaces/<uuid:workspace_id>",
        "api/v1/workspaces/<uuid:workspace_id>/members",
        "api/v1/workspaces/<uuid:workspace_id>/members/<int:user_id>",
        "api/v1/workspaces/<uuid:workspace_id>/invitations",
        "api/v1/workspaces/<uuid:workspace_id>/invitations/<uuid:invitation_id>",
        "api/v1/workspaces/<uuid:workspace_id>/documents",
        "api/v1/workspaces/<uuid:workspace_id>/documents/<uuid:document_id>",
    } <= routes


async def _victim() -> dict[str, Any]:
    """A workspace with a member, a document and an invitation; their ids by kwarg name."""
    owner, member = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=owner, members={member: Role.MEMBER})
    document = await amake_document(workspace=workspace, author=owner, title="secret")
    invitation = await Invitation.objects.acreate(
        workspace=workspace,
        email="someone@example.com",
        invited_by=owner,
        token_digest=uuid.uuid4().hex,
        expires_at=workspace.created_at.replace(year=workspace.created_at.year + 1),
    )
    return {
        "workspace_id": workspace.pk,
        "user_id": member.pk,
        "document_id": document.pk,
        "invitation_id": invitation.pk,
    }


def _assert_standard_404(response: Any, method: str, url: str) -> None:
    where = f"{method.upper()} {url}"
    assert response.status_code == 404, (where, response.status_code, response.content)
    if method == "head":
        return
    body = response.json()
    assert body["type"] == "client_error", where
    assert [error["code"] for error in body["errors"]] == ["not_found"], (where, body)
    assert set(body) == {"type", "errors", "request_id"}, where


@pytest.mark.parametrize("route", sorted(workspace_routes()))
async def test_a_non_member_gets_404_for_every_method(api: AsyncClient, route: str) -> None:
    ids = await _victim()
    outsider = await amake_user()
    # Their own workspace: being someone's admin elsewhere grants nothing here.
    await amake_workspace(owner=outsider)
    headers = auth_headers(await login(api, outsider))
    url = fill(route, ids)
    for method in METHODS:
        body = BODY if method in ("post", "put", "patch") else None
        response = await getattr(api, method)(
            url, body, content_type="application/json", headers=headers
        )
        _assert_standard_404(response, method, url)


@pytest.mark.parametrize("route", sorted(workspace_routes()))
async def test_a_workspace_that_does_not_exist_is_404_too(api: AsyncClient, route: str) -> None:
    headers = auth_headers(await login(api, await amake_user()))
    url = fill(route, {"workspace_id": uuid.uuid4()})
    for method in METHODS:
        response = await getattr(api, method)(url, headers=headers)
        _assert_standard_404(response, method, url)
