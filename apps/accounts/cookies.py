"""The session cookie of web clients, and the CSRF check that comes with it.

A web client that logs in with ``"transport": "cookie"`` gets its knox token
as an httpOnly cookie (``AUTH_COOKIE_*`` settings) instead of in the body;
every endpoint then accepts it from the cookie as from the Authorization
header (``apps.accounts.authentication``). It is the same session: the same
token row, cache entry, expiry and revocation.

A browser attaches the cookie to requests other sites trigger, so an unsafe
request (POST, PUT, PATCH, DELETE) authenticated by the cookie must also:

- carry ``X-CSRFToken``: a value bound to the session (an HMAC of the token's
  digest with the secret key), returned by login and by ``GET /auth/csrf``.
  Another site can make the browser send the cookie, never this header: a
  custom header needs a CORS preflight, which only allowed origins pass, and
  only they can read the value from a response;
- come from an allowed origin when the browser says where it comes from
  (``Origin``): the API's own, ``CORS_ALLOWED_ORIGINS`` or ``CSRF_TRUSTED_ORIGINS``.

A request with an ``Authorization: Bearer`` header needs neither: no browser
adds that header by itself.
"""

from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework import exceptions

CSRF_HEADER = "X-CSRFToken"
# Lax: sent on a top-level navigation from another site (a link into the app),
# never on its subrequests or cross-site POSTs.
SAMESITE: Final = "Lax"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_CSRF_SALT = "apps.accounts.cookies.csrf"


def csrf_token_for(digest: str) -> str:
    """The CSRF token of the session whose token hashes to ``digest`` (stateless)."""
    return salted_hmac(_CSRF_SALT, digest, algorithm="sha256").hexdigest()


def _allowed_origins(request: HttpRequest) -> set[str]:
    own = f"{request.scheme}://{request.get_host()}"
    return {own, *settings.CORS_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS}


def check_csrf(request: HttpRequest, digest: str) -> None:
    """Refuse (403 ``csrf_failed``) an unsafe cookie-authenticated request without proof."""
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if origin is not None and origin not in _allowed_origins(request):
        raise exceptions.PermissionDenied(
            f"CSRF check failed: origin {origin} is not allowed.", code="csrf_failed"
        )
    given = request.headers.get(CSRF_HEADER, "")
    if not constant_time_compare(given, csrf_token_for(digest)):
        raise exceptions.PermissionDenied(
            f"CSRF check failed: a cookie-authenticated {request.method} needs the "
            f"{CSRF_HEADER} header (from login or GET /api/v1/auth/csrf).",
            code="csrf_failed",
        )


def _cookie_lifetime(created: datetime, expiry: datetime | None) -> int | None:
    """Seconds the browser keeps the cookie: as long as the session could live.

    With auto-refresh the token outlives its first expiry, up to
    ``TOKEN_AUTO_REFRESH_MAX_TTL`` after creation; the server still refuses
    it as soon as it expires, so an older cookie is only ever refused.
    """
    if expiry is None:
        return None  # a browser-session cookie
    end = expiry
    if settings.TOKEN_AUTO_REFRESH:
        end = max(expiry, created + settings.TOKEN_AUTO_REFRESH_MAX_TTL)
    return max(0, int((end - timezone.now()) / timedelta(seconds=1)))


def set_session_cookie(
    response: HttpResponseBase, *, token: str, created: datetime, expiry: datetime | None
) -> None:
    response.set_cookie(
        settings.AUTH_COOKIE_NAME,
        token,
        max_age=_cookie_lifetime(created, expiry),
        path=settings.AUTH_COOKIE_PATH,
        domain=settings.AUTH_COOKIE_DOMAIN,
        secure=settings.AUTH_COOKIE_SECURE,
        httponly=True,
        samesite=SAMESITE,
    )


def delete_session_cookie(response: HttpResponseBase) -> None:
    response.delete_cookie(
        settings.AUTH_COOKIE_NAME,
        path=settings.AUTH_COOKIE_PATH,
        domain=settings.AUTH_COOKIE_DOMAIN,
        samesite=SAMESITE,
    )
