"""Tenant isolation: a non-member gets 404, in the standard shape, for EVERY route
inside a workspace and every method.

The routes are found by walking the URL resolver for patterns with a
``workspace_id`` kwarg, so routes that other apps add later are covered
without touching this test. Every other id in a route is filled with a real
object of the victim's workspace (factories by kwarg name, see
``tests/workspaces/isolation_ids.py``), so a view that forgot the membership
check shows up as a 200, not as a lucky 404.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import AsyncClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from apps.accounts.models import User
from apps.workspaces.models import Membership, Role
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_workspace
from tests.workspaces.isolation_ids import load_all

pytestmark = pytest.mark.django_db(transaction=True)

# A body that would be valid for most writes, so no route can answer 400 before 404.
BODY = {"name": "x", "title": "x", "role": "owner", "email": "a@example.com", "token": "x"}
METHODS = ("get", "head", "options", "post", "put", "patch", "delete")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
FACTORIES = load_all()


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
        elif "workspace_id" in kwargs_of(route):
            yield route


def kwargs_of(route: str) -> list[str]:
    return [match.group("name") for match in PARAMETER.finditer(route)]


ROUTES = sorted(workspace_routes())


def fill(route: str, ids: dict[str, Any]) -> str:
    return "/" + PARAMETER.sub(lambda match: str(ids[match.group("name")]), route)


async def victim_ids(route: str) -> dict[str, Any]:
    """A fresh workspace (owner only) plus a real object for each other id in ``route``."""
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    ids: dict[str, Any] = {"workspace_id": workspace.pk}
    for name in kwargs_of(route):
        if name not in ids:
            ids[name] = await FACTORIES[name](workspace, owner, ids)
    return ids


def test_the_walk_finds_the_workspace_routes() -> None:
    assert {
        "api/v1/workspaces/<uuid:workspace_id>",
        "api/v1/workspaces/<uuid:workspace_id>/members",
        "api/v1/workspaces/<uuid:workspace_id>/members/<int:user_id>",
        "api/v1/workspaces/<uuid:workspace_id>/invitations",
        "api/v1/workspaces/<uuid:workspace_id>/invitations/<uuid:invitation_id>",
        "api/v1/workspaces/<uuid:workspace_id>/documents",
        "api/v1/workspaces/<uuid:workspace_id>/documents/<uuid:document_id>",
    } <= set(ROUTES)


def test_every_id_in_a_workspace_route_has_a_real_object_factory() -> None:
    needed = {name for route in ROUTES for name in kwargs_of(route)} - {"workspace_id"}
    missing = sorted(needed - set(FACTORIES))
    assert missing == [], (
        f"register a factory for {missing} in tests/<app>/isolation_ids.py "
        "(see tests/workspaces/isolation_ids.py)"
    )


def _assert_standard_404(response: Any, method: str, url: str) -> None:
    where = f"{method.upper()} {url}"
    assert response.status_code == 404, (where, response.status_code, response.content)
    if method == "head":
        return
    body = response.json()
    assert body["type"] == "client_error", where
    assert [error["code"] for error in body["errors"]] == ["not_found"], (where, body)
    assert set(body) == {"type", "errors", "request_id"}, where


@pytest.mark.parametrize("route", ROUTES)
async def test_a_non_member_gets_404_for_every_method(api: AsyncClient, route: str) -> None:
    url = fill(route, await victim_ids(route))
    outsider = await amake_user()
    # Their own workspace: being someone's owner elsewhere grants nothing here.
    await amake_workspace(owner=outsider)
    headers = auth_headers(await login(api, outsider))
    for method in METHODS:
        body = BODY if method in ("post", "put", "patch") else None
        response = await getattr(api, method)(
            url, body, content_type="application/json", headers=headers
        )
        _assert_standard_404(response, method, url)


@pytest.mark.parametrize("route", ROUTES)
async def test_a_workspace_that_does_not_exist_is_404_too(api: AsyncClient, route: str) -> None:
    ids = await victim_ids(route)
    url = fill(route, {**ids, "workspace_id": uuid.uuid4()})
    headers = auth_headers(await login(api, await amake_user()))
    for method in METHODS:
        response = await getattr(api, method)(url, headers=headers)
        _assert_standard_404(response, method, url)


async def test_the_check_has_teeth_a_member_is_not_refused(api: AsyncClient) -> None:
    """The same filled URLs answer a member with something other than 404 (GET)."""
    for route in ROUTES:
        ids = await victim_ids(route)
        headers = auth_headers(await login(api, await _owner_of(ids["workspace_id"])))
        response = await api.get(fill(route, ids), headers=headers)
        assert response.status_code != 404, (route, response.content)


async def _owner_of(workspace_id: uuid.UUID) -> User:
    membership = await Membership.objects.select_related("user").aget(
        workspace_id=workspace_id, role=Role.OWNER
    )
    return membership.user
