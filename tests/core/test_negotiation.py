"""The fast content negotiation answers what DRF's would, and defers to it otherwise."""

import pytest
from django.test import AsyncClient

pytestmark = [pytest.mark.urls("tests.core.urls")]

PATH = "/api/v1/test/echo"
BODY = {"name": "ada", "count": 1}


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/*"])
async def test_json_is_served_for_what_api_clients_accept(
    api: AsyncClient, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = await api.post(PATH, BODY, content_type="application/json", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == BODY


async def test_an_unservable_accept_header_is_refused_in_the_standard_shape(
    api: AsyncClient,
) -> None:
    response = await api.post(
        PATH, BODY, content_type="application/json", headers={"Accept": "text/html"}
    )
    assert response.status_code == 406
    assert response.json()["errors"][0]["code"] == "not_acceptable"


async def test_an_unknown_format_override_is_refused(api: AsyncClient) -> None:
    response = await api.post(f"{PATH}?format=xml", BODY, content_type="application/json")
    assert response.status_code == 404
