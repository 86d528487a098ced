"""The shared async Redis client (token cache, readiness, throttles) and its breaker.

Opened by the ASGI lifespan and closed at shutdown; outside a server the
first use creates it. Every path that can do without Redis (authentication,
throttles, login and logout) checks ``breaker`` first and trips it on a
Redis error, so a stalled or dead Redis costs one timeout per process every
few seconds instead of one per request.
"""

import asyncio

import redis.asyncio as aioredis
from django.conf import settings
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from apps.core.circuit import CircuitBreaker

breaker = CircuitBreaker("redis", open_seconds=5.0)
# Redis answers in well under a millisecond; a second means it is not answering.
TIMEOUT_SECONDS = 1.0
_client: aioredis.Redis | None = None


def sync_retry() -> Retry:
    """One immediate retry, on a broken connection only (a pooled connection a Redis
    restart closed). redis-py's default retries timeouts ten times with backoff: 10+ s
    per command against a stalled server, before any breaker can help."""
    return Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))


def async_retry() -> AsyncRetry:
    """``sync_retry`` for the asyncio client."""
    return AsyncRetry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))


def get_redis() -> aioredis.Redis:
    """The process-wide async client; creating it does no I/O."""
    global _client
    if _client is None:
        _client = aioredis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=TIMEOUT_SECONDS,
            socket_timeout=TIMEOUT_SECONDS,
            health_check_interval=30,
            retry=async_retry(),
        )
    return _client


def open_redis() -> None:
    """Create the client at startup. No I/O: a Redis outage must not stop the API
    from starting (authentication falls back to the database)."""
    _ = get_redis()


async def close_redis() -> None:
    global _client
    client, _client = _client, None
    if client is not None:
        await client.aclose()


type _Value = bytes | str | None
type _Waiters = dict[str, list[asyncio.Future[_Value]]]


class BatchedGet:
    """GETs that coalesce: every ``get`` made in one event-loop iteration is one MGET.

    Under load many requests reach their cache lookup in the same loop
    iteration (the server starts a task per request that became readable);
    one round trip for all of them instead of one each saves the client's
    per-command work, a socket write and a Redis wakeup per request. The first
    ``get`` of an iteration schedules the send with ``call_soon``, so a lone
    request waits one loop turn at most. The send runs in its own task: a
    cancelled request never strands the others. A Redis error reaches every
    caller of that batch (callers fall back as for a failed GET).
    """

    def __init__(self) -> None:
        self._waiters: _Waiters | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sends: set[asyncio.Task[None]] = set()
        self.round_trips = 0  # MGETs sent (observable in tests)

    async def get(self, key: str) -> _Value:
        loop = asyncio.get_running_loop()
        waiters = self._waiters
        if waiters is None or self._loop is not loop:
            waiters = {}
            self._waiters, self._loop = waiters, loop
            loop.call_soon(self._send_batch, waiters, loop)
        future: asyncio.Future[_Value] = loop.create_future()
        waiters.setdefault(key, []).append(future)
        return await future

    def _send_batch(self, waiters: _Waiters, loop: asyncio.AbstractEventLoop) -> None:
        if self._waiters is waiters:
            self._waiters = self._loop = None
        task = loop.create_task(self._mget(waiters))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)

    async def _mget(self, waiters: _Waiters) -> None:
        keys = list(waiters)
        self.round_trips += 1
        try:
            values: list[_Value] = await get_redis().mget(keys)
        except asyncio.CancelledError:
            for futures in waiters.values():
                for future in futures:
                    _ = future.cancel()
            raise
        except Exception as error:
            for futures in waiters.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            return
        for key, value in zip(keys, values, strict=True):
            for future in waiters[key]:
                if not future.done():
                    future.set_result(value)
