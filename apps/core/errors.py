"""The one error shape, for DRF and for Django itself, and the domain errors.

Every error body is ``{"type": ..., "errors": [{"code", "detail", "attr"}],
"request_id": ...}`` (drf-standardized-errors' shape plus the request id).

Services and selectors raise the domain errors below (``NotFound``,
``PermissionDenied``, ``Conflict``, ...). They do not depend on DRF: the same
code runs in job workers, where an HTTP exception means nothing. The
exception handler maps each to the standard shape at one boundary; nothing
builds an error response by hand.
"""

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, override

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from drf_standardized_errors.formatter import ExceptionFormatter
from drf_standardized_errors.handler import ExceptionHandler as StandardExceptionHandler
from drf_standardized_errors.types import ErrorResponse
from psycopg_pool import PoolClosed, PoolTimeout
from rest_framework import exceptions
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from apps.core.context import request_id_var
from apps.core.db import DatabaseUnavailable, database_breaker, is_unavailable, trip


class DomainError(Exception):
    """An error the caller can act on, independent of any web framework.

    ``status_code`` is what the API answers; ``code`` is the machine-readable
    error code and ``detail`` the message (the class defaults unless given).
    """

    status_code: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"
    default_detail: ClassVar[str] = "Invalid input."

    def __init__(self, detail: str | None = None, *, code: str | None = None) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.code = code if code is not None else self.default_code
        super().__init__(self.detail)


class NotFound(DomainError):
    """404: it does not exist, or the caller may not know that it does."""

    status_code = 404
    default_code = "not_found"
    default_detail = "Not found."


class PermissionDenied(DomainError):
    """403: the caller is known and may see it, but not do this."""

    status_code = 403
    default_code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class Unauthenticated(DomainError):
    """401: the credentials were not accepted."""

    status_code = 401
    default_code = "authentication_failed"
    default_detail = "Incorrect authentication credentials."


class Conflict(DomainError):
    """409: not possible in the resource's current state."""

    status_code = 409
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


class PreconditionFailed(DomainError):
    """412: the version the client holds is no longer current."""

    status_code = 412
    default_code = "precondition_failed"
    default_detail = "The resource was changed by someone else; fetch it again."


class PayloadTooLarge(DomainError):
    status_code = 413
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


class TooManyRequests(DomainError):
    """429 with ``Retry-After``: try again in ``retry_after`` seconds."""

    status_code = 429
    default_code = "throttled"
    default_detail = "Request was throttled."

    def __init__(
        self, detail: str | None = None, *, code: str | None = None, retry_after: float | None
    ) -> None:
        super().__init__(detail, code=code)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """503 with ``Retry-After``: a backing service the request needs (the database) is down."""

    status_code = 503
    default_code = "service_unavailable"
    default_detail = "The service is temporarily unavailable; retry shortly."

    def __init__(self, detail: str | None = None, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class InvalidInput(DomainError):
    """400 naming the input fields at fault: ``{field: [message, ...]}``, one code."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, errors: Mapping[str, Sequence[str]], *, code: str | None = None) -> None:
        super().__init__(
            "; ".join(message for messages in errors.values() for message in messages), code=code
        )
        self.errors = {field: list(messages) for field, messages in errors.items()}


def as_api_exception(error: DomainError) -> exceptions.APIException:
    """The DRF exception drf-standardized-errors formats for ``error`` (the one mapping)."""
    if isinstance(error, InvalidInput):
        return exceptions.ValidationError(
            {
                field: [ErrorDetail(message, code=error.code) for message in messages]
                for field, messages in error.errors.items()
            }
        )
    if isinstance(error, TooManyRequests):
        return exceptions.Throttled(wait=error.retry_after, detail=error.detail, code=error.code)
    converted = exceptions.APIException(detail=error.detail, code=error.code)
    converted.status_code = error.status_code
    if isinstance(error, ServiceUnavailable):
        converted.wait = error.retry_after  # type: ignore[attr-defined]  # sent as Retry-After
    return converted


class ErrorFormatter(ExceptionFormatter):
    """drf-standardized-errors' formatter, plus the request id."""

    @override
    def format_error_response(self, error_response: ErrorResponse) -> Any:
        body = super().format_error_response(error_response)
        body["request_id"] = request_id_var.get()
        return body


class ExceptionHandler(StandardExceptionHandler):
    """drf-standardized-errors' handler, plus domain errors, Django's ValidationError
    and an unreachable database (a 503 with ``Retry-After`` that opens the
    database's circuit breaker, see ``apps.core.db``).

    Model and password validators raise Django's ValidationError; without this
    it would be an unhandled exception (a 500) instead of the client's mistake.
    """

    @override
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, DomainError):
            return as_api_exception(exc)
        if isinstance(exc, DjangoValidationError):
            return exceptions.ValidationError(detail=as_serializer_error(exc))
        if is_unavailable(exc):
            # A failure of the database opens the breaker. The breaker's own
            # refusal does not, nor does a pool that was retired (PoolClosed) or
            # gave up waiting (PoolTimeout: a waiter from before the outage, or
            # an exhausted pool; failed connection attempts trip it themselves).
            if not isinstance(exc, DatabaseUnavailable | PoolClosed) and not _pool_timeout(exc):
                trip(exc)
            return as_api_exception(ServiceUnavailable(retry_after=database_breaker.retry_after()))
        return super().convert_known_exceptions(exc)

    @override
    def report_exception(self, exc: exceptions.APIException, response: Response) -> None:
        if is_unavailable(self.exc):
            return  # one log line per outage (the breaker's), not one per request
        super().report_exception(exc, response)


def _pool_timeout(exc: BaseException) -> bool:
    return isinstance(exc, PoolTimeout) or isinstance(exc.__cause__, PoolTimeout)


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
