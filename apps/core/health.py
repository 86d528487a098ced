"""Liveness and readiness probes.

``/healthz`` does no I/O: the process answers, so it is alive.
``/readyz`` checks PostgreSQL through the async pool, Redis and the Celery
broker concurrently and answers 503 naming what failed.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from kombu import Connection

from apps.core.db import get_pool
from apps.core.redis import get_redis

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3.0


async def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


async def check_database() -> None:
    pool = await get_pool()
    async with pool.connection(timeout=CHECK_TIMEOUT_SECONDS) as connection:
        await connection.execute("SELECT 1")


async def check_redis() -> None:
    await get_redis().ping()


def _check_broker_sync() -> None:
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


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
    except Exception as exc:  # any failure means "not ready"; say which
        logger.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
        return "unavailable"
    return "ok"


async def readyz(request: HttpRequest) -> JsonResponse:
    names = list(READINESS_CHECKS)
    results = await asyncio.gather(*(_run(name, READINESS_CHECKS[name]) for name in names))
    checks = dict(zip(names, results, strict=True))
    ready = all(result == "ok" for result in results)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
