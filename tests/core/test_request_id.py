"""Request ids: accepted when valid, made otherwise, echoed, logged, in error bodies."""

import logging
import re

import pytest
from django.test import AsyncClient

pytestmark = [pytest.mark.urls("tests.core.urls")]


async def test_valid_client_request_id_is_echoed(api: AsyncClient) -> None:
    response = await api.get("/healthz", headers={"X-Request-ID": "req-123.abc"})
    assert response["X-Request-ID"] == "req-123.abc"


@pytest.mark.parametrize("bad", ["", "has space", "x" * 200, "<script>", "a\tb"])
async def test_invalid_request_id_is_replaced(api: AsyncClient, bad: str) -> None:
    response = await api.get("/healthz", headers={"X-Request-ID": bad})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


async def test_request_id_is_generated_when_missing(api: AsyncClient) -> None:
    first = await api.get("/healthz")
    second = await api.get("/healthz")
    assert first["X-Request-ID"] != second["X-Request-ID"]


async def test_error_body_carries_the_request_id(api: AsyncClient) -> None:
    response = await api.get("/nowhere", headers={"X-Request-ID": "trace-42"})
    assert response.status_code == 404
    assert response.json()["request_id"] == "trace-42"


async def test_log_lines_carry_the_request_id(
    api: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await api.get("/api/v1/test/broken", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    records = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert records
    assert {getattr(record, "request_id", None) for record in records} == {"trace-500"}
