"""Every error, from DRF or from Django itself, answers in the one JSON shape."""

from typing import Any

import pytest
from django.test import AsyncClient

pytestmark = [pytest.mark.urls("tests.core.urls"), pytest.mark.django_db]


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "errors", "request_id"}
    assert body["type"] in {"validation_error", "client_error", "server_error"}
    assert body["errors"], body
    assert body["errors"][0]["code"] == code
    assert body["request_id"] == response["X-Request-ID"]
    return body


async def test_validation_error_names_each_field(api: AsyncClient) -> None:
    response = await api.post(
        "/api/v1/test/echo", {"name": "x" * 30, "count": 0}, content_type="application/json"
    )
    body = assert_error_shape(response, 400, "max_length")
    assert body["type"] == "validation_error"
    assert {error["attr"] for error in body["errors"]} == {"name", "count"}


async def test_valid_input_is_echoed(api: AsyncClient) -> None:
    response = await api.post(
        "/api/v1/test/echo", {"name": "ada", "count": 2}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"name": "ada", "count": 2}


async def test_malformed_json_is_a_parse_error(api: AsyncClient) -> None:
    response = await api.post("/api/v1/test/echo", b'{"name": ', content_type="application/json")
    body = assert_error_shape(response, 400, "parse_error")
    assert body["type"] == "client_error"


async def test_failed_authentication_is_401_with_challenge(api: AsyncClient) -> None:
    response = await api.get("/api/v1/test/needs-login")
    assert_error_shape(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


async def test_denied_permission_is_403(api: AsyncClient) -> None:
    response = await api.get("/api/v1/test/forbidden")
    assert_error_shape(response, 403, "permission_denied")


async def test_not_found_inside_drf_is_404(api: AsyncClient) -> None:
    response = await api.get("/api/v1/test/missing")
    assert_error_shape(response, 404, "not_found")


async def test_unknown_url_is_json_404(api: AsyncClient) -> None:
    response = await api.get("/no/such/page")
    body = assert_error_shape(response, 404, "not_found")
    assert body["type"] == "client_error"


async def test_wrong_method_is_405(api: AsyncClient) -> None:
    response = await api.delete("/api/v1/test/echo")
    assert_error_shape(response, 405, "method_not_allowed")


async def test_unsupported_media_type_is_415(api: AsyncClient) -> None:
    response = await api.post("/api/v1/test/echo", "name=x", content_type="text/plain")
    assert_error_shape(response, 415, "unsupported_media_type")


async def test_unhandled_exception_in_api_view_is_json_500_without_details(
    api: AsyncClient,
) -> None:
    response = await api.get("/api/v1/test/broken")
    body = assert_error_shape(response, 500, "error")
    assert body["type"] == "server_error"
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


async def test_unhandled_exception_outside_drf_is_json_500_without_details(
    api: AsyncClient,
) -> None:
    response = await api.get("/api/v1/test/broken-django")
    body = assert_error_shape(response, 500, "error")
    assert body["type"] == "server_error"
    assert "hunter2" not in response.content.decode()


async def test_disallowed_host_is_json_400(api: AsyncClient) -> None:
    response = await api.get("/healthz", headers={"host": "evil.example"})
    assert_error_shape(response, 400, "bad_request")


@pytest.mark.parametrize(
    ("name", "status", "expected"),
    [
        ("not-found", 404, ("client_error", "not_found", "Not found.", None)),
        (
            "permission-denied",
            403,
            ("client_error", "permission_denied", "Only the author may.", None),
        ),
        (
            "unauthenticated",
            401,
            (
                "client_error",
                "authentication_failed",
                "Incorrect authentication credentials.",
                None,
            ),
        ),
        ("conflict", 409, ("client_error", "already_running", "Already running.", None)),
        (
            "precondition-failed",
            412,
            (
                "client_error",
                "precondition_failed",
                "The resource was changed by someone else; fetch it again.",
                None,
            ),
        ),
        (
            "payload-too-large",
            413,
            ("client_error", "payload_too_large", "The request body is too large.", None),
        ),
        (
            "too-many-requests",
            429,
            ("client_error", "throttled", "Slow down. Expected available in 30 seconds.", None),
        ),
        ("invalid-input", 400, ("validation_error", "invalid", "Expired.", "token")),
    ],
)
async def test_domain_errors_answer_in_the_standard_shape(
    api: AsyncClient, name: str, status: int, expected: tuple[str, str, str, str | None]
) -> None:
    kind, code, detail, attr = expected
    response = await api.get(f"/api/v1/test/domain-error/{name}")
    body = assert_error_shape(response, status, code)
    assert body["type"] == kind
    assert body["errors"][0] == {"code": code, "detail": detail, "attr": attr}
    if name == "too-many-requests":
        assert response["Retry-After"] == "30"
    if name == "invalid-input":
        assert [error["detail"] for error in body["errors"]] == ["Expired.", "Unknown."]


def test_services_and_selectors_raise_no_drf_exceptions() -> None:
    """Domain code runs in workers too: it raises ``apps.core.errors``, never DRF's."""
    import ast
    from pathlib import Path

    apps_dir = Path(__file__).resolve().parents[2] / "apps"
    domain_modules = [
        path
        for path in apps_dir.glob("*/*.py")
        if path.stem in {"services", "selectors", "access", "jobs", "tasks"}
    ]
    assert domain_modules
    offenders = []
    for path in domain_modules:
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(name.startswith("rest_framework") for name in names):
                offenders.append(str(path.relative_to(apps_dir)))
    assert offenders == []
