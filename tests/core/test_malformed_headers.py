"""No header value, however malformed, gets a 500 or a non-JSON error.

Property-based (hypothesis): every header a parser of ours reads
(Authorization, the session cookie, If-Match / If-None-Match, Accept,
X-Forwarded-For, X-Request-ID, Origin, Content-Type, Host), with any byte a
server passes on, against the endpoints that read them.
"""

import contextlib
from typing import Any

import pytest
from django.test import AsyncClient, override_settings
from hypothesis import example, given, settings

from apps.accounts.authentication import token_from_header
from apps.core.middleware import request_id_from
from apps.documents.etags import none_match, versions_from_if_match
from apps.documents.models import Document
from tests.factories import amake_quick_user
from tests.robustness import PROPERTY, assert_client_error_shape, header_like
from tests.workspaces.factories import amake_document, amake_workspace

HEADERS = [
    "Authorization",
    "Cookie",
    "If-Match",
    "If-None-Match",
    "Accept",
    "X-Forwarded-For",
    "X-Request-ID",
    "Origin",
    "Content-Type",
    "Accept-Language",
    "Host",
]


@PROPERTY
@given(header=header_like)
def test_the_authorization_parser_raises_nothing_but_authentication_failed(header: str) -> None:
    from rest_framework.exceptions import AuthenticationFailed

    with contextlib.suppress(AuthenticationFailed):
        token_from_header(header)


@PROPERTY
@given(header=header_like)
def test_the_etag_parsers_are_total(header: str) -> None:
    versions = versions_from_if_match(header)
    assert versions is None or all(isinstance(version, int) for version in versions)
    none_match(header, Document(version=3))


@PROPERTY
@given(header=header_like)
def test_a_request_id_is_either_kept_or_replaced(header: str) -> None:
    request_id = request_id_from(header)
    assert request_id == header or len(request_id) == 32


@pytest.fixture
async def document_url() -> tuple[str, dict[str, str]]:
    owner, headers = await amake_quick_user()
    workspace = await amake_workspace(owner=owner)
    document = await amake_document(workspace=workspace, author=owner, title="A")
    return f"/api/v1/workspaces/{workspace.pk}/documents/{document.pk}", headers


@pytest.mark.django_db(transaction=True)
@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("name", HEADERS)
@settings(PROPERTY, max_examples=25)
@given(value=header_like)
@example(value="\xa0")  # blank to HTTP, not to str.split()
@example(value="Bearer \x85aa_" + "0" * 64)
@example(value=' , W/"1", *')
async def test_no_header_value_gets_a_500(
    api: AsyncClient, document_url: tuple[str, dict[str, str]], name: str, value: str
) -> None:
    url, auth = document_url
    headers: dict[str, Any] = {**auth, name: value}
    read = await api.get(url, headers=headers)
    assert_client_error_shape(read, f"GET {name}: {value!r}")
    write = await api.patch(
        url, b'{"title": "B"}', content_type="application/json", headers=headers
    )
    assert_client_error_shape(write, f"PATCH {name}: {value!r}")
    anonymous = await api.get("/api/v1/auth/me", headers={name: value})
    assert_client_error_shape(anonymous, f"me {name}: {value!r}")
