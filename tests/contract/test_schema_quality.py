"""Every operation in schema.yaml has a good operationId, examples and standard errors."""

from pathlib import Path
from typing import Any

import yaml
from django.core.management import call_command

from contract.schema_quality import problems

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
