"""Token authentication: knox tokens, a Redis cache in front, async first.

``aauthenticate`` is awaited by ``apps.core.views.AsyncAPIView`` on the event
loop. There is no sync ``authenticate``: every API view is async, and the
schema views authenticate nobody (``SERVE_AUTHENTICATION``). It:

- takes the token from ``Authorization: Bearer <token>``, or, with no
  Authorization header, from the session cookie of web clients (then an
  unsafe method must pass the CSRF check of ``apps.accounts.cookies``);
- hashes the presented token (knox's digest) and looks the digest up in the
  cache; a hit costs no database query at all;
- on a miss runs one primary-key query through the async pool, then caches
  the entry for at most ``TOKEN_CACHE_TTL`` and never beyond the token's
  expiry, with the time the row was read as proof (``token_cache.afill``);
- refuses an expired token even while its cache entry exists;
- writes the refreshed expiry (``TOKEN_AUTO_REFRESH``) and ``last_used_at`` at
  most once per ``TOKEN_MIN_REFRESH_INTERVAL`` per token, across processes;
  when that write updates no row the token was revoked meanwhile: its entry
  is tombstoned and dropped and the request refused;
- never lists the user's other tokens (a periodic job purges expired ones).
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import override

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.crypto import hash_token
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from apps.accounts import token_cache
from apps.accounts.cookies import check_csrf
from apps.accounts.models import Transport, User
from apps.accounts.token_cache import TokenEntry, epoch
from apps.core.db import get_pool

HEADER_SCHEME = "Bearer"
TOKEN_HEX_LENGTH = 64
_HEX = frozenset("0123456789abcdef")

_LOOKUP_SQL = """
SELECT t.public_id, t.created, t.expiry, t.last_used_at,
       u.id, u.email, u.full_name, u.email_verified, u.is_staff, u.is_superuser,
       u.date_joined, u.is_active
FROM accounts_authtoken t JOIN accounts_user u ON u.id = t.user_id
WHERE t.digest = %s
"""
_TOUCH_SQL = "UPDATE accounts_authtoken SET expiry = %s, last_used_at = %s WHERE digest = %s"


@dataclass(frozen=True, slots=True)
class TokenAuth:
    """``request.auth`` for a token-authenticated request."""

    digest: str
    token_id: str
    expiry: datetime | None
    # How this request presented the token (not how the session was issued).
    transport: Transport = Transport.BEARER


def _invalid() -> exceptions.AuthenticationFailed:
    return exceptions.AuthenticationFailed(_("Invalid token."))


def token_from_header(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None for no/other scheme.

    Raises AuthenticationFailed for a malformed header or a token that cannot be ours.
    """
    if not header:
        return None
    parts = header.split()
    if parts[0].lower() != HEADER_SCHEME.lower():
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed(
            _("Invalid Authorization header: expected 'Bearer <token>'.")
        )
    return _checked(parts[1])


def _checked(token: str) -> str:
    """``token`` if it can be one of ours, else AuthenticationFailed (no lookup for garbage)."""
    prefix: str = settings.TOKEN_PREFIX
    body = token[len(prefix) :]
    if not token.startswith(prefix) or len(body) != TOKEN_HEX_LENGTH or not _HEX.issuperset(body):
        raise _invalid()
    return token


def credentials(request: HttpRequest) -> tuple[str, Transport] | None:
    """The presented token and how: the Bearer header, else (no header) the session cookie."""
    header = request.headers.get("Authorization")
    if header is not None:
        token = token_from_header(header)
        return None if token is None else (token, Transport.BEARER)
    cookie = request.COOKIES.get(settings.AUTH_COOKIE_NAME)
    return None if not cookie else (_checked(cookie), Transport.COOKIE)


def _entry_from_row(row: tuple[object, ...]) -> TokenEntry:
    public_id, created, expiry, last_used_at, user_id, email, full_name = row[:7]
    email_verified, is_staff, is_superuser, date_joined, is_active = row[7:]
    if not is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    assert isinstance(created, datetime)
    assert isinstance(date_joined, datetime)
    assert expiry is None or isinstance(expiry, datetime)
    assert last_used_at is None or isinstance(last_used_at, datetime)
    return TokenEntry(
        token_id=str(public_id),
        created=created.timestamp(),
        expiry=epoch(expiry),
        checked_at=epoch(last_used_at) or 0.0,
        user_id=int(str(user_id)),
        email=str(email),
        full_name=str(full_name),
        email_verified=bool(email_verified),
        is_staff=bool(is_staff),
        is_superuser=bool(is_superuser),
        date_joined=date_joined.timestamp(),
    )


def user_from_entry(entry: TokenEntry) -> User:
    """The user an entry describes, as if loaded from the database (no query)."""
    user = User(
        id=entry["user_id"],
        email=entry["email"],
        full_name=entry["full_name"],
        email_verified=entry["email_verified"],
        is_active=True,
        is_staff=entry["is_staff"],
        is_superuser=entry["is_superuser"],
        date_joined=datetime.fromtimestamp(entry["date_joined"], UTC),
    )
    user._state.adding = False
    user._state.db = "default"
    return user


def _to_datetime(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def touched(entry: TokenEntry, now: float) -> TokenEntry | None:
    """The entry after a use at ``now`` if the database must be written, else None.

    Due at most once per ``TOKEN_MIN_REFRESH_INTERVAL``; with auto-refresh the
    expiry moves to ``now + TOKEN_TTL``, capped at ``created + TOKEN_AUTO_REFRESH_MAX_TTL``.
    """
    if now - entry["checked_at"] < settings.TOKEN_MIN_REFRESH_INTERVAL.total_seconds():
        return None
    expiry = entry["expiry"]
    if settings.TOKEN_AUTO_REFRESH and expiry is not None:
        refreshed = now + settings.TOKEN_TTL.total_seconds()
        ceiling = entry["created"] + settings.TOKEN_AUTO_REFRESH_MAX_TTL.total_seconds()
        expiry = max(expiry, min(refreshed, ceiling))
    return TokenEntry(**{**entry, "expiry": expiry, "checked_at": now})


def _expired(entry: TokenEntry, now: float) -> bool:
    return entry["expiry"] is not None and entry["expiry"] <= now


class TokenAuthentication(BaseAuthentication):
    """knox bearer tokens with a Redis cache in front (see the module docstring)."""

    @override
    def authenticate_header(self, request: Request) -> str:
        return HEADER_SCHEME

    async def aauthenticate(self, request: Request) -> tuple[User, TokenAuth] | None:
        presented = credentials(request._request)
        if presented is None:
            return None
        token, transport = presented
        digest = hash_token(token)
        now = time.time()
        entry = await token_cache.aget(digest)
        if entry is None:
            proven_at = time.time()  # the row is read after this: a conservative proof time
            entry = await self._aload(digest)
            if _expired(entry, now):
                raise _invalid()
            await token_cache.afill(digest, entry, proven_at=proven_at)
        elif _expired(entry, now):
            await token_cache.adrop(digest)
            raise _invalid()
        if transport is Transport.COOKIE:
            check_csrf(request._request, digest)
        update = touched(entry, now)
        if update is not None:
            interval = int(settings.TOKEN_MIN_REFRESH_INTERVAL.total_seconds())
            if await token_cache.aclaim_refresh(digest, interval):
                await self._atouch(digest, update)
                entry = update
        return user_from_entry(entry), TokenAuth(
            digest, entry["token_id"], _to_datetime(entry["expiry"]), transport
        )

    async def _aload(self, digest: str) -> TokenEntry:
        pool = await get_pool()
        async with pool.connection() as connection:
            cursor = await connection.execute(_LOOKUP_SQL, (digest,))
            row = await cursor.fetchone()
        if row is None:
            raise _invalid()
        return _entry_from_row(row)

    async def _atouch(self, digest: str, entry: TokenEntry) -> None:
        """Write the refreshed expiry; no row updated means the token was revoked meanwhile."""
        proven_at = time.time()
        pool = await get_pool()
        async with pool.connection() as connection:
            cursor = await connection.execute(
                _TOUCH_SQL,
                (_to_datetime(entry["expiry"]), _to_datetime(entry["checked_at"]), digest),
            )
        if cursor.rowcount == 0:
            await token_cache.arevoked(digest)
            raise _invalid()
        await token_cache.afill(digest, entry, proven_at=proven_at)
