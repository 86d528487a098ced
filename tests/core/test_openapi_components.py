"""Error responses share one component, so generated clients get one error type."""

from pathlib import Path
from typing import Any

import yaml
from django.core.management import call_command


def _schema(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "schema.yaml"
    # --fail-on-warn: a documented error status without a serializer would warn here.
    call_command(
        "spectacular",
        "--urlconf=tests.core.contract_urls",
        "--validate",
        "--fail-on-warn",
        f"--file={out}",
    )
    schema: dict[str, Any] = yaml.safe_load(out.read_text())
    return schema


def test_every_error_status_refers_to_the_one_shared_component(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    names = set(schema["components"]["schemas"])
    assert not [name for name in names if "ErrorResponse4" in name or "ValidationError" in name]
    assert "ErrorResponse" in names
    for path in ("/api/v1/widgets/", "/api/v1/gadgets/"):
        responses = schema["paths"][path]["post"]["responses"]
        errors = {code: r for code, r in responses.items() if int(code) >= 400}
        assert {"400", "401", "405", "500"} <= set(errors)
        for response in errors.values():
            ref = response["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorResponse"


def test_the_shared_component_is_the_shape_the_api_sends(tmp_path: Path) -> None:
    components = _schema(tmp_path)["components"]["schemas"]
    error = components["ErrorResponse"]
    assert set(error["required"]) == {"type", "errors", "request_id"}
    assert error["properties"]["request_id"]["nullable"] is True
    assert components["ErrorTypeEnum"]["enum"] == [
        "validation_error",
        "client_error",
        "server_error",
    ]
    detail = components["ErrorDetail"]
    assert set(detail["required"]) == {"code", "detail", "attr"}
    assert detail["properties"]["attr"]["nullable"] is True
