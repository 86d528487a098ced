"""A serializer field for a JSON object, typed in the schema (no `unknown` in clients).

Its values are the shared ``JsonValue`` component: a string, number, boolean,
object, or list of those. A list holds scalars or objects, not lists
directly: openapi-typescript renders a component that recurses through an
array as an indexed access type TypeScript refuses (TS2502), and no payload
here needs a list of lists.
"""

from typing import Any, override

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}

_SCALARS: list[dict[str, Any]] = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
_OBJECT = {"type": "object", "additionalProperties": JSON_VALUE_REF}

JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "A JSON value: a string, number, boolean, object, or list of those.",
    "nullable": True,
    "oneOf": [
        *_SCALARS,
        {"type": "array", "items": {"nullable": True, "oneOf": [*_SCALARS, _OBJECT]}},
        _OBJECT,
    ],
}


class JsonObjectField(serializers.JSONField):
    """A JSON object of JSON values."""


class JsonObjectFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Describes ``JsonObjectField`` (and subclasses) through the ``JsonValue`` component."""

    target_class = "apps.core.jsonfield.JsonObjectField"
    match_subclasses = True

    @override
    def map_serializer_field(self, auto_schema: AutoSchema, direction: str) -> dict[str, Any]:
        component = ResolvedComponent(  # type: ignore[no-untyped-call]
            name="JsonValue",
            type=ResolvedComponent.SCHEMA,
            object="JsonValue",
            schema=JSON_VALUE_SCHEMA,
        )
        auto_schema.registry.register_on_missing(component)
        return {"type": "object", "additionalProperties": component.ref}
