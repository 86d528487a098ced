"""The one error shape, for DRF and for Django itself.

Every error body is ``{"type": ..., "errors": [{"code", "detail", "attr"}],
"request_id": ...}`` (drf-standardized-errors' shape plus the request id).
Domain code raises the exceptions below; nothing builds an error response by
hand.
"""

from typing import Any, override

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler as StandardExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error

from apps.core.context import request_id_var


class ErrorFormatter(ExceptionFormatter):
    """drf-standardized-errors' formatter, plus the request id."""

    @override
    def format_error_response(self, error_response: ErrorResponse) -> Any:
        body = super().format_error_response(error_response)
        body["request_id"] = request_id_var.get()
        return body


class ExceptionHandler(StandardExceptionHandler):
    """drf-standardized-errors' handler, plus Django's ValidationError as a 400.

    Model and password validators raise Django's ValidationError; without this
    it would be an unhandled exception (a 500) instead of the client's mistake.
    """

    @override
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=as_serializer_error(exc))
        return super().convert_known_exceptions(exc)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource was changed by someone else; fetch it again."
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def error_payload(
    *, status_code: int, code: str, detail: str, attr: str | None = None
) -> dict[str, Any]:
    """The standard body for an error raised outside DRF."""
    kind = "client_error" if status_code < 500 else "server_error"
    return {
        "type": kind,
        "errors": [{"code": code, "detail": detail, "attr": attr}],
        "request_id": request_id_var.get(),
    }


def json_error(*, status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        error_payload(status_code=status_code, code=code, detail=detail), status=status_code
    )


# Django's own handlers (handler400/403/404/500 in project.urls): the same shape,
# never HTML, never a stack trace.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_error(status_code=400, code="bad_request", detail="Bad request.")


def disallowed_host(request: HttpRequest, exception: DisallowedHost) -> HttpResponse:
    """A Host outside ``ALLOWED_HOSTS``, explained: for DEBUG only (it names the setting)."""
    # What get_host() checked (USE_X_FORWARDED_HOST stays off here).
    raw = str(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
    domain, _port = split_domain_port(raw)
    if domain:
        hosts = ",".join([*settings.ALLOWED_HOSTS, domain])
        detail = (
            f"The Host header {raw!r} is not in ALLOWED_HOSTS; "
            f"ALLOWED_HOSTS={hosts} would accept it (`uv run dev --host 0.0.0.0` adds this "
            "machine's names and addresses for the run)."
        )
    else:
        detail = f"{exception} Shown because DEBUG is on."
    return json_error(status_code=400, code="bad_request", detail=detail)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_error(
        status_code=403,
        code="permission_denied",
        detail="You do not have permission to perform this action.",
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_error(status_code=404, code="not_found", detail="Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    return json_error(status_code=500, code="error", detail="Server Error (500)")
