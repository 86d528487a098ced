"""CORS: configured frontend origins get what a browser needs; every other origin gets nothing."""

import json

import pytest
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from tests.core.test_settings import run_python

FRONTEND = "https://app.example.com"
STRANGER = "https://evil.example.net"


@pytest.fixture(autouse=True)
def _frontend_allowed(settings: Settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


async def _preflight(api: AsyncClient, origin: str, method: str, headers: str) -> dict[str, str]:
    response = await api.options(
        "/api/v1/auth/me",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )
    assert response.status_code == 200
    return {name.lower(): value for name, value in response.items()}


async def test_a_preflight_allows_conditional_idempotent_and_csrf_headers(
    api: AsyncClient,
) -> None:
    headers = await _preflight(
        api, FRONTEND, "PATCH", "if-match,idempotency-key,x-csrftoken,content-type"
    )
    assert headers["access-control-allow-origin"] == FRONTEND
    assert headers["access-control-allow-credentials"] == "true"
    allowed = {h.strip() for h in headers["access-control-allow-headers"].split(",")}
    assert {"if-match", "if-none-match", "idempotency-key", "x-csrftoken"} <= allowed
    assert {"authorization", "content-type", "x-request-id"} <= allowed
    assert "PATCH" in headers["access-control-allow-methods"]
    # Cached by the browser, so a PATCH costs one round trip after the first.
    assert headers["access-control-max-age"] == "7200"


async def test_responses_expose_etag_request_id_retry_after_and_location(
    api: AsyncClient,
) -> None:
    response = await api.get("/api/v1/auth/me", headers={"Origin": FRONTEND})
    assert response.status_code == 401  # errors carry the CORS headers too
    assert response["Access-Control-Allow-Origin"] == FRONTEND
    assert response["Access-Control-Allow-Credentials"] == "true"
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "x-request-id", "retry-after", "location"} <= exposed
    assert "origin" in response["Vary"].lower()


async def test_another_origin_gets_no_cors_header_at_all(api: AsyncClient) -> None:
    headers = await _preflight(api, STRANGER, "POST", "content-type,x-csrftoken")
    assert not [name for name in headers if name.startswith("access-control-")]
    response = await api.get("/api/v1/auth/me", headers={"Origin": STRANGER})
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]


async def test_only_the_api_answers_cors(api: AsyncClient) -> None:
    response = await api.get("/healthz", headers={"Origin": FRONTEND})
    assert "Access-Control-Allow-Origin" not in response


PROBE = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CORS_ALLOWED_ORIGINS))"
)


@pytest.mark.workers  # starts processes
def test_development_allows_the_frontend_url_origin() -> None:
    result = run_python(PROBE, DEBUG="true", FRONTEND_URL="http://localhost:5173/app/")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["http://localhost:5173"]


@pytest.mark.workers  # starts processes
def test_production_allows_only_the_configured_origins() -> None:
    result = run_python(
        PROBE, DEBUG="false", CORS_ALLOWED_ORIGINS=FRONTEND, FRONTEND_URL="https://other.example"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [FRONTEND]
