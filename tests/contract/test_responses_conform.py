"""Real responses conform to the committed schema: regressions for what schemathesis found."""

import json

import pytest
from django.http import HttpResponse
from django.test import AsyncClient

from tests.contract.conformance import assert_conforms
from tests.factories import amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = "/api/v1/auth/sessions"


async def test_the_sessions_list_is_the_documented_paginated_envelope(api: AsyncClient) -> None:
    # The schema said a bare array while the view answered {next, previous, results}.
    ada = await amake_user()
    token = await login(api, ada, client_name="web")
    await login(api, ada, client_name="phone")
    for url in (SESSIONS, f"{SESSIONS}?page_size=1"):
        response = await api.get(url, headers=auth_headers(token))
        assert response.status_code == 200
        assert set(response.json()) == {"next", "previous", "results"}
        assert_conforms("GET", SESSIONS, url, response)


async def test_the_sessions_list_documents_its_cursor_errors(api: AsyncClient) -> None:
    token = await login(api, await amake_user())
    url = f"{SESSIONS}?cursor=not-a-cursor"
    response = await api.get(url, headers=auth_headers(token))
    # A cursor that does not decode is the client's mistake: 400, in the documented shape.
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_cursor"
    assert_conforms("GET", SESSIONS, url, response)


def test_a_body_the_schema_does_not_document_is_refused() -> None:
    bare_list = HttpResponse(json.dumps([]), content_type="application/json")
    with pytest.raises(AssertionError, match="Response violates schema"):
        assert_conforms("GET", SESSIONS, SESSIONS, bare_list)
