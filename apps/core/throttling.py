"""An async rate limit on Redis: no thread hop, one round trip per check.

DRF's throttles are sync and use the sync cache, which the async base view
would have to run in a thread. ``AsyncScopedRateThrottle`` counts requests per
(scope, client IP) in a fixed window with one pipelined INCR + EXPIRE. If
Redis is unreachable it lets the request through: a cache outage must not
take login down with it (axes still guards passwords). The Redis circuit
breaker (``apps.core.redis.breaker``) makes that cost one timeout per process
every few seconds, not one per request.
"""

import time
from typing import Any, override

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from apps.core.http import client_ip
from apps.core.redis import breaker, get_redis

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"5/m"`` or ``"100/hour"`` -> (5, 60) / (100, 3600)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period.strip()[0]]


class AsyncScopedRateThrottle(BaseThrottle):
    """Limit a view to ``settings.THROTTLE_RATES[view.throttle_scope]`` per client IP."""

    def __init__(self) -> None:
        self._wait: float | None = None

    @override
    async def allow_request(self, request: Request, view: Any) -> bool:  # type: ignore[override]
        scope: str | None = getattr(view, "throttle_scope", None)
        rate = settings.THROTTLE_RATES.get(scope) if scope else None
        if rate is None:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        key = f"throttle:{scope}:{client_ip(request._request)}:{window}"
        if not breaker.available():
            return True
        try:
            async with get_redis().pipeline(transaction=False) as pipe:
                _ = pipe.incr(key)
                _ = pipe.expire(key, period)
                count, _ = await pipe.execute()
        except RedisError as error:
            breaker.trip(error, message="throttle store unavailable; allowing requests")
            return True
        if int(count) > limit:
            self._wait = (window + 1) * period - now
            return False
        return True

    @override
    def wait(self) -> float | None:
        return self._wait
