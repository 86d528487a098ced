"""The FastAPI twins (``loadtests.fastapi_twins``) answer what our endpoints answer.

The side-by-side runner compares each endpoint's throughput to its twin's;
that comparison is fair only if both do the same work: same data, same
checks, same body. Each test sends the same requests to both, on the
seeded data of the load tests, and compares the bodies field by field.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import AsyncClient

from apps.accounts.models import User
from apps.accounts.services import token_issue
from apps.core.db import conninfo
from loadtests import fastapi_app, seed
from tests.factories import auth_headers

pytestmark = pytest.mark.django_db(transaction=True)

VOLATILE = {"id", "created_at", "updated_at"}
PAGE_SIZE = 50


@dataclass
class Both:
    ours: AsyncClient
    twin: httpx.AsyncClient
    headers: dict[str, str]
    seeded: dict[str, Any]

    async def get(self, url: str, **headers: str) -> tuple[Any, httpx.Response]:
        ours = await self.ours.get(url, headers={**self.headers, **headers})
        twin = await self.twin.get(url, headers={**self.headers, **headers})
        return ours, twin


def _user_with_token() -> tuple[User, str]:
    """A user (no password: hashing one is slow by design) and a token issued to them."""
    user = User.objects.create_user(email=f"twin-{User.objects.count()}@example.com")
    issued = token_issue(user=user, client_name="twins", user_agent="tests", ip_address=None)
    return user, issued.token


def _seed(user: User) -> dict[str, Any]:
    return {
        **seed.seed_documents(user),
        **seed.seed_writes(user),
        **seed.seed_workspaces(user),
        **seed.seed_jobs(user),
    }


@pytest.fixture
async def both(api: AsyncClient, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Both]:
    monkeypatch.setenv("REDIS_URL", settings.REDIS_URL)
    monkeypatch.setenv("DATABASE_URL", conninfo())
    monkeypatch.setattr(seed, "PATCH_DOCUMENTS", 2)  # the rest as the load tests seed them
    monkeypatch.setattr(seed, "WORKSPACES", 3)
    user, token = await sync_to_async(_user_with_token)()
    seeded = await sync_to_async(_seed)(user)
    headers = auth_headers(token)
    assert (await api.get("/api/v1/auth/me", headers=headers)).status_code == 200  # caches it
    transport = httpx.ASGITransport(app=fastapi_app.app)
    async with (
        fastapi_app.lifespan(fastapi_app.app),
        httpx.AsyncClient(transport=transport, base_url="http://fastapi") as twin,
    ):
        yield Both(api, twin, headers, seeded)


async def _same_pages(both: Both, url: str) -> list[dict[str, Any]]:
    """Walk every page of ``url`` on both servers; the pages must be equal."""
    results: list[dict[str, Any]] = []
    ours_url: str | None = url
    twin_url: str | None = url
    while ours_url is not None:
        assert twin_url is not None, "the twin has fewer pages"
        ours = await both.ours.get(ours_url, headers=both.headers)
        twin = await both.twin.get(twin_url, headers=both.headers)
        assert ours.status_code == twin.status_code == 200, (ours.content, twin.content)
        assert twin.json()["results"] == ours.json()["results"]
        assert twin.json()["previous"] is None
        results += ours.json()["results"]
        ours_url, twin_url = ours.json()["next"], twin.json()["next"]
    assert twin_url is None, "the twin has more pages"
    return results


async def test_documents_list_pages_are_ours(both: Both) -> None:
    url = f"/api/v1/workspaces/{both.seeded['workspace_id']}/documents"
    results = await _same_pages(both, url)
    assert len(results) == both.seeded["documents"] > PAGE_SIZE


async def test_search_pages_are_ours_in_rank_order(both: Both) -> None:
    url = f"/api/v1/workspaces/{both.seeded['workspace_id']}/documents?q={seed.SEARCH_WORD}"
    results = await _same_pages(both, url)
    assert len(results) == both.seeded["search_matches"] > PAGE_SIZE


async def test_workspaces_and_jobs_lists_are_ours(both: Both) -> None:
    workspaces = await _same_pages(both, "/api/v1/workspaces")
    assert len(workspaces) == both.seeded["workspaces"]
    jobs = await _same_pages(both, "/api/v1/jobs")
    assert len(jobs) == both.seeded["jobs"] > PAGE_SIZE
    assert any(job["steps"] and job["error"] for job in jobs)
    assert any(job["result"] for job in jobs)


async def test_detail_is_ours_with_the_etag_and_not_modified(both: Both) -> None:
    url = f"/api/v1/workspaces/{both.seeded['workspace_id']}/documents/{both.seeded['document_id']}"
    ours, twin = await both.get(url)
    assert ours.status_code == twin.status_code == 200
    assert twin.json() == ours.json()
    assert twin.headers["ETag"] == ours["ETag"] == '"1"'
    ours, twin = await both.get(url, **{"If-None-Match": '"1"'})
    assert ours.status_code == twin.status_code == 304


async def test_create_answers_what_ours_does(both: Both) -> None:
    url = f"/api/v1/workspaces/{both.seeded['writes_workspace_id']}/documents"
    document = {"title": " Twin ", "body": "Two words", "tags": ["Load", "load"]}
    ours = await both.ours.post(
        url, document, content_type="application/json", headers=both.headers
    )
    twin = await both.twin.post(url, json=document, headers=both.headers)
    assert ours.status_code == twin.status_code == 201, (ours.content, twin.content)
    assert twin.headers["ETag"] == ours["ETag"] == '"1"'
    ours_body, twin_body = ours.json(), twin.json()
    assert set(twin_body) == set(ours_body)
    assert {k: v for k, v in twin_body.items() if k not in VOLATILE} == {
        k: v for k, v in ours_body.items() if k not in VOLATILE
    }
    assert twin_body["tags"] == ["load"]
    assert twin_body["word_count"] == 2


async def test_patch_checks_if_match_in_the_update_as_ours(both: Both) -> None:
    base = f"/api/v1/workspaces/{both.seeded['writes_workspace_id']}/documents/"
    ours_url, twin_url = (base + pk for pk in both.seeded["patch_documents"][:2])
    change = {"title": "Edited", "status": "published"}
    if_match = {**both.headers, "If-Match": '"1"'}

    async def patch_both() -> tuple[Any, httpx.Response]:
        ours = await both.ours.patch(
            ours_url, change, content_type="application/json", headers=if_match
        )
        twin = await both.twin.patch(twin_url, json=change, headers=if_match)
        return ours, twin

    ours, twin = await patch_both()
    assert ours.status_code == twin.status_code == 200, (ours.content, twin.content)
    assert twin.headers["ETag"] == ours["ETag"] == '"2"'
    assert {k: v for k, v in twin.json().items() if k not in VOLATILE} == {
        k: v for k, v in ours.json().items() if k not in VOLATILE
    }
    ours, twin = await patch_both()  # still "1": stale now
    assert ours.status_code == twin.status_code == 412


async def test_a_non_member_or_no_token_is_refused_by_both(both: Both) -> None:
    _, stranger_token = await sync_to_async(_user_with_token)()
    stranger_headers = auth_headers(stranger_token)
    await both.ours.get("/api/v1/auth/me", headers=stranger_headers)
    url = f"/api/v1/workspaces/{both.seeded['workspace_id']}/documents"
    ours = await both.ours.get(url, headers=stranger_headers)
    twin = await both.twin.get(url, headers=stranger_headers)
    assert ours.status_code == twin.status_code == 404
    ours = await both.ours.get(url)
    twin = await both.twin.get(url)
    assert ours.status_code == twin.status_code == 401
