"""No request body, however malformed, gets a 500 or a non-JSON error.

Property-based (hypothesis) over the JSON parser (any bytes, any JSON value,
nesting far past the interpreter's recursion limit) and over every text
field of every write, with any code point (lone surrogates and NUL, which
JSON can carry and PostgreSQL refuses), at and past each field's limit.
"""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import AsyncClient, override_settings
from hypothesis import example, given, settings
from hypothesis import strategies as st

from apps.core.parsers import MAX_JSON_DEPTH, depth_exceeds
from tests.factories import amake_quick_user
from tests.robustness import (
    PROPERTY,
    any_text,
    assert_client_error_shape,
    json_values,
    nested,
)
from tests.webhooks.isolation_ids import endpoint
from tests.workspaces.factories import amake_document, amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every example is a request: no throttle may turn a replayed example into a 429.
UNTHROTTLED = dict.fromkeys(django_settings.THROTTLE_RATES, "1000000/h")


@dataclass
class Write:
    """One write: method, URL template, a valid body, its text fields."""

    method: str
    url: str
    body: dict[str, Any]
    text_fields: tuple[str, ...]


WRITES = [
    Write("post", "/api/v1/auth/signup", {"email": "x@example.com", "password": "long pass phrase"},
          ("email", "password")),
    Write("post", "/api/v1/auth/login", {"email": "x@example.com", "password": "p"},
          ("email", "password", "client_name")),
    Write("patch", "/api/v1/auth/me", {"full_name": "Ada"}, ("full_name",)),
    Write("post", "/api/v1/auth/password/change",
          {"current_password": "p", "new_password": "long pass phrase"},
          ("current_password", "new_password")),
    Write("post", "/api/v1/auth/password/reset", {"email": "x@example.com"}, ("email",)),
    Write("post", "/api/v1/auth/password/reset/confirm",
          {"uid": "MQ", "token": "t", "new_password": "long pass phrase"},
          ("uid", "token", "new_password")),
    Write("post", "/api/v1/auth/email/verify", {"uid": "MQ", "token": "t"}, ("uid", "token")),
    Write("post", "/api/v1/workspaces", {"name": "W"}, ("name",)),
    Write("patch", "/api/v1/workspaces/{workspace}", {"name": "W"}, ("name",)),
    Write("post", "/api/v1/workspaces/{workspace}/invitations", {"email": "x@example.com"},
          ("email", "role")),
    Write("post", "/api/v1/invitations/accept", {"token": "t"}, ("token",)),
    Write("post", "/api/v1/workspaces/{workspace}/documents", {"title": "T", "body": "B"},
          ("title", "body", "status")),
    Write("patch", "/api/v1/workspaces/{workspace}/documents/{document}", {"title": "T"},
          ("title", "body", "status")),
    Write("put", "/api/v1/workspaces/{workspace}/documents/{document}",
          {"title": "T", "body": "B", "status": "draft", "tags": []}, ("title", "body")),
    Write("patch", "/api/v1/workspaces/{workspace}/webhooks/{endpoint}", {"description": "D"},
          ("description",)),
]  # fmt: skip


@pytest.fixture
async def world() -> dict[str, Any]:
    """A verified owner's token, a workspace, a document and a webhook endpoint."""
    owner, headers = await amake_quick_user(email_verified=True)
    workspace = await amake_workspace(owner=owner)
    document = await amake_document(workspace=workspace, author=owner, title="A")
    hook = await endpoint(workspace, owner, {})
    return {
        "headers": headers,
        "ids": {"workspace": workspace.pk, "document": document.pk, "endpoint": hook},
    }


async def send(api: AsyncClient, world: dict[str, Any], write: Write, raw: bytes) -> Any:
    url = write.url.format(**world["ids"])
    return await getattr(api, write.method)(
        url, raw, content_type="application/json", headers=world["headers"]
    )


def test_the_depth_check_needs_no_recursion() -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    assert depth_exceeds(deep, MAX_JSON_DEPTH)
    assert not depth_exceeds({"a": [1, {"b": [2]}]}, MAX_JSON_DEPTH)


@override_settings(PASSWORD_HASHERS=FAST_HASHER, THROTTLE_RATES=UNTHROTTLED)
@pytest.mark.parametrize("write", WRITES, ids=lambda write: f"{write.method} {write.url}")
@settings(PROPERTY, max_examples=20)
@given(raw=st.one_of(st.binary(max_size=200), json_values().map(lambda v: json.dumps(v).encode())))
@example(raw=nested(100_000))  # past Python's recursion limit: was a 500
@example(raw=nested(MAX_JSON_DEPTH + 1, opener='{"a":', closer="}"))
@example(raw=b'{"title": NaN, "body": Infinity}')
@example(raw=b'{"title": 1' + b"0" * 5000 + b"}")
@example(raw=b"\xef\xbb\xbf{}")
async def test_no_body_gets_a_500(
    api: AsyncClient, world: dict[str, Any], write: Write, raw: bytes
) -> None:
    response = await send(api, world, write, raw)
    assert_client_error_shape(response, f"{write.method} {write.url} {raw[:80]!r}")


@override_settings(PASSWORD_HASHERS=FAST_HASHER, THROTTLE_RATES=UNTHROTTLED)
@pytest.mark.parametrize("write", WRITES, ids=lambda write: f"{write.method} {write.url}")
@settings(PROPERTY, max_examples=20)
@given(data=st.data(), text=any_text)
async def test_no_text_in_any_field_gets_a_500(
    api: AsyncClient, world: dict[str, Any], write: Write, data: st.DataObject, text: str
) -> None:
    field = data.draw(st.sampled_from(write.text_fields))
    body = {**write.body, field: text}
    raw = json.dumps(body).encode()  # lone surrogates travel as \ud800 escapes
    response = await send(api, world, write, raw)
    assert_client_error_shape(response, f"{write.method} {write.url} {field}={text[:40]!r}")


async def test_a_body_too_big_for_the_search_index_is_a_400(
    api: AsyncClient, world: dict[str, Any]
) -> None:
    # ~700 KB of distinct words: under the body limit, over a tsvector's 1 MB.
    words = " ".join(f"w{number}x{number * 7919}" for number in range(60_000))
    body = {"title": "Big", "body": words}
    url = "/api/v1/workspaces/{workspace}/documents".format(**world["ids"])
    created = await api.post(url, body, content_type="application/json", headers=world["headers"])
    assert created.status_code == 400, created.content[:300]
    [error] = created.json()["errors"]
    assert (error["attr"], error["code"]) == ("body", "too_long_to_index")
    document = "/api/v1/workspaces/{workspace}/documents/{document}".format(**world["ids"])
    patched = await api.patch(
        document, {"body": words}, content_type="application/json", headers=world["headers"]
    )
    assert patched.status_code == 400
    assert patched.json()["errors"][0]["code"] == "too_long_to_index"
