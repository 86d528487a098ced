"""DRF's request cycle, async: ``APIView.dispatch``/``initial`` with awaited checks.

adrf's ``async_dispatch`` runs all of ``initial()`` (authentication,
permissions, throttles) inside ``sync_to_async``, and from that thread calls
async authenticators, permissions and throttles through ``async_to_sync``:
two thread hops per request. ``AsyncDispatchMixin`` mirrors DRF 3.16's

- ``APIView.dispatch`` (as ``async_dispatch``): the handler is awaited, a sync
  handler runs in a thread; the response gets ``Cache-Control: no-store``
  unless the view set one, and is rendered inline (``rendered``);
- ``APIView.initial`` (as ``ainitial``), ``check_permissions``,
  ``check_object_permissions`` and ``check_throttles``: async checks are
  awaited on the event loop, sync permissions (pure computation) run inline,
  sync throttles (which may do I/O) in a thread;
- ``Request._authenticate`` (as ``aperform_authentication``): it sets the
  request's private ``_authenticator`` and calls ``_not_authenticated()``
  as DRF does, awaiting an authenticator's ``aauthenticate``.

``rendered`` relies on Django's ``BaseHandler._get_response_async``, which
renders a response that has a ``render`` method through ``sync_to_async``.
Re-review all of it against the upstream functions when DRF or Django is
upgraded (``apps.core.upstream.MIRRORS``).
"""

import inspect
from typing import Any, override

from adrf.requests import AsyncRequest
from adrf.views import APIView
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

NO_STORE = "no-store"


def rendered(response: HttpResponseBase) -> HttpResponseBase:
    """A DRF ``Response`` rendered inline, as a plain ``HttpResponse``.

    Django's handler renders any response with a ``render`` method through
    ``sync_to_async`` (a thread hop per request). Rendering JSON is pure CPU,
    so it is done here on the event loop; the plain copy keeps status, reason,
    headers and cookies, and has no ``render`` left for the handler to hop to.
    """
    if not isinstance(response, Response):
        return response
    response.render()
    plain = HttpResponse(
        response.content, status=response.status_code, reason=response.reason_phrase
    )
    for header, value in response.items():
        plain[header] = value
    plain.cookies = response.cookies
    return plain


async def _resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class AsyncDispatchMixin(APIView):
    """DRF's dispatch with every check awaited on the event loop (see the module docstring)."""

    @override
    async def async_dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        self.args = args
        self.kwargs = kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        try:
            await self.ainitial(drf_request, *args, **kwargs)
            method = (drf_request.method or "").lower()
            handler = (
                getattr(self, method, self.http_method_not_allowed)
                if method in self.http_method_names
                else self.http_method_not_allowed
            )
            if inspect.iscoroutinefunction(handler):
                response = await handler(drf_request, *args, **kwargs)
            else:
                response = await sync_to_async(handler)(drf_request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(drf_request, response, *args, **kwargs)
        if not self.response.has_header("Cache-Control"):  # ours
            # Every answer is for its caller (or carries a token, as login's
            # does): no browser, proxy or CDN may keep a copy.
            self.response["Cache-Control"] = NO_STORE
        return rendered(self.response)

    async def ainitial(self, request: AsyncRequest, *args: Any, **kwargs: Any) -> None:
        """``APIView.initial`` with every check awaited on the event loop."""
        self.format_kwarg = self.get_format_suffix(**kwargs)
        renderer, media_type = self.perform_content_negotiation(request)
        request.accepted_renderer, request.accepted_media_type = renderer, media_type
        version, scheme = self.determine_version(request, *args, **kwargs)
        request.version, request.versioning_scheme = version, scheme
        await self.aperform_authentication(request)
        await self.acheck_permissions(request)
        await self.acheck_throttles(request)

    async def aperform_authentication(self, request: AsyncRequest) -> None:
        for authenticator in request.authenticators or ():
            # An authenticator may offer an async twin (``aauthenticate``)
            # next to its sync ``authenticate`` used by sync views.
            async_authenticate = getattr(authenticator, "aauthenticate", None)
            authenticate = authenticator.authenticate
            try:
                if async_authenticate is not None:
                    user_auth = await async_authenticate(request)
                elif inspect.iscoroutinefunction(authenticate):
                    user_auth = await authenticate(request)
                else:
                    user_auth = await sync_to_async(authenticate)(request)
            except exceptions.APIException:
                request._not_authenticated()
                raise
            if user_auth is not None:
                request._authenticator = authenticator
                request.user, request.auth = user_auth
                return
        request._not_authenticated()

    async def acheck_permissions(self, request: Request) -> None:
        for permission in self.get_permissions():
            if not await _resolve(permission.has_permission(request, self)):
                self._deny(request, permission)

    async def acheck_object_permissions(self, request: Request, obj: Any) -> None:
        for permission in self.get_permissions():
            if not await _resolve(permission.has_object_permission(request, self, obj)):
                self._deny(request, permission)

    def _deny(self, request: Request, permission: object) -> None:
        self.permission_denied(
            request,
            message=getattr(permission, "message", None),
            code=getattr(permission, "code", None),
        )

    async def acheck_throttles(self, request: Request) -> None:
        waits: list[float | None] = []
        for throttle in self.get_throttles():
            allow = throttle.allow_request
            if inspect.iscoroutinefunction(allow):
                allowed = await allow(request, self)
            else:
                allowed = await sync_to_async(allow)(request, self)
            if not allowed:
                waits.append(throttle.wait())
        if waits:
            durations = [wait for wait in waits if wait is not None]
            self.throttled(request, max(durations, default=None))  # type: ignore[arg-type]
