"""Content Security Policy: strict on the API, nonce-based on the HTML pages, nothing external."""

import json
import re

import pytest
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from tests.core.test_settings import run_python

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
PAGES = ["/api/v1/schema/swagger/", "/api/v1/schema/redoc/", "/admin/login/"]
NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'")


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/auth/me", "/api/v1/no-such-route"])
async def test_api_responses_carry_the_strict_policy(api: AsyncClient, path: str) -> None:
    response = await api.get(path)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Security-Policy"] == API_POLICY
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
async def test_pages_allow_inline_code_only_with_their_nonce(api: AsyncClient, path: str) -> None:
    response = await api.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    match = NONCE.search(policy)
    assert match is not None, policy
    page = response.content.decode()
    # Every inline <script> and <style> carries this response's nonce.
    for tag, attributes in re.findall(r"<(script|style)\b([^>]*)>", page):
        if tag == "script" and "src=" in attributes:
            continue
        assert f'nonce="{match[1]}"' in attributes, (tag, attributes)
    # Nothing is loaded from another host: every src/href is a path on this server.
    for url in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert url.startswith("/") or url.startswith("#"), url


async def test_each_response_gets_its_own_nonce(api: AsyncClient) -> None:
    first = await api.get("/api/v1/schema/swagger/")
    second = await api.get("/api/v1/schema/swagger/")
    nonces = {NONCE.search(r["Content-Security-Policy"])[1] for r in (first, second)}  # type: ignore[index]
    assert len(nonces) == 2


async def test_redoc_is_served_without_its_cdn_logo_and_fonts(api: AsyncClient) -> None:
    page = (await api.get("/api/v1/schema/redoc/")).content.decode()
    assert "fonts.googleapis.com" not in page
    bundle = await api.get("/api/v1/schema/redoc/redoc.standalone.js")
    assert bundle.status_code == 200
    assert bundle["Content-Type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in bundle.content
    assert b"Redoc" in bundle.content


async def test_report_only_mode_reports_instead_of_blocking(
    api: AsyncClient, settings: Settings
) -> None:
    settings.SECURE_CSP_REPORT_ONLY, settings.SECURE_CSP = settings.SECURE_CSP, {}
    settings.CSP_PAGES_REPORT_ONLY, settings.CSP_PAGES = settings.CSP_PAGES, {}
    for path in ("/healthz", "/api/v1/schema/swagger/"):
        response = await api.get(path)
        assert "Content-Security-Policy" not in response
        assert response["Content-Security-Policy-Report-Only"]


@pytest.mark.workers  # starts processes
def test_the_environment_switches_to_report_only_with_a_report_uri() -> None:
    probe = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_CSP, s.SECURE_CSP_REPORT_ONLY, s.CSP_PAGES, "
        "s.CSP_PAGES_REPORT_ONLY]))"
    )
    result = run_python(probe, CSP_REPORT_ONLY="true", CSP_REPORT_URI="https://csp.example/r")
    assert result.returncode == 0, result.stderr
    enforce, report_only, pages, pages_report_only = json.loads(result.stdout)
    assert enforce == {}
    assert pages == {}
    assert report_only["default-src"] == ["'none'"]
    assert report_only["report-uri"] == pages_report_only["report-uri"] == ["https://csp.example/r"]
