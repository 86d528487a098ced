"""Create endpoints: Location on every 201 (and 202), Idempotency-Key, the API index."""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.db.models import Model
from django.test import AsyncClient

from apps.core import idempotency
from apps.core.embedded import free_port
from apps.core.redis import close_redis
from apps.documents.models import Document
from apps.exports.models import Export
from apps.webhooks.models import WebhookEndpoint
from apps.workspaces.models import Invitation, Workspace
from tests.domain_data import amake_workspace
from tests.factories import amake_user, auth_headers, login
from tests.live import PROJECT_ROOT

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Create:
    """One create endpoint: where to POST, a body, and the model it writes."""

    name: str
    path: Callable[[Workspace], str]
    body: Callable[[], dict[str, Any]]
    model: type[Model]


CREATES = [
    Create("workspace", lambda w: "/api/v1/workspaces", lambda: {"name": "Engines"}, Workspace),
    Create(
        "document",
        lambda w: f"/api/v1/workspaces/{w.pk}/documents",
        lambda: {"title": "Notes"},
        Document,
    ),
    Create(
        "invitation",
        lambda w: f"/api/v1/workspaces/{w.pk}/invitations",
        lambda: {"email": f"guest-{uuid.uuid4().hex[:8]}@example.com"},
        Invitation,
    ),
    Create(
        "webhook",
        lambda w: f"/api/v1/workspaces/{w.pk}/webhooks",
        lambda: {"url": "http://127.0.0.1:9/hook", "events": ["document.created"]},
        WebhookEndpoint,
    ),
    Create("export", lambda w: f"/api/v1/workspaces/{w.pk}/exports", dict, Export),
]
IDS = [create.name for create in CREATES]


@dataclass
class Caller:
    api: AsyncClient
    headers: dict[str, str]
    workspace: Workspace

    async def post(self, create: Create, body: Any = None, **headers: str) -> Any:
        return await self.api.post(
            create.path(self.workspace),
            create.body() if body is None else body,
            content_type="application/json",
            headers={**self.headers, **headers},
        )


@pytest.fixture
async def owner(api: AsyncClient) -> Caller:
    user = await amake_user(email_verified=True)  # inviting needs a verified address
    workspace = await amake_workspace(owner=user)
    return Caller(api, auth_headers(await login(api, user)), workspace)


async def _rows(create: Create) -> int:
    return await create.model.objects.acount()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("create", CREATES, ids=IDS)
async def test_a_create_answers_the_location_of_what_it_made(owner: Caller, create: Create) -> None:
    response = await owner.post(create)
    assert response.status_code in {201, 202}, response.content
    location = response["Location"]
    assert location.startswith("/api/v1/")
    assert location.endswith(str(response.json()["id"]))
    fetched = await owner.api.get(location, headers=owner.headers)
    assert fetched.status_code == 200
    assert fetched.json()["id"] == response.json()["id"]


@pytest.mark.parametrize("create", CREATES, ids=IDS)
async def test_a_retry_with_the_same_key_and_body_replays_the_first_response(
    owner: Caller, create: Create
) -> None:
    key, body = str(uuid.uuid4()), create.body()
    before = await _rows(create)
    first = await owner.post(create, body, **{"Idempotency-Key": key})
    again = await owner.post(create, body, **{"Idempotency-Key": key})
    assert first.status_code in {201, 202}, first.content
    assert "Idempotent-Replayed" not in first
    assert again.status_code == first.status_code
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert await _rows(create) == before + 1

    changed = await owner.post(create, {**body, "extra": 1}, **{"Idempotency-Key": key})
    assert changed.status_code == 422
    assert changed.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert await _rows(create) == before + 1


async def test_concurrent_duplicates_do_not_both_run(owner: Caller) -> None:
    create, key = CREATES[1], str(uuid.uuid4())
    body = create.body()
    responses = await asyncio.gather(
        *(owner.post(create, body, **{"Idempotency-Key": key}) for _ in range(8))
    )
    statuses = sorted(response.status_code for response in responses)
    assert await Document.objects.acount() == 1, statuses
    assert set(statuses) <= {201, 409}, statuses
    ran = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(ran) == 1
    for response in responses:
        if response.status_code == 409:
            assert response.json()["errors"][0]["code"] == "idempotency_key_in_progress"
    # Once the first has finished, a retry is a replay.
    later = await owner.post(create, body, **{"Idempotency-Key": key})
    assert later["Idempotent-Replayed"] == "true"
    assert later.json() == ran[0].json()


async def test_without_a_key_each_request_creates(owner: Caller) -> None:
    create = CREATES[1]
    for _ in range(2):
        assert (await owner.post(create, {"title": "Same"})).status_code == 201
    assert await Document.objects.acount() == 2


async def test_a_failed_first_request_keeps_nothing(owner: Caller) -> None:
    create, key = CREATES[1], str(uuid.uuid4())
    invalid = await owner.post(create, {"title": ""}, **{"Idempotency-Key": key})
    assert invalid.status_code == 400
    fixed = await owner.post(create, {"title": "Fixed"}, **{"Idempotency-Key": key})
    assert fixed.status_code == 201
    assert "Idempotent-Replayed" not in fixed


async def test_keys_are_per_caller(owner: Caller) -> None:
    other_user = await amake_user()
    other = Caller(owner.api, auth_headers(await login(owner.api, other_user)), owner.workspace)
    create, key = CREATES[0], str(uuid.uuid4())
    mine = await owner.post(create, {"name": "A"}, **{"Idempotency-Key": key})
    theirs = await other.post(create, {"name": "A"}, **{"Idempotency-Key": key})
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "tab\there"])
async def test_a_malformed_key_is_400(owner: Caller, key: str) -> None:
    response = await owner.post(CREATES[0], **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_idempotency_key"


async def test_without_redis_a_keyed_create_is_refused_not_run_twice(owner: Caller) -> None:
    create = CREATES[1]
    await close_redis()
    original = settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    try:
        keyed = await owner.post(create, **{"Idempotency-Key": str(uuid.uuid4())})
    finally:
        settings.REDIS_URL = original
        await close_redis()
    assert keyed.status_code == 503
    assert keyed.json()["errors"][0]["code"] == "idempotency_unavailable"
    assert await Document.objects.acount() == 0


async def test_the_api_root_is_an_index(api: AsyncClient) -> None:
    response = await api.get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == settings.SPECTACULAR_SETTINGS["TITLE"]
    assert body["version"] == settings.SPECTACULAR_SETTINGS["VERSION"]
    for link in body["links"].values():
        assert (await api.get(link)).status_code == 200, link


def test_every_created_response_in_the_schema_documents_its_location() -> None:
    schema = yaml.safe_load((PROJECT_ROOT / "schema.yaml").read_text())
    created = [
        (path, method)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if "201" in operation.get("responses", {})
    ]
    assert len(created) >= 4
    for path, method in created:
        headers = schema["paths"][path][method]["responses"]["201"].get("headers", {})
        assert "Location" in headers, (method, path)


def test_the_replay_header_name_is_exposed_to_browsers() -> None:
    assert idempotency.REPLAYED_HEADER.lower() in settings.CORS_EXPOSE_HEADERS
