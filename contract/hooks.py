"""schemathesis hooks (loaded with ``SCHEMATHESIS_HOOKS=contract.hooks``).

Adds ``standard_error_shape``: every 4xx/5xx body is the one error shape,
``{"type", "errors": [{"code", "detail", "attr"}], "request_id"}`` as JSON.
"""

from typing import Any

import schemathesis

ERROR_TYPES = {"validation_error", "client_error", "server_error"}


def error_shape_problems(status: int, content_type: str, body: Any) -> list[str]:
    """What is wrong with an error response, or nothing."""
    if "json" not in content_type:
        return [f"{status} answered with content type {content_type!r}, not JSON"]
    if not isinstance(body, dict):
        return [f"{status} body is not a JSON object"]
    problems = []
    if set(body) != {"type", "errors", "request_id"}:
        problems.append(f"keys are {sorted(body)}, want ['errors', 'request_id', 'type']")
    if body.get("type") not in ERROR_TYPES:
        problems.append(f"type is {body.get('type')!r}")
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        problems.append("errors is not a non-empty list")
    else:
        for item in errors:
            if not (
                isinstance(item, dict)
                and set(item) == {"code", "detail", "attr"}
                and isinstance(item["code"], str)
                and isinstance(item["detail"], str)
                and (item["attr"] is None or isinstance(item["attr"], str))
            ):
                problems.append(f"bad error item {item!r}")
    if not (body.get("request_id") is None or isinstance(body.get("request_id"), str)):
        problems.append("request_id is not a string or null")
    return problems


@schemathesis.check
def standard_error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    if response.status_code < 400:
        return None
    content_type = response.headers.get("content-type", [""])
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    try:
        body = response.json()
    except ValueError:
        body = None
    problems = error_shape_problems(response.status_code, content_type, body)
    if problems:
        raise AssertionError("Not the standard error shape: " + "; ".join(problems))
    return True
