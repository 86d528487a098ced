"""The API contract: DRF, the error shape, the OpenAPI schema, idempotent creates."""

from datetime import timedelta

from apps.core.env import env_timedelta

# How long a create's response is kept for retries with the same
# Idempotency-Key (apps.core.idempotency).
IDEMPOTENCY_KEY_TTL = env_timedelta("IDEMPOTENCY_KEY_TTL", timedelta(hours=24))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.accounts.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["apps.core.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# One shared ErrorResponse component for every documented error status instead
# of drf-standardized-errors' per-operation 400 components (they bloat the
# generated TypeScript). 409/412/413 are not added to every operation: a view
# that can answer them declares them in its @extend_schema responses.
_DOCUMENTED_ERROR_STATUSES = ["400", "401", "403", "404", "405", "406", "415", "429", "500"]
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "apps.core.errors.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "apps.core.errors.ErrorFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": _DOCUMENTED_ERROR_STATUSES,
    "ERROR_SCHEMAS": dict.fromkeys(
        _DOCUMENTED_ERROR_STATUSES, "apps.core.openapi.ErrorResponseSerializer"
    ),
}

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers"
# Names of the schema's enum components, so that generated clients get stable
# type names (and colliding enums are told apart).
ENUM_NAME_OVERRIDES = {
    **{
        name: f"{_ERROR_ENUMS}.{name}.choices"
        for name in (
            "ValidationErrorEnum",
            "ClientErrorEnum",
            "ServerErrorEnum",
            "ErrorCode401Enum",
            "ErrorCode403Enum",
            "ErrorCode404Enum",
            "ErrorCode405Enum",
            "ErrorCode406Enum",
            "ErrorCode415Enum",
            "ErrorCode429Enum",
            "ErrorCode500Enum",
        )
    },
    "ErrorTypeEnum": "apps.core.openapi.ErrorType.choices",
    "JobStatusEnum": "apps.jobs.models.JobStatus",
    "WebhookEventEnum": "apps.webhooks.models.WebhookEvent",
    "DeliveryStatusEnum": "apps.webhooks.models.DeliveryStatus",
    "ExportStatusEnum": "apps.exports.models.ExportStatus",
    "DocumentStatusEnum": "apps.documents.models.DocumentStatus",
    "InvitationStatusEnum": "apps.workspaces.serializers.InvitationStatus",
    "RoleEnum": "apps.workspaces.models.Role",
    "TransportEnum": "apps.accounts.models.Transport",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Async API",
    "DESCRIPTION": "Async-first Django API for high-concurrency frontends.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No online validator badge: it is an image from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": ENUM_NAME_OVERRIDES,
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "apps.core.schema_hooks.request_defaults_in_descriptions",
    ],
}
