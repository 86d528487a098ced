"""Rules every documented operation follows, so generated clients read well.

Checked over the committed schema.yaml by tests/contract/test_schema_quality.py.
"""

import re
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch")
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")  # camelCase: reads as a JS function name
ERROR_REF = "#/components/schemas/ErrorResponse"


def _json(container: dict[str, Any]) -> dict[str, Any] | None:
    content: dict[str, Any] = container.get("content") or {}
    return content.get("application/json")


def problems(schema: dict[str, Any]) -> list[str]:
    """What each operation is missing, as readable lines (empty when all is well)."""
    found: list[str] = []
    seen_ids: set[str] = set()
    for path, item in sorted((schema.get("paths") or {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            where = f"{method.upper()} {path}"
            operation_id = operation.get("operationId", "")
            if not OPERATION_ID.match(operation_id):
                found.append(f"{where}: operationId {operation_id!r} is not camelCase")
            if operation_id in seen_ids:
                found.append(f"{where}: operationId {operation_id!r} is used twice")
            seen_ids.add(operation_id)
            body = _json(operation.get("requestBody") or {})
            if body is not None and not (body.get("examples") or body.get("example")):
                found.append(f"{where}: request body has no example")
            responses: dict[str, Any] = operation.get("responses") or {}
            successes = [code for code in responses if code.startswith("2")]
            errors = [code for code in responses if code[0] in "45"]
            for code in successes:
                response = _json(responses[code])
                if response is not None and not (
                    response.get("examples") or response.get("example")
                ):
                    found.append(f"{where}: response {code} has no example")
            if not errors:
                found.append(f"{where}: no documented error response")
            for code in errors:
                response = _json(responses[code])
                ref = (response or {}).get("schema", {}).get("$ref")
                if ref != ERROR_REF:
                    found.append(f"{where}: error {code} is not the shared ErrorResponse ({ref})")
    return found
