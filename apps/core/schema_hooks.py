"""Postprocessing of the generated OpenAPI schema, so clients generate cleanly by default.

openapi-typescript (with its default ``defaultNonNullable``) types every
property that has a ``default`` as present, request components included: a
frontend generating its client the usual way would have to send
``client_name``, ``transport``, a document's ``body``... although the API
fills them in. In a request component (``*Request``, split by
``COMPONENT_SPLIT_REQUEST``) an optional field's default moves into its
description, where people still read it and generators do not.
"""

import json
from typing import Any

Schema = dict[str, Any]


def request_defaults_in_descriptions(
    result: Schema, generator: Any, request: Any, public: bool
) -> Schema:
    """drf-spectacular postprocessing hook (``POSTPROCESSING_HOOKS``)."""
    schemas: dict[str, Schema] = result.get("components", {}).get("schemas", {})
    for name, component in schemas.items():
        if not name.endswith("Request"):
            continue
        required = set(component.get("required", []))
        for field, prop in component.get("properties", {}).items():
            if field in required or "default" not in prop:
                continue
            default = prop.pop("default")
            note = f"Default: `{json.dumps(default)}`."
            described = prop.get("description")
            prop["description"] = f"{described}\n\n{note}" if described else note
    return result
