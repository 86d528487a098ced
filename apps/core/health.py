"""Liveness and readiness probes.

``/healthz`` does no I/O: the process answers, so it is alive.

``/readyz`` says whether this process should get traffic. PostgreSQL is
required: without it almost nothing works, so it answers 503. Redis and the
Celery broker are not: without Redis, authentication and throttles fall back
to the database; without the broker, jobs wait in the outbox. So it answers
200 with ``"status": "degraded"`` and says which is down (taking every pod out
of rotation at once for a Redis blip would turn a slowdown into an outage).
The checks run concurrently and the answer comes within a second (the
default timeout of a Kubernetes probe).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from kombu import Connection

from apps.core.db import get_pool
from apps.core.redis import breaker as redis_breaker
from apps.core.redis import get_redis

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 0.9
REQUIRED = frozenset({"database"})


async def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


async def check_database() -> None:
    pool = await get_pool()  # fails at once while the database's breaker is open
    async with pool.connection(timeout=CHECK_TIMEOUT_SECONDS) as connection:
        await connection.execute("SELECT 1")


async def check_redis() -> None:
    if not redis_breaker.available():
        raise ConnectionError("the Redis circuit breaker is open")
    await get_redis().ping()


def _check_broker_sync() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as broker:
        broker.ensure_connection(max_retries=1, timeout=1)


async def check_broker() -> None:
    await sync_to_async(_check_broker_sync, thread_sensitive=False)()


READINESS_CHECKS: dict[str, Callable[[], Awaitable[None]]] = {
    "database": check_database,
    "redis": check_redis,
    "broker": check_broker,
}


async def _run(name: str, check: Callable[[], Awaitable[None]]) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not available"; say which
        logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
        return "unavailable"
    return "ok"


async def readyz(request: HttpRequest) -> JsonResponse:
    names = list(READINESS_CHECKS)
    results = await asyncio.gather(*(_run(name, READINESS_CHECKS[name]) for name in names))
    checks = dict(zip(names, results, strict=True))
    down = {name for name, result in checks.items() if result != "ok"}
    if down & REQUIRED:
        status, code = "unavailable", 503
    elif down:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
