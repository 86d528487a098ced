"""Documents: create, read, write with ETags and If-Match, delete; events in the transaction."""

import asyncio
from typing import Any

import pytest
from django.test import AsyncClient

from apps.documents.models import Document
from apps.workspaces.models import Role
from tests.factories import amake_user, auth_headers, login
from tests.workspaces.factories import amake_document, amake_workspace, recorded_events

pytestmark = pytest.mark.django_db(transaction=True)


def documents_url(workspace_id: object, document_id: object | None = None) -> str:
    url = f"/api/v1/workspaces/{workspace_id}/documents"
    return url if document_id is None else f"{url}/{document_id}"


async def _setup(api: AsyncClient) -> tuple[Any, Any, dict[str, str]]:
    ada = await amake_user()
    workspace = await amake_workspace(owner=ada)
    return ada, workspace, auth_headers(await login(api, ada))


async def test_create_returns_the_document_with_its_etag_and_generated_columns(
    api: AsyncClient,
) -> None:
    ada, workspace, headers = await _setup(api)
    with recorded_events() as events:
        response = await api.post(
            documents_url(workspace.pk),
            {
                "title": "Engine notes", "body": "  The engine\nweaves patterns ",
                "tags": ["Engines", " notes", "engines"], "status": "published",
                # Read-only columns are ignored, never written.
                "version": 99, "word_count": 1000, "search_vector": "x", "author_id": 7,
            },
            content_type="application/json", headers=headers,
        )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["version"] == 1
    assert body["word_count"] == 4
    assert body["author_id"] == ada.pk
    assert body["tags"] == ["engines", "notes"]
    assert body["status"] == "published"
    assert "search_vector" not in body
    stored = await Document.objects.aget(pk=body["id"])
    assert (stored.version, stored.word_count, stored.author_id) == (1, 4, ada.pk)
    assert [(e.event, e.in_transaction) for e in events] == [("document.created", True)]
    assert events[0].payload == {
        "id": body["id"], "workspace_id": str(workspace.pk), "title": "Engine notes",
        "status": "published", "tags": ["engines", "notes"], "version": 1,
        "author_id": ada.pk, "updated_at": events[0].payload["updated_at"],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "status": "deleted"}, "status"),
        ({"title": "ok", "tags": "one"}, "tags"),
        ({"title": "ok", "tags": [f"t{n}" for n in range(21)]}, "tags"),
        ({"title": "ok", "tags": [" "]}, "tags.0"),
        ({"title": "nul\x00byte"}, "title"),
    ],
)
async def test_create_validates_input(api: AsyncClient, payload: dict[str, Any], attr: str) -> None:
    _, workspace, headers = await _setup(api)
    response = await api.post(
        documents_url(workspace.pk), payload, content_type="application/json", headers=headers
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr
    assert not await Document.objects.aexists()


async def test_retrieve_carries_the_version_as_etag(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada, body="one two three")
    response = await api.get(documents_url(workspace.pk, document.pk), headers=headers)
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["body"] == "one two three"
    assert response.json()["word_count"] == 3
    missing = await api.get(documents_url(workspace.pk, Document().id), headers=headers)
    assert missing.status_code == 404


async def test_patch_with_the_current_etag_bumps_the_version(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada, title="Old", body="a b")
    with recorded_events() as events:
        response = await api.patch(
            documents_url(workspace.pk, document.pk), {"title": "New"},
            content_type="application/json", headers={**headers, "If-Match": '"1"'},
        )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["title"] == "New"
    assert response.json()["body"] == "a b"
    stored = await Document.objects.aget(pk=document.pk)
    assert (stored.title, stored.version) == ("New", 2)
    assert [(e.event, e.payload["version"], e.in_transaction) for e in events] == [
        ("document.updated", 2, True)
    ]


@pytest.mark.parametrize("if_match", ['"1"', 'W/"2"', "2", '"x"', '"1", "3"'])
async def test_a_stale_or_unusable_if_match_answers_412_and_changes_nothing(
    api: AsyncClient, if_match: str
) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada, title="Current")
    await Document.objects.filter(pk=document.pk).aupdate(version=2)
    with recorded_events() as events:
        response = await api.patch(
            documents_url(workspace.pk, document.pk), {"title": "Overwrite"},
            content_type="application/json", headers={**headers, "If-Match": if_match},
        )  # fmt: skip
    assert response.status_code == 412, response.content
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "precondition_failed"
    stored = await Document.objects.aget(pk=document.pk)
    assert (stored.title, stored.version) == ("Current", 2)
    assert events == []


async def test_if_match_star_and_a_list_naming_the_current_version_match(
    api: AsyncClient,
) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada)
    url = documents_url(workspace.pk, document.pk)
    for if_match, version in (("*", 2), ('"1", "2"', 3)):
        response = await api.patch(
            url, {"status": "archived"}, content_type="application/json",
            headers={**headers, "If-Match": if_match},
        )  # fmt: skip
        assert response.status_code == 200, (if_match, response.content)
        assert response.json()["version"] == version


async def test_put_replaces_every_field_and_requires_them(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada, tags=["a"], body="x")
    url = documents_url(workspace.pk, document.pk)
    partial = await api.put(url, {"title": "T"}, content_type="application/json", headers=headers)
    assert partial.status_code == 400
    assert {error["attr"] for error in partial.json()["errors"]} == {"body", "status", "tags"}
    replaced = await api.put(
        url, {"title": "T", "body": "", "status": "archived", "tags": []},
        content_type="application/json", headers={**headers, "If-Match": '"1"'},
    )  # fmt: skip
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["tags"] == []
    assert replaced.json()["word_count"] == 0
    assert replaced.json()["version"] == 2


async def test_concurrent_updates_with_the_same_etag_never_both_win(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    bob = await amake_user()
    from apps.workspaces.models import Membership

    await Membership.objects.acreate(workspace=workspace, user=bob, role=Role.MEMBER)
    bob_headers = auth_headers(await login(api, bob))
    document = await amake_document(workspace=workspace, author=ada, title="Base")
    url = documents_url(workspace.pk, document.pk)
    responses = await asyncio.gather(
        AsyncClient().patch(
            url, {"title": "Ada's"}, content_type="application/json",
            headers={**headers, "If-Match": '"1"'},
        ),
        AsyncClient().patch(
            url, {"title": "Bob's"}, content_type="application/json",
            headers={**bob_headers, "If-Match": '"1"'},
        ),
    )  # fmt: skip
    assert sorted(response.status_code for response in responses) == [200, 412]
    winner = next(response for response in responses if response.status_code == 200)
    stored = await Document.objects.aget(pk=document.pk)
    assert stored.version == 2
    assert stored.title == winner.json()["title"]


async def test_only_the_author_or_an_admin_deletes(api: AsyncClient) -> None:
    ada, bob, cy = await amake_user(), await amake_user(), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER, cy: Role.ADMIN})
    bobs = await amake_document(workspace=workspace, author=bob)
    another = await amake_document(workspace=workspace, author=bob)
    bob_headers = auth_headers(await login(api, bob))
    cy_headers = auth_headers(await login(api, cy))
    adas = await amake_document(workspace=workspace, author=ada)

    denied = await api.delete(documents_url(workspace.pk, adas.pk), headers=bob_headers)
    assert denied.status_code == 403
    stale = await api.delete(
        documents_url(workspace.pk, bobs.pk), headers={**bob_headers, "If-Match": '"7"'}
    )
    assert stale.status_code == 412
    with recorded_events() as events:
        own = await api.delete(
            documents_url(workspace.pk, bobs.pk), headers={**bob_headers, "If-Match": '"1"'}
        )
        by_admin = await api.delete(documents_url(workspace.pk, another.pk), headers=cy_headers)
    assert (own.status_code, by_admin.status_code) == (204, 204)
    assert [(e.event, e.payload, e.in_transaction) for e in events] == [
        ("document.deleted", {"id": str(bobs.pk), "workspace_id": str(workspace.pk)}, True),
        ("document.deleted", {"id": str(another.pk), "workspace_id": str(workspace.pk)}, True),
    ]
    assert [d.pk async for d in Document.objects.all()] == [adas.pk]
    gone = await api.get(documents_url(workspace.pk, bobs.pk), headers=bob_headers)
    assert gone.status_code == 404


async def test_a_document_of_another_workspace_is_not_found(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    other = await amake_workspace(owner=ada, name="Other")
    document = await amake_document(workspace=other, author=ada)
    # Member of both, but the document lives in the other one.
    for method in ("get", "patch", "delete"):
        response = await getattr(api, method)(
            documents_url(workspace.pk, document.pk), {"title": "x"} if method == "patch" else None,
            content_type="application/json", headers=headers,
        )  # fmt: skip
        assert response.status_code == 404, method


async def test_if_none_match_with_the_current_etag_answers_304(api: AsyncClient) -> None:
    ada, workspace, headers = await _setup(api)
    document = await amake_document(workspace=workspace, author=ada)
    url = documents_url(workspace.pk, document.pk)
    unchanged = await api.get(url, headers={**headers, "If-None-Match": '"1"'})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == '"1"'
    await Document.objects.filter(pk=document.pk).aupdate(version=2)
    changed = await api.get(url, headers={**headers, "If-None-Match": '"1"'})
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'
