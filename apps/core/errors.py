"""The one error shape, for DRF and for Django itself.

Every error body is ``{"type": ..., "errors": [{"code", "detail", "attr"}],
"request_id": ...}`` (drf-standardized-errors' shape plus the request id).
Domain code raises the exceptions below; nothing builds an error response by
hand.
"""

from typing import Any, override

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler as StandardExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from psycopg_pool import PoolClosed, PoolTimeout
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from apps.core.context import request_id_var
from apps.core.db import DatabaseUnavailable, database_breaker, is_unavailable, trip


class ErrorFormatter(ExceptionFormatter):
    """drf-standardized-errors' formatter, plus the request id."""

    @override
    def format_error_response(self, error_response: ErrorResponse) -> Any:
        body = super().format_error_response(error_response)
        body["request_id"] = request_id_var.get()
        return body


class ExceptionHandler(StandardExceptionHandler):
    """drf-standardized-errors' handler, plus Django's ValidationError as a 400,
    and an unreachable database as a 503 with ``Retry-After`` (opening the
    database's circuit breaker, see ``apps.core.db``).

    Model and password validators raise Django's ValidationError; without this
    it would be an unhandled exception (a 500) instead of the client's mistake.
    """

    @override
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=as_serializer_error(exc))
        if is_unavailable(exc):
            # A failure of the database opens the breaker. The breaker's own
            # refusal does not, nor does a pool that was retired (PoolClosed) or
            # gave up waiting (PoolTimeout: a waiter from before the outage, or
            # an exhausted pool; failed connection attempts trip it themselves).
            if not isinstance(exc, DatabaseUnavailable | PoolClosed) and not _pool_timeout(exc):
                trip(exc)
            return ServiceUnavailable(wait=database_breaker.retry_after())
        return super().convert_known_exceptions(exc)

    @override
    def report_exception(self, exc: exceptions.APIException, response: Response) -> None:
        if isinstance(exc, ServiceUnavailable):
            return  # one log line per outage (the breaker's), not one per request
        super().report_exception(exc, response)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource was changed by someone else; fetch it again."
    default_code = "precondition_failed"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _pool_timeout(exc: BaseException) -> bool:
    return isinstance(exc, PoolTimeout) or isinstance(exc.__cause__, PoolTimeout)


class ServiceUnavailable(exceptions.APIException):
    """A backing service the request needs (the database) cannot be reached now.

    Carries ``wait``: the handler sends it as ``Retry-After``.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable; retry shortly."
    default_code = "service_unavailable"

    def __init__(self, *, wait: int) -> None:
        super().__init__()
        self.wait = wait


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
