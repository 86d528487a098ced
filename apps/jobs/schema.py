"""drf-spectacular: a concrete, recursive type for a job's JSON result summary."""

from typing import Any, override

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}

JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value: a string, number, boolean, list or object of JSON values.",
    "nullable": True,
    "oneOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": JSON_VALUE_REF},
        {"type": "object", "additionalProperties": JSON_VALUE_REF},
    ],
}


class JobResultFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A result is a JSON object whose values are JSON values (no `unknown` in clients)."""

    target_class = "apps.jobs.serializers.JobResultField"

    @override
    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="JsonValue",
            type=ResolvedComponent.SCHEMA,
            object="JsonValue",
            schema=JSON_VALUE_SCHEMA,
        )
        auto_schema.registry.register_on_missing(component)
        return {
            "type": "object",
            "additionalProperties": component.ref,
            "description": "The job's small JSON result summary.",
        }
