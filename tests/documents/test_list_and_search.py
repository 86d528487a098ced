"""Document lists: cursor pages in a stable order, filters, ranked full-text search,
and a number of queries that does not grow with the page."""

import base64
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import AsyncClient
from django.utils import timezone

from apps.core.pagination import INVALID_CURSOR
from apps.documents.models import Document
from apps.workspaces.models import Role
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_document, amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def documents_url(workspace_id: object) -> str:
    return f"/api/v1/workspaces/{workspace_id}/documents"


async def _all_pages(api: AsyncClient, url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = await api.get(next_url, headers=headers)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        next_url = response.json()["next"]
    return results


async def test_pages_walk_every_document_once_newest_first(api: AsyncClient) -> None:
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    other = await amake_workspace(owner=ada, name="Other")
    created = [await amake_document(workspace=workspace, author=ada) for _ in range(7)]
    # Identical creation times must still page deterministically (ties broken by id).
    same_time = timezone.now()
    await Document.objects.filter(pk__in=[d.pk for d in created[:4]]).aupdate(created_at=same_time)
    await amake_document(workspace=other, author=ada)
    headers = auth_headers(await login(api, ada))

    results = await _all_pages(api, f"{documents_url(workspace.pk)}?page_size=3", headers)
    ids = [item["id"] for item in results]
    assert sorted(ids) == sorted(str(d.pk) for d in created)
    expected = [
        str(d.pk)
        async for d in Document.objects.filter(workspace=workspace).order_by("-created_at", "-id")
    ]
    assert ids == expected
    assert "body" not in results[0]


async def test_filters_by_status_tag_author_and_update_time(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER})
    draft = await amake_document(workspace=workspace, author=ada, tags=["red"])
    published = await amake_document(
        workspace=workspace, author=bob, status="published", tags=["red", "blue"]
    )
    old = await amake_document(workspace=workspace, author=bob, tags=["blue"])
    await Document.objects.filter(pk=old.pk).aupdate(updated_at=timezone.now() - timedelta(days=10))
    headers = auth_headers(await login(api, ada))
    since = quote((timezone.now() - timedelta(days=1)).isoformat())

    async def ids(query: str) -> set[str]:
        return {
            item["id"]
            for item in await _all_pages(api, f"{documents_url(workspace.pk)}?{query}", headers)
        }

    assert await ids("status=published") == {str(published.pk)}
    assert await ids("tag=RED") == {str(draft.pk), str(published.pk)}
    assert await ids(f"author={bob.pk}") == {str(published.pk), str(old.pk)}
    assert await ids(f"updated_since={since}") == {str(draft.pk), str(published.pk)}
    assert await ids(f"tag=blue&author={bob.pk}&updated_since={since}") == {str(published.pk)}


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ("status=gone", "status"),
        ("author=abc", "author"),
        ("author=0", "author"),
        ("updated_since=yesterday", "updated_since"),
        ("q=" + "x" * 201, "q"),
        ("page_size=abc", None),
    ],
)
async def test_bad_filters_answer_400_not_500(
    api: AsyncClient, query: str, attr: str | None
) -> None:
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    response = await api.get(
        f"{documents_url(workspace.pk)}?{query}", headers=auth_headers(await login(api, ada))
    )
    if attr is None:  # DRF ignores an unusable page size and uses the default
        assert response.status_code == 200
        return
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr


def _cursor(**tokens: str) -> str:
    return quote(base64.b64encode(urlencode(tokens).encode()).decode())


TAMPERED_CURSORS = {
    "not base64": "garbage!",
    "not ascii": quote("é"),
    "negative offset": _cursor(o="-1"),
    "offset not a number": _cursor(o="x"),
    "reverse not a flag": _cursor(r="x"),
    "position not a time or rank": _cursor(p="not-a-position"),
    "position without time zone": _cursor(p="2026-01-01 09:00:00"),
    "position out of range": _cursor(p="9" * 30),
    "position an empty string": _cursor(p=""),
}


@pytest.mark.parametrize("q", ["", "engine"])
async def test_a_tampered_cursor_answers_400_never_500(api: AsyncClient, q: str) -> None:
    """With ``q`` the position is a rank (an integer), without it a time: each
    parsed against its own field before it reaches the query."""
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    await amake_document(workspace=workspace, author=ada, title="engine")
    headers = auth_headers(await login(api, ada))
    for name, cursor in TAMPERED_CURSORS.items():
        response = await api.get(
            f"{documents_url(workspace.pk)}?q={q}&cursor={cursor}", headers=headers
        )
        assert response.status_code == 400, (name, response.content)
        body = response.json()
        assert body["type"] == "validation_error", name
        assert body["errors"] == [
            {"code": "invalid_cursor", "detail": INVALID_CURSOR, "attr": "cursor"}
        ], name
    # A well-formed position of the right type pages normally, the wrong type does not.
    time, rank = _cursor(p="2026-01-01T09:00:00+02:00"), _cursor(p="5")
    right, wrong = (rank, time) if q else (time, rank)
    url = f"{documents_url(workspace.pk)}?q={q}&cursor="
    assert (await api.get(url + right, headers=headers)).status_code == 200
    assert (await api.get(url + wrong, headers=headers)).status_code == 400


async def test_search_ranks_title_matches_above_body_matches(api: AsyncClient) -> None:
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    in_body = await amake_document(
        workspace=workspace, author=ada, title="Notes", body="The engine computes numbers."
    )
    in_title = await amake_document(
        workspace=workspace, author=ada, title="Engines of the future", body="Speculation."
    )
    await amake_document(workspace=workspace, author=ada, title="Unrelated", body="Poetry.")
    both = await amake_document(
        workspace=workspace, author=ada, title="Engine", body="An engine, engines everywhere."
    )
    headers = auth_headers(await login(api, ada))

    results = await _all_pages(api, f"{documents_url(workspace.pk)}?q=engine", headers)
    assert [item["id"] for item in results] == [str(both.pk), str(in_title.pk), str(in_body.pk)]

    phrase = await _all_pages(
        api, f"{documents_url(workspace.pk)}?q={quote(chr(34) + 'computes numbers' + chr(34))}",
        headers,
    )  # fmt: skip
    assert [item["id"] for item in phrase] == [str(in_body.pk)]
    excluded = await _all_pages(
        api, f"{documents_url(workspace.pk)}?q={quote('engine -future')}", headers
    )
    assert str(in_title.pk) not in {item["id"] for item in excluded}
    # Stop words only, or nothing but punctuation: no match, no error.
    for query in ("the", quote("!!&|")):
        response = await api.get(f"{documents_url(workspace.pk)}?q={query}", headers=headers)
        assert response.status_code == 200
        assert response.json()["results"] == []


async def test_search_results_page_by_relevance_without_gaps(api: AsyncClient) -> None:
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    for number in range(9):
        await amake_document(
            workspace=workspace, author=ada, title=f"Report {number}",
            body="budget " * (number % 3 + 1),
        )  # fmt: skip
    headers = auth_headers(await login(api, ada))
    paged = await _all_pages(api, f"{documents_url(workspace.pk)}?q=budget&page_size=2", headers)
    whole = await _all_pages(api, f"{documents_url(workspace.pk)}?q=budget&page_size=50", headers)
    assert len(whole) == 9
    assert [item["id"] for item in paged] == [item["id"] for item in whole]
    counts = [item["word_count"] for item in whole]
    assert counts == sorted(counts, reverse=True)  # more mentions rank higher


async def test_list_queries_do_not_grow_with_the_page(
    api: AsyncClient, orm_queries: list[str]
) -> None:
    ada, bob = await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER})
    headers = auth_headers(await login(api, ada))
    url = f"{documents_url(workspace.pk)}?q=word&tag=t&page_size=100"
    await api.get(url, headers=headers)  # warm the token cache

    async def count_for(documents: int) -> int:
        while await Document.objects.acount() < documents:
            await amake_document(
                workspace=workspace, author=bob, title="word", tags=["t"], body="word word"
            )
        orm_queries.clear()
        response = await api.get(url, headers=headers)
        assert response.status_code == 200
        assert len(response.json()["results"]) == documents
        return len(orm_queries)

    few, many = await count_for(2), await count_for(40)
    assert few == many
    assert many <= 2, orm_queries  # the membership, then the page


async def test_search_ranks_only_the_newest_matches_of_its_window(api: AsyncClient) -> None:
    """Search cost is bounded by the window, not the matches: past it, older
    matches are not ranked (docs/api.md, "Search"); below it nothing changes."""
    from apps.core.aquery import afetch
    from apps.documents.selectors import RELEVANCE_ORDERING, document_list_for

    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    oldest_best = await amake_document(workspace=workspace, author=ada, title="budget budget")
    newer = [
        await amake_document(workspace=workspace, author=ada, title=f"Note {n}", body="budget")
        for n in range(4)
    ]
    await amake_document(workspace=workspace, author=ada, title="Unrelated")

    async def ranked(window: int | None) -> list[Any]:
        found = await afetch(
            document_list_for(workspace_id=workspace.pk, q="budget", search_window=window)
            .order_by(*RELEVANCE_ORDERING)
        )  # fmt: skip
        return [document.pk for document in found]

    everything = await ranked(None)
    assert everything[0] == oldest_best.pk  # the title match ranks first
    assert len(everything) == 5
    assert await ranked(10) == everything  # fewer matches than the window: unchanged
    windowed = await ranked(3)
    assert set(windowed) == {document.pk for document in newer[-3:]}
