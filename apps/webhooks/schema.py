"""drf-spectacular: a concrete type for the event data object (no `unknown` in clients)."""

from typing import Any, override

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from apps.jobs.schema import JSON_VALUE_SCHEMA


class JsonObjectFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """A JSON object whose values are JSON values (the shared ``JsonValue`` component)."""

    target_class = "apps.webhooks.serializers.JsonObjectField"

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
