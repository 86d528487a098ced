"""The Redis cache in front of token lookups.

Keys derive from the token's digest (never the raw token): ``auth:token:<digest>``.
An entry holds only what authentication needs to build ``request.user``.

Revocation writes a short-lived tombstone ``auth:revoked:<digest>`` next to
deleting the entry, and a cache fill is refused while a tombstone exists
(one Lua call). That closes the race where a request that read the token row
just before a revocation committed would re-cache it just after. Every
revocation knows the digests it revokes (services fetch them first), so
logout-all is one pipelined round trip, and a hit costs one GET (a per-user
generation counter would cost a second read on every request).

Lookups made in the same event-loop iteration share one MGET (under load
many requests reach authentication together). Redis failures never fail a
request: reads and fills fall back to the database, and a circuit breaker
skips Redis for a few seconds after an error so an outage does not add a
timeout to every request.
"""

import json
import logging
import time
from datetime import datetime
from typing import TypedDict

import redis
from django.conf import settings
from redis.exceptions import RedisError

from apps.core import metrics
from apps.core.redis import BatchedGet, get_redis

logger = logging.getLogger(__name__)

CIRCUIT_OPEN_SECONDS = 5.0
_circuit_open_until = 0.0

# KEYS[1] = entry key, KEYS[2] = tombstone key; ARGV = value, ttl seconds
_FILL_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""


class TokenEntry(TypedDict):
    """What a cached token says: enough to authenticate and build the user."""

    token_id: str  # AuthToken.public_id
    created: float  # epoch seconds
    expiry: float | None  # epoch seconds; None = never expires
    checked_at: float  # when expiry/last-use were last written to the database
    user_id: int
    email: str
    full_name: str
    email_verified: bool
    is_staff: bool
    is_superuser: bool
    date_joined: float


def entry_key(digest: str) -> str:
    return f"auth:token:{digest}"


def tombstone_key(digest: str) -> str:
    return f"auth:revoked:{digest}"


def entry_ttl(entry: TokenEntry, now: float) -> int:
    """Seconds to cache ``entry``: never beyond the token's own expiry."""
    ttl = settings.TOKEN_CACHE_TTL.total_seconds()
    if entry["expiry"] is not None:
        ttl = min(ttl, entry["expiry"] - now)
    return int(ttl)


def encode(entry: TokenEntry) -> str:
    return json.dumps(entry, separators=(",", ":"))


def decode(raw: bytes | str) -> TokenEntry:
    entry: TokenEntry = json.loads(raw)
    return entry


def epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def _available() -> bool:
    return time.monotonic() >= _circuit_open_until


def _trip(error: Exception) -> None:
    global _circuit_open_until
    _circuit_open_until = time.monotonic() + CIRCUIT_OPEN_SECONDS
    logger.warning(
        "token cache unavailable; authenticating against the database",
        extra={"error": repr(error)},
    )


# --- async (the hot path) -----------------------------------------------------


# Concurrent lookups share a round trip (see BatchedGet).
_lookups = BatchedGet()


async def aget(digest: str) -> TokenEntry | None:
    if not _available():
        metrics.count_token_fallback()
        return None
    try:
        raw = await _lookups.get(entry_key(digest))
    except RedisError as error:
        _trip(error)
        metrics.count_token_fallback()
        return None
    metrics.count_token_lookup(raw is not None)
    return decode(raw) if raw is not None else None


async def afill(digest: str, entry: TokenEntry) -> None:
    ttl = entry_ttl(entry, time.time())
    if ttl <= 0 or not _available():
        return
    try:
        await get_redis().eval(
            _FILL_SCRIPT, 2, entry_key(digest), tombstone_key(digest), encode(entry), ttl
        )
    except RedisError as error:
        _trip(error)


async def adrop(digest: str) -> None:
    """Forget one entry (an expired token): no tombstone needed."""
    if not _available():
        return
    try:
        await get_redis().delete(entry_key(digest))
    except RedisError as error:
        _trip(error)


async def aclaim_refresh(digest: str, interval_seconds: int) -> bool:
    """True for exactly one caller per token per interval, across processes."""
    if not _available():
        return True
    try:
        claimed = await get_redis().set(
            f"auth:refresh:{digest}", 1, nx=True, ex=max(1, interval_seconds)
        )
    except RedisError as error:
        _trip(error)
        return True
    return bool(claimed)


# --- sync (sync views, services, admin) --------------------------------------

_sync_client: redis.Redis | None = None


def sync_redis() -> redis.Redis:
    global _sync_client
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
    return _sync_client


def get(digest: str) -> TokenEntry | None:
    if not _available():
        return None
    try:
        raw = sync_redis().get(entry_key(digest))
    except RedisError as error:
        _trip(error)
        return None
    return decode(raw) if isinstance(raw, bytes | str) else None


def fill(digest: str, entry: TokenEntry) -> None:
    ttl = entry_ttl(entry, time.time())
    if ttl <= 0 or not _available():
        return
    try:
        sync_redis().eval(
            _FILL_SCRIPT, 2, entry_key(digest), tombstone_key(digest), encode(entry), ttl
        )
    except RedisError as error:
        _trip(error)


def revoke(digests: list[str]) -> None:
    """Delete the entries of revoked tokens and tombstone them, in one round trip.

    Call after the revocation committed (``transaction.on_commit``).
    """
    if not digests:
        return
    tombstone_ttl = max(1, int(settings.TOKEN_CACHE_TTL.total_seconds()))
    try:
        pipe = sync_redis().pipeline(transaction=False)
        for digest in digests:
            pipe.set(tombstone_key(digest), 1, ex=tombstone_ttl)
            pipe.delete(entry_key(digest))
        pipe.execute()
    except RedisError as error:
        # Entries left behind expire within TOKEN_CACHE_TTL.
        logger.error(
            "could not revoke cached tokens", extra={"count": len(digests), "error": repr(error)}
        )


def forget(digests: list[str]) -> None:
    """Delete entries whose cached user data changed (the tokens stay valid)."""
    if not digests:
        return
    try:
        sync_redis().delete(*(entry_key(digest) for digest in digests))
    except RedisError as error:
        logger.error(
            "could not refresh cached tokens", extra={"count": len(digests), "error": repr(error)}
        )


def reset_circuit() -> None:
    """Close the circuit breaker (tests, and after an operator fixed Redis)."""
    global _circuit_open_until
    _circuit_open_until = 0.0
