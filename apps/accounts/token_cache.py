"""The Redis cache in front of token lookups, and revocations that survive Redis faults.

Keys derive from the token's digest (never the raw token): ``auth:token:<digest>``.
An entry holds only what authentication needs to build ``request.user``.
Lookups made in the same event-loop iteration share one MGET, and a hit costs
no database query. Redis failures never fail a request: reads and fills fall
back to the database, and the Redis circuit breaker (``apps.core.redis``)
skips Redis for a few seconds after an error.

Revocation is durable; three rules make it so:

1. Every revocation is written to the database in the revoking transaction:
   triggers on ``accounts_authtoken`` (delete) and ``accounts_user`` (a cached
   field changed) add a row to the revocation outbox (``TokenRevocation``).
   After commit the revoking process tombstones and deletes the entries
   (``auth:revoked:<digest>`` blocks fills for a while) and clears its rows.
2. A process trusts what its cache says for at most
   ``TOKEN_REVOCATION_CHECK_INTERVAL`` after it last read the outbox: before
   using a hit past that, it delivers every pending row to Redis (so a
   revocation Redis missed, during a stall or a restart from an append-only
   file, is retried until it lands) and only then trusts the cache again. If
   it cannot (Redis or the database down), hits are ignored: misses go to the
   database, which knows. When the revoking process could not reach Redis it
   answers only once that interval has passed since the commit, so by then
   no process can still trust an entry that predates the revocation.
3. Nothing writes an entry without proof that the token row exists: a fill
   carries the time the row was read (a lookup, or the expiry touch that
   updated one row) and Redis refuses it while a tombstone exists or when the
   proof is older than ``FILL_MAX_AGE_SECONDS`` (a fill stuck in a stalled
   server); tombstones outlive that. A touch that updates no row means the
   token was revoked: the entry is dropped and the request refused.
"""

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TypedDict

import psycopg
import redis
from django.conf import settings
from django.db import DatabaseError, connection
from redis.exceptions import RedisError

from apps.core import metrics
from apps.core import redis as shared_redis
from apps.core.db import database_breaker, maintenance_connection
from apps.core.redis import BatchedGet, get_redis

logger = logging.getLogger(__name__)

breaker = shared_redis.breaker
# A fill whose proof (the database read) is older than this is refused by Redis.
FILL_MAX_AGE_SECONDS = 10
# Tombstones outlive any fill that could still land (see FILL_MAX_AGE_SECONDS).
TOMBSTONE_SECONDS = 60
OUTBOX_BATCH = 500
# The outbox read and delivery hold up one request: bounded (a miss follows).
RENEWAL_TIMEOUT_SECONDS = 1.0

# KEYS[1] = entry key, KEYS[2] = tombstone key;
# ARGV = value, ttl seconds, proof time (epoch seconds), max proof age (seconds)
_FILL_SCRIPT = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local now = redis.call('TIME')
if tonumber(now[1]) - tonumber(ARGV[3]) > tonumber(ARGV[4]) then return -1 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
"""
_PENDING_SQL = "SELECT id, digest, revoke FROM accounts_tokenrevocation ORDER BY id LIMIT %s"
_DELIVERED_SQL = "DELETE FROM accounts_tokenrevocation WHERE id = ANY(%s)"


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


def check_interval() -> float:
    seconds: float = settings.TOKEN_REVOCATION_CHECK_INTERVAL.total_seconds()
    return seconds


def _trip(error: Exception) -> None:
    breaker.trip(error, message="token cache unavailable; authenticating against the database")


# --- trust: the outbox is read (and delivered) before hits are used -------------


class _Trust:
    """Until when this process may use cache hits (monotonic), and the renewal in flight."""

    until = 0.0
    renewal: "asyncio.Task[None] | None" = None


_trust = _Trust()


async def _renew() -> None:
    """Deliver every pending revocation to Redis, then trust the cache for one interval."""
    if not database_breaker.available():
        return
    read_at = time.monotonic()  # before the read: its snapshot sees every earlier commit
    try:
        async with maintenance_connection(within=RENEWAL_TIMEOUT_SECONDS) as conn:
            cursor = await conn.execute(_PENDING_SQL, (OUTBOX_BATCH,))
            rows = await cursor.fetchall()
            if rows:
                pipe = get_redis().pipeline(transaction=False)
                for _, digest, revoke in rows:
                    if revoke:
                        _ = pipe.set(tombstone_key(digest), 1, ex=TOMBSTONE_SECONDS)
                    _ = pipe.delete(entry_key(digest))
                await pipe.execute()
                await conn.execute(_DELIVERED_SQL, ([row[0] for row in rows],))
    except RedisError as error:
        _trip(error)
        return
    except (psycopg.Error, DatabaseError, TimeoutError) as error:
        logger.warning(
            "revocation outbox unreadable; not trusting the token cache",
            extra={"error": repr(error)},
        )
        return
    if len(rows) < OUTBOX_BATCH:
        _trust.until = read_at + check_interval()


async def _trusted() -> bool:
    if time.monotonic() < _trust.until:
        return True
    renewal = _trust.renewal
    if renewal is None or renewal.done() or renewal.get_loop() is not asyncio.get_running_loop():
        renewal = _trust.renewal = asyncio.get_running_loop().create_task(_renew())
    await asyncio.shield(renewal)  # one renewal at a time; a cancelled request leaves it be
    return time.monotonic() < _trust.until


def distrust() -> None:
    """Forget that the outbox was read (tests; the next hit reads it first)."""
    _trust.until = 0.0


# --- async (the hot path) -----------------------------------------------------

# Concurrent lookups share a round trip (see BatchedGet).
_lookups = BatchedGet()


async def aget(digest: str) -> TokenEntry | None:
    """The cached entry, or None (a miss: not cached, Redis unavailable, or not trusted yet)."""
    if not breaker.available() or not await _trusted():
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


async def afill(digest: str, entry: TokenEntry, *, proven_at: float) -> None:
    """Cache ``entry``; ``proven_at`` (epoch seconds) is when its row was seen in the database."""
    ttl = entry_ttl(entry, time.time())
    if ttl <= 0 or not breaker.available():
        return
    try:
        await get_redis().eval(
            _FILL_SCRIPT,
            2,
            entry_key(digest),
            tombstone_key(digest),
            encode(entry),
            ttl,
            f"{proven_at:.0f}",
            FILL_MAX_AGE_SECONDS,
        )
    except RedisError as error:
        _trip(error)


async def adrop(digest: str) -> None:
    """Forget one entry (an expired token): no tombstone needed."""
    if not breaker.available():
        return
    try:
        await get_redis().delete(entry_key(digest))
    except RedisError as error:
        _trip(error)


async def arevoked(digest: str) -> None:
    """The token's row is gone: tombstone it and drop its entry (its outbox row follows)."""
    if not breaker.available():
        return
    try:
        pipe = get_redis().pipeline(transaction=False)
        _ = pipe.set(tombstone_key(digest), 1, ex=TOMBSTONE_SECONDS)
        _ = pipe.delete(entry_key(digest))
        await pipe.execute()
    except RedisError as error:
        _trip(error)


async def aclaim_refresh(digest: str, interval_seconds: int) -> bool:
    """True for exactly one caller per token per interval, across processes."""
    if not breaker.available():
        return True
    try:
        claimed = await get_redis().set(
            f"auth:refresh:{digest}", 1, nx=True, ex=max(1, interval_seconds)
        )
    except RedisError as error:
        _trip(error)
        return True
    return bool(claimed)


# --- sync (services, after commit) -----------------------------------------------

_sync_client: redis.Redis | None = None


def sync_redis() -> redis.Redis:
    global _sync_client
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=shared_redis.TIMEOUT_SECONDS,
            socket_timeout=shared_redis.TIMEOUT_SECONDS,
            retry=shared_redis.sync_retry(),
        )
    return _sync_client


def revoke(digests: Sequence[str], *, committed_at: float) -> None:
    """Deliver committed revocations to Redis: tombstone and delete their entries.

    Called after the revoking transaction committed, with the monotonic time
    it did (or any later time). On success the outbox rows are cleared. If
    Redis is unreachable the rows stay for the next outbox read of any API
    process, and this returns only once ``TOKEN_REVOCATION_CHECK_INTERVAL``
    has passed since ``committed_at``: from then on no process trusts a cache
    entry older than the revocation (see the module docstring).
    """
    if not digests:
        return
    if breaker.available():
        try:
            pipe = sync_redis().pipeline(transaction=False)
            for digest in digests:
                pipe.set(tombstone_key(digest), 1, ex=TOMBSTONE_SECONDS)
                pipe.delete(entry_key(digest))
            pipe.execute()
        except RedisError as error:
            _trip(error)
        else:
            _clear_outbox(digests)
            return
    logger.warning(
        "revocation left to the outbox: Redis unavailable", extra={"count": len(digests)}
    )
    remaining = committed_at + check_interval() - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)  # the protocol's bound, not a wait for a condition


def _clear_outbox(digests: Sequence[str]) -> None:
    # Any row of these digests is covered by the delivery above (a deleted
    # token gets no newer row). If this fails, an outbox read delivers them again.
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM accounts_tokenrevocation WHERE digest = ANY(%s)", [list(digests)]
            )
    except DatabaseError as error:
        logger.warning("revocation outbox not cleared", extra={"error": repr(error)})


def forget(digests: Sequence[str]) -> None:
    """Delete entries whose cached user data changed (the tokens stay valid).

    Best effort: the outbox rows the change wrote are delivered again by the
    next outbox read, which also clears them.
    """
    if not digests or not breaker.available():
        return
    try:
        sync_redis().delete(*(entry_key(digest) for digest in digests))
    except RedisError as error:
        _trip(error)


def reset_circuit() -> None:
    """Close the Redis circuit breaker (tests, and after an operator fixed Redis)."""
    breaker.reset()
