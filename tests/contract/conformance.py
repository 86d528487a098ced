"""Check a response from the test client against the committed schema.yaml.

The same validation schemathesis applies to the live server (status code,
content type, body), for regression tests of what the fuzzer found.
"""

from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from django.http import HttpResponseBase

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@cache
def committed_schema() -> Any:
    return schemathesis.openapi.from_path(PROJECT_ROOT / "schema.yaml")


def assert_conforms(method: str, path_template: str, url: str, response: HttpResponseBase) -> None:
    """Raise (with schemathesis's explanation) unless ``response`` is what the schema documents."""
    operation = committed_schema()[path_template][method.upper()]
    converted = httpx.Response(
        response.status_code,
        headers=dict(response.headers),
        content=response.content,  # type: ignore[attr-defined]
        request=httpx.Request(method.upper(), f"http://testserver{url}"),
    )
    converted.elapsed = timedelta(0)  # schemathesis reads it; a transport would set it
    operation.validate_response(converted)
