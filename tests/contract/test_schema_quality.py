"""Every operation in schema.yaml has a good operationId, examples and standard errors."""

from pathlib import Path
from typing import Any

import yaml
from django.core.management import call_command

from contract.schema_quality import description_problems, example_problems, problems

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schema_follows_the_rules() -> None:
    schema = yaml.safe_load((PROJECT_ROOT / "schema.yaml").read_text())
    assert problems(schema) == []


def test_the_rules_catch_an_operation_without_examples(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf=tests.core.contract_urls", f"--file={out}")
    schema: dict[str, Any] = yaml.safe_load(out.read_text())
    found = problems(schema)
    # widgetsCreate has examples; gadgetsCreate has none.
    assert found == [
        "POST /api/v1/gadgets/: request body has no example",
        "POST /api/v1/gadgets/: response 201 has no example",
    ]


def test_the_rules_catch_a_bad_operation_id_and_a_private_error_shape() -> None:
    schema = {
        "paths": {
            "/x/": {
                "get": {
                    "operationId": "GetX",
                    "responses": {
                        "404": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Other"}
                                }
                            }
                        }
                    },
                }
            }
        }
    }
    assert problems(schema) == [
        "GET /x/: operationId 'GetX' is not camelCase",
        "GET /x/: error 404 is not the shared ErrorResponse (#/components/schemas/Other)",
    ]


def _committed() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "schema.yaml").read_text())
    return loaded


def test_every_operation_has_a_summary_and_a_description() -> None:
    assert description_problems(_committed()) == []


def test_every_example_validates_against_its_own_schema() -> None:
    assert example_problems(_committed()) == []


def _page_operation(example: Any) -> dict[str, Any]:
    return {
        "paths": {
            "/things/": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Page"},
                                    "examples": {"Things": {"value": example}},
                                }
                            }
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "Page": {
                    "type": "object",
                    "required": ["next", "previous", "results"],
                    "properties": {
                        "next": {"type": "string", "nullable": True},
                        "previous": {"type": "string", "nullable": True},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/T"}},
                    },
                },
                "T": {
                    "type": "object",
                    "required": ["id"],
                    "properties": {"id": {"type": "integer"}, "note": {"type": "string"}},
                },
            }
        },
    }


def test_the_example_check_catches_wrong_types_and_pages_of_pages() -> None:
    good = {"next": None, "previous": None, "results": [{"id": 1}]}
    assert example_problems(_page_operation(good)) == []
    wrong = {"next": None, "previous": None, "results": [{"id": "1", "note": None}]}
    where = "GET /things/ response 200 example 'Things' at results/0"
    assert example_problems(_page_operation(wrong)) == [
        f"{where}/id: '1' is not of type 'integer'",
        f"{where}/note: None is not of type 'string'",
    ]
    nested = {"next": None, "previous": None, "results": [good]}
    found = example_problems(_page_operation(nested))
    assert "GET /things/ response 200 example 'Things' is a page of pages" in found


def test_request_components_carry_no_defaults_openapi_typescript_would_make_required() -> None:
    """A default on an optional request field reads as required in generated clients."""
    schemas = _committed()["components"]["schemas"]
    offenders = [
        f"{name}.{field}"
        for name, component in schemas.items()
        if name.endswith("Request")
        for field, prop in component.get("properties", {}).items()
        if "default" in prop and field not in component.get("required", [])
    ]
    assert offenders == []
    # ... and the defaults are still documented, in the description.
    login = schemas["LoginInputRequest"]["properties"]
    assert 'Default: `"bearer"`' in login["transport"]["description"]
