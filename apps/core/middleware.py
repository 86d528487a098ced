"""Middleware that keeps the API request path free of thread hops.

Django's ``MiddlewareMixin.__acall__`` runs ``process_request`` and
``process_response`` through ``sync_to_async``: two thread hops per
middleware per request. Here every middleware either is native async or
skips that path for API requests.
"""

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import override

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import response_for_exception
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware import csp
from django.utils.csp import CSP, build_policy
from django.utils.deprecation import MiddlewareMixin

from apps.core.context import request_id_var
from apps.core.errors import disallowed_host
from apps.core.upstream.middleware import inline_acall

security_logger = logging.getLogger("django.security.DisallowedHost")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


def request_id_from(value: str | None) -> str:
    """Return the client's request id if it is safe to log and echo, else a new one."""
    if value and _VALID_REQUEST_ID.fullmatch(value):  # match's "$" allows a final newline
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Accept a valid ``X-Request-ID`` or make one; echo it and expose it to logs.

    It also validates the Host header against ``ALLOWED_HOSTS`` on every
    request (no other middleware in the chain does), answering 400.
    """

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: AsyncGetResponse) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        # Not reset on the way out: Django logs the response after the
        # middleware chain returns, and each request runs in its own task
        # (its own copy of the context) under a server.
        request_id_var.set(request_id)
        response: HttpResponseBase
        try:
            request.get_host()
        except DisallowedHost as exc:
            # Answered here, with the request id set: the JSON 400 handler.
            if settings.DEBUG:
                # Django would answer its HTML debug page; ours says what to set.
                security_logger.error(str(exc), extra={"status_code": 400, "request": request})
                response = disallowed_host(request, exc)
            else:
                response = await sync_to_async(response_for_exception)(request, exc)
            assert response is not None
        else:
            response = await self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class ContentSecurityPolicyMiddleware(csp.ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, hop-free, with a second policy for HTML pages.

    Every response gets ``SECURE_CSP`` / ``SECURE_CSP_REPORT_ONLY`` (the
    strict API policy) except an HTML one (Swagger UI, Redoc, the admin),
    which gets ``CSP_PAGES`` / ``CSP_PAGES_REPORT_ONLY``: their templates put
    the request's nonce on their inline code. A view's own ``csp_override``
    still wins. Both hooks are pure computation, so they run inline; the API
    policy has no nonce, so its header is built once, not per response (a
    third of the middleware's time on /me).
    """

    _api_headers: tuple[object, object, list[tuple[str, str]]] | None = None

    @override
    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        return await inline_acall(self, request)

    def _api_policy_headers(self) -> list[tuple[str, str]]:
        """The API policy's headers, rebuilt only when the settings' dicts are replaced."""
        enforce, report_only = settings.SECURE_CSP, settings.SECURE_CSP_REPORT_ONLY
        cached = self._api_headers
        if cached is None or cached[0] is not enforce or cached[1] is not report_only:
            headers = [
                (str(header), build_policy(config))
                for header, config in (
                    (CSP.HEADER_ENFORCE, enforce),
                    (CSP.HEADER_REPORT_ONLY, report_only),
                )
                if config
            ]
            cached = self._api_headers = (enforce, report_only, headers)
        return cached[2]

    @override
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        overridden = hasattr(response, "_csp_config") or hasattr(response, "_csp_ro_config")
        if str(response.get("Content-Type", "")).startswith("text/html"):
            if not hasattr(response, "_csp_config"):
                response._csp_config = settings.CSP_PAGES  # type: ignore[attr-defined]
            if not hasattr(response, "_csp_ro_config"):
                response._csp_ro_config = settings.CSP_PAGES_REPORT_ONLY  # type: ignore[attr-defined]
        elif not overridden:
            for header, value in self._api_policy_headers():
                if header not in response:
                    response[header] = value
            return response
        return super().process_response(request, response)


def admin_path(request: HttpRequest) -> bool:
    """Whether the request is for the admin (``ADMIN_URL``; never when it is off)."""
    prefix: str = settings.ADMIN_URL_PREFIX
    return bool(prefix) and request.path.startswith(prefix)


class AdminOnlyMixin(MiddlewareMixin):
    """Run a session-era middleware only for the admin (under ``ADMIN_URL``).

    The API authenticates with tokens and never touches sessions or messages,
    so for API requests these pass straight through, with no thread hop.
    """

    @override
    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if not admin_path(request):
            assert iscoroutinefunction(self.get_response)
            return await self.get_response(request)  # type: ignore[no-any-return]
        return await super().__acall__(request)


class AdminSessionMiddleware(AdminOnlyMixin, SessionMiddleware):
    pass


class AdminAuthenticationMiddleware(AdminOnlyMixin, AuthenticationMiddleware):
    pass


class AdminMessageMiddleware(AdminOnlyMixin, MessageMiddleware):
    pass
