"""The fuzzer's standard_error_shape check accepts our errors and rejects others."""

from typing import Any

import pytest
from django.test import AsyncClient

from contract.hooks import error_shape_problems


async def test_a_real_404_from_the_api_passes(api: AsyncClient) -> None:
    response = await api.get("/api/v1/no-such-route/")
    assert response.status_code == 404
    assert error_shape_problems(404, response["Content-Type"], response.json()) == []


@pytest.mark.parametrize(
    ("content_type", "body", "problem"),
    [
        ("text/html", None, "not JSON"),
        ("application/json", {"detail": "Not found."}, "keys are"),
        ("application/json", {"type": "oops", "errors": [], "request_id": None}, "type is"),
        (
            "application/json",
            {"type": "client_error", "errors": [{"code": "x"}], "request_id": None},
            "bad error item",
        ),
        (
            "application/json",
            {"type": "client_error", "errors": [{"code": "x", "detail": "y", "attr": None}]},
            "keys are",
        ),
    ],
)
def test_other_shapes_are_rejected(content_type: str, body: Any, problem: str) -> None:
    problems = error_shape_problems(400, content_type, body)
    assert any(problem in p for p in problems), problems
