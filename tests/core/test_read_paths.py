"""No API read path makes a thread hop: every GET route, through the real ASGI app.

The routes are found by walking the URL resolver (a GET route added later is
covered without touching this test). Every id in a route is filled with a
real object the caller may see (the isolation test's factories, plus the
ones below), the request goes through ``project.asgi.app`` (our
``AsyncHandler``, the middleware, the base view, authentication, the
workspace membership check, the selector, the page) and every
``sync_to_async`` call is recorded: there must be none.

Not API reads, so not walked: the schema and its viewers (drf-spectacular's
sync views, documentation) and the admin. The export download reads its
archive through Django's storage API, which is sync file I/O: only those
calls may hop, and its database reads may not.
"""

import re
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from apps.accounts.models import AuthToken, User
from apps.exports.models import Export
from apps.exports.storage import exports_storage
from apps.jobs.models import Job
from project.asgi import app
from tests.factories import amake_user, auth_headers
from tests.workspaces.factories import amake_workspace
from tests.workspaces.isolation_ids import load_all

pytestmark = pytest.mark.django_db(transaction=True)

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
NOT_API_READS = ("api/v1/schema/", "admin/")
DOWNLOAD = "api/v1/exports/<uuid:export_id>/download"
# Django's storage API is sync: reading the archive is file I/O in a thread,
# and a request that used its thread closes its response there (AsyncHandler).
STORAGE_HOPS = {"Storage.open", "BufferedReader.read", "File.close", "HttpResponseBase.close"}
FACTORIES = load_all()


def get_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    """Every ``path()`` route under /api/v1/ whose view answers GET."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from get_routes(entry.url_patterns, route)
            continue
        if not route.startswith("api/v1/") or route.startswith(NOT_API_READS):
            continue
        assert isinstance(entry.pattern, RoutePattern), entry
        view = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
        if view is not None and hasattr(view, "get"):
            yield route


ROUTES = sorted(get_routes())


def test_the_walk_finds_every_kind_of_read() -> None:
    assert {
        "api/v1/auth/me",
        "api/v1/auth/sessions",
        "api/v1/jobs",
        "api/v1/jobs/<uuid:job_id>",
        "api/v1/workspaces",
        "api/v1/workspaces/<uuid:workspace_id>/documents",
        "api/v1/workspaces/<uuid:workspace_id>/documents/<uuid:document_id>",
        "api/v1/workspaces/<uuid:workspace_id>/webhooks/<uuid:endpoint_id>/deliveries",
        DOWNLOAD,
    } <= set(ROUTES)
    assert len(ROUTES) >= 17


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def _token_for(user: User) -> str:
    _, token = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    return str(token)


async def _ids(route: str, owner: User) -> dict[str, Any]:
    workspace = await amake_workspace(owner=owner)
    ids: dict[str, Any] = {"workspace_id": workspace.pk}
    for name in (match.group("name") for match in PARAMETER.finditer(route)):
        if name in ids:
            continue
        if name == "job_id":
            job = await Job.objects.acreate(
                owner=owner, name="email.send", backend="native", queue="default"
            )
            ids[name] = job.pk
        elif name == "export_id" and route == DOWNLOAD:
            ids[name] = await sync_to_async(_ready_export)(workspace.pk, owner)
        else:
            ids[name] = await FACTORIES[name](workspace, owner, ids)
    return ids


def _ready_export(workspace_id: Any, owner: User) -> Any:
    name = exports_storage().save(
        f"tests/{workspace_id}.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)
    )
    export = Export.objects.create(
        workspace_id=workspace_id,
        requested_by=owner,
        status="ready",
        file_name=name,
        size_bytes=22,
        completed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    return export.pk


async def _url(client: httpx.AsyncClient, route: str, ids: dict[str, Any], token: str) -> str:
    url = "/" + PARAMETER.sub(lambda match: str(ids[match.group("name")]), route)
    if route != DOWNLOAD:
        return url
    detail = f"/api/v1/workspaces/{ids['workspace_id']}/exports/{ids['export_id']}"
    response = await client.get(detail, headers=auth_headers(token))
    link = urlsplit(response.json()["download_url"])
    return f"{link.path}?{link.query}"


@pytest.mark.parametrize("route", ROUTES)
async def test_get_makes_no_thread_hop(
    client: httpx.AsyncClient, thread_hops: list[str], route: str
) -> None:
    owner = await amake_user()
    token = await sync_to_async(_token_for)(owner)
    ids = await _ids(route, owner)
    url = await _url(client, route, ids, token)
    for attempt in ("token cache miss", "token cache hit"):
        thread_hops.clear()
        response = await client.get(url, headers=auth_headers(token))
        assert response.status_code == 200, (route, attempt, response.text)
        hops = set(thread_hops) - (STORAGE_HOPS if route == DOWNLOAD else set())
        assert hops == set(), (route, attempt, thread_hops)
