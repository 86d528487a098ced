"""OpenAPI components and example builders shared by every operation.

Each app's own decorations live in its ``openapi.py`` beside its ``views.py``;
what they have in common is here.

drf-standardized-errors documents a 400 with a component per operation
(``<OperationId>ErrorResponse400`` plus per-field code enums), which bloats a
generated client with one error type per endpoint. ``ERROR_SCHEMAS`` in the
settings maps every documented error status to the one ``ErrorResponse``
component below instead: the shape ``apps.core.errors`` really sends,
including ``request_id``.
"""

import copy
from typing import Any, override

from django.db import models
from drf_spectacular.plumbing import get_doc
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
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


class AutoSchema(StandardizedErrorsAutoSchema):
    """drf-standardized-errors' AutoSchema, describing a view only by its own docstring.

    drf-spectacular describes an operation by its view's docstring, and Python
    inherits docstrings: every view without one was documented with its base
    class's ("Base class of every API view ..."), which a generated client
    repeats on each function. A docstring written on the view class itself,
    or on the handler method, still describes the operation.

    Its error examples also carry ``request_id``, which every error body has
    (the examples must validate against ``ErrorResponse``), and every
    authenticated write documents 403: a cookie-authenticated one without its
    CSRF token is refused with it (``apps.accounts.cookies``).
    """

    @override
    def _should_add_http403_error_response(self) -> bool:
        unsafe = self.method.upper() not in {"GET", "HEAD", "OPTIONS"}
        authenticated = bool(self.view.get_authenticators())
        return super()._should_add_http403_error_response() or (unsafe and authenticated)

    @override
    def _get_error_response_examples(self) -> list[OpenApiExample]:
        examples: list[OpenApiExample] = []
        for example in super()._get_error_response_examples():
            with_id = copy.copy(example)
            with_id.value = {**example.value, "request_id": EXAMPLE_REQUEST_ID}
            examples.append(with_id)
        return examples

    @override
    def get_description(self) -> str:  # type: ignore[override]  # drf-spectacular's signature
        handler = getattr(self.view, getattr(self.view, "action", self.method.lower()), None)
        handler_doc = get_doc(handler) if handler is not None else ""
        own_doc = self.view.__class__.__dict__.get("__doc__")
        return handler_doc or (get_doc(self.view.__class__) if own_doc else "")


EXAMPLE_REQUEST_ID = "3f6c0d2e9b0a4c1e8f7a6b5c4d3e2f1a"


def request_example(name: str, value: Any) -> OpenApiExample:
    """An example request body."""
    return OpenApiExample(name, value=value, request_only=True)


def response_example(name: str, value: Any, status_code: str | None = None) -> OpenApiExample:
    """An example response body; for ``status_code`` only when given (else the success one).

    A list operation's example is one item: drf-spectacular wraps it in the
    paginated envelope itself.
    """
    if status_code is None:
        return OpenApiExample(name, value=value, response_only=True)
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status_code])


def error_response(description: str) -> OpenApiResponse:
    """An error status documented with the standard error body."""
    return OpenApiResponse(ErrorResponseSerializer, description=description)


def error_example(name: str, *, status_code: str, code: str, detail: str) -> OpenApiExample:
    """An example of the standard error body for ``status_code``."""
    return response_example(
        name,
        {
            "type": "client_error",
            "errors": [{"code": code, "detail": detail, "attr": None}],
            "request_id": EXAMPLE_REQUEST_ID,
        },
        status_code,
    )


# --- created resources and idempotent creates -----------------------------------

LOCATION_HEADER = OpenApiParameter(
    "Location",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201, 202],
    description="The path of the created resource (for a 202, of the one being built).",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique value (a UUID), the same on every retry of this request: a retry "
    "with the same key and body gets the first response again (`Idempotent-Replayed: true`) "
    "and creates nothing; the same key with another body is 422; a retry while the first is "
    "still running is 409. Kept 24 hours.",
)
IDEMPOTENT_REPLAYED_HEADER = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[201, 202],
    description="`true` when this is the stored response of an earlier request with the "
    "same Idempotency-Key.",
)


def create_parameters(*extra: OpenApiParameter) -> list[OpenApiParameter]:
    """The parameters of a create operation: Idempotency-Key in; Location and replay out."""
    return [IDEMPOTENCY_KEY, LOCATION_HEADER, IDEMPOTENT_REPLAYED_HEADER, *extra]


def create_responses(responses: dict[int, Any]) -> dict[int, Any]:
    """A create operation's responses plus the Idempotency-Key errors (409, 422)."""
    return {
        409: error_response("A request with this Idempotency-Key is still running."),
        422: error_response("This Idempotency-Key was used with a different body."),
        **responses,
    }
