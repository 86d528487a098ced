"""OpenAPI components shared by every operation.

drf-standardized-errors documents a 400 with a component per operation
(``<OperationId>ErrorResponse400`` plus per-field code enums), which bloats a
generated client with one error type per endpoint. ``ERROR_SCHEMAS`` in the
settings maps every documented error status to the one ``ErrorResponse``
component below instead: the shape ``apps.core.errors`` really sends,
including ``request_id``.
"""

from typing import Any, override

from django.db import models
from rest_framework import serializers


class ErrorType(models.TextChoices):
    VALIDATION_ERROR = "validation_error"
    CLIENT_ERROR = "client_error"
    SERVER_ERROR = "server_error"


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Machine-readable error code, e.g. `required`.")
    detail = serializers.CharField(help_text="Human-readable message.")
    attr = serializers.CharField(
        allow_null=True,
        help_text="The input field the error is about (dotted path), or null.",
    )


class ErrorResponseSerializer(serializers.Serializer[Any]):
    type = serializers.ChoiceField(choices=ErrorType.choices)
    request_id = serializers.CharField(
        allow_null=True, help_text="The request id, also sent as the X-Request-ID header."
    )

    @override
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "errors" would shadow Serializer.errors if declared as a class attribute.
        fields = super().get_fields()
        fields["errors"] = ErrorDetailSerializer(many=True)
        return {name: fields[name] for name in ("type", "errors", "request_id")}
