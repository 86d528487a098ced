"""Rules every documented operation follows, so generated clients read well.

Checked over the committed schema.yaml by tests/contract/test_schema_quality.py.
"""

import re
from collections.abc import Iterator
from typing import Any

METHODS = ("get", "put", "post", "delete", "patch")
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")  # camelCase: reads as a JS function name
ERROR_REF = "#/components/schemas/ErrorResponse"


def _json(container: dict[str, Any]) -> dict[str, Any] | None:
    content: dict[str, Any] = container.get("content") or {}
    return content.get("application/json")


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every documented operation as (``"GET /path"``, the operation), in path order."""
    for path, item in sorted((schema.get("paths") or {}).items()):
        for method in METHODS:
            operation = item.get(method)
            if operation is not None:
                yield f"{method.upper()} {path}", operation


def problems(schema: dict[str, Any]) -> list[str]:
    """What each operation is missing, as readable lines (empty when all is well)."""
    found: list[str] = []
    seen_ids: set[str] = set()
    for where, operation in operations(schema):
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
            if response is not None and not (response.get("examples") or response.get("example")):
                found.append(f"{where}: response {code} has no example")
        if not errors:
            found.append(f"{where}: no documented error response")
        for code in errors:
            response = _json(responses[code])
            ref = (response or {}).get("schema", {}).get("$ref")
            if ref != ERROR_REF:
                found.append(f"{where}: error {code} is not the shared ErrorResponse ({ref})")
    return found


# --- summaries, descriptions, examples that match their schema -----------------


def description_problems(schema: dict[str, Any]) -> list[str]:
    """Operations without a summary (Redoc's title) or a description (what it does)."""
    found: list[str] = []
    for where, operation in operations(schema):
        for field in ("summary", "description"):
            if not str(operation.get(field, "")).strip():
                found.append(f"{where}: no {field}")
    return found


def _json_schema(node: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: ``nullable: true`` becomes a null alternative."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if not node.get("nullable"):
        return converted
    if isinstance(converted.get("type"), str):
        converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
        return converted
    return {"anyOf": [converted, {"type": "null"}]}


def _examples(container: dict[str, Any]) -> list[tuple[str, Any]]:
    media = _json(container) or {}
    named = [
        (name, example.get("value")) for name, example in (media.get("examples") or {}).items()
    ]
    return named + ([("example", media["example"])] if "example" in media else [])


def _is_page(value: Any) -> bool:
    return isinstance(value, dict) and {"next", "previous", "results"} <= set(value)


def example_problems(schema: dict[str, Any]) -> list[str]:
    """Every request and response example that its own schema does not accept.

    Also a page of pages: drf-spectacular wraps a list operation's example in
    the paginated envelope itself, so an example written as a whole page ends
    up nested in a second one.
    """
    from jsonschema import Draft7Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    document = _json_schema(schema)
    registry: Registry[Any] = Registry().with_resource(
        "urn:schema", Resource.from_contents(document, default_specification=DRAFT7)
    )

    def check(where: str, target: Any, examples: list[tuple[str, Any]]) -> list[str]:
        ref = (target or {}).get("$ref")
        if ref is None or not examples:
            return []
        validator = Draft7Validator(
            {"$ref": "urn:schema" + ref}, registry=registry, format_checker=FormatChecker()
        )
        found = []
        for name, value in examples:
            for error in validator.iter_errors(value):
                at = "/".join(str(part) for part in error.absolute_path) or "(root)"
                found.append(f"{where} example {name!r} at {at}: {error.message}")
            if _is_page(value) and any(_is_page(item) for item in value["results"]):
                found.append(f"{where} example {name!r} is a page of pages")
        return found

    found: list[str] = []
    for where, operation in operations(schema):
        body = operation.get("requestBody") or {}
        found += check(f"{where} request", (_json(body) or {}).get("schema"), _examples(body))
        for code, response in (operation.get("responses") or {}).items():
            found += check(
                f"{where} response {code}",
                (_json(response) or {}).get("schema"),
                _examples(response),
            )
    return found
