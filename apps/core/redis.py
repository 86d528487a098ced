"""The shared async Redis client (token cache, readiness, throttles).

Opened by the ASGI lifespan and closed at shutdown; outside a server the
first use creates it.
"""

import redis.asyncio as aioredis
from django.conf import settings

_client: aioredis.Redis | None = None


def get_redis() -> aioredis.Redis:
    """The process-wide async client; creating it does no I/O."""
    global _client
    if _client is None:
        _client = aioredis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=2,
            socket_timeout=2,
            health_check_interval=30,
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
