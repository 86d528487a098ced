"""Django's ``MiddlewareMixin.__acall__`` without its thread hops, for pure middleware.

``MiddlewareMixin.__acall__`` (Django 6.1) runs ``process_request`` and
``process_response`` through ``sync_to_async``: two thread hops per
middleware per request. ``inline_acall`` mirrors it line for line but calls
the hooks inline. It is installed (``install_inline_acall``), process-wide,
only on Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware``,
whose hooks only read settings and set headers (no I/O); they stay listed
under their own names so ``check --deploy`` still inspects them.

Re-review ``inline_acall`` against ``MiddlewareMixin.__acall__``, and the
two middlewares' hooks for I/O, when Django is upgraded
(``apps.core.upstream.MIRRORS``).
"""

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.deprecation import MiddlewareMixin

INLINE_MIDDLEWARE: tuple[type[MiddlewareMixin], ...] = (SecurityMiddleware, XFrameOptionsMiddleware)


async def inline_acall(self: MiddlewareMixin, request: HttpRequest) -> HttpResponseBase:
    """``MiddlewareMixin.__acall__`` without the thread hops.

    Only for middleware whose hooks are pure computation (no I/O): they are
    then safe to run on the event loop.
    """
    hooks: Any = self
    response: HttpResponseBase | None = None
    if hasattr(hooks, "process_request"):
        response = hooks.process_request(request)
    response = response or await self.get_response(request)  # type: ignore[misc]
    if hasattr(hooks, "process_response"):
        response = hooks.process_response(request, response)
    assert response is not None
    return response


def install_inline_acall() -> None:
    """Patch ``__acall__`` of ``INLINE_MIDDLEWARE`` (called once, from ``CoreConfig.ready``)."""
    for middleware in INLINE_MIDDLEWARE:
        middleware.__acall__ = inline_acall  # type: ignore[method-assign]
