"""drf-spectacular: a concrete, recursive type for a job's JSON result summary."""

from typing import Any, override

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}

_SCALARS: list[dict[str, Any]] = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
_OBJECT = {"type": "object", "additionalProperties": JSON_VALUE_REF}

# A list holds scalars or objects, not lists directly: TypeScript cannot
# express a type alias that recurses through an array of an indexed access
# (TS2502), and a result summary never needs a list of lists.
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "A JSON value: a string, number, boolean, object, or list of those.",
    "nullable": True,
    "oneOf": [
        *_SCALARS,
        {"type": "array", "items": {"nullable": True, "oneOf": [*_SCALARS, _OBJECT]}},
        _OBJECT,
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
