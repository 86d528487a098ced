"""An async rate limit on Redis: no thread hop, one round trip per check.

DRF's throttles are sync and use the sync cache, which the async base view
would have to run in a thread. ``AsyncScopedRateThrottle`` counts requests per
(scope, client IP) in a fixed window with one pipelined INCR + EXPIRE;
``AsyncUserRateThrottle`` counts per (scope, user), and a view that lists both
is limited per IP and per user. If Redis is unreachable it lets the request
through: a cache outage must not take login down with it (axes still guards
passwords). The Redis circuit breaker (``apps.core.redis.breaker``) makes
that cost one timeout per process every few seconds, not one per request.
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
    """``"5/m"`` or ``"100/hour"`` -> (5, 60) / (100, 3600); ``ValueError`` otherwise
    (checked when a server starts: ``apps.core.checks.throttle_problems``)."""
    count, slash, period = rate.partition("/")
    period = period.strip()
    if not slash or not period.isalpha() or period[0] not in _PERIODS:
        raise ValueError(f"not a rate: {rate!r} (write <count>/<s|m|h|d>, e.g. 10/h)")
    return int(count), _PERIODS[period[0]]


def throttle_scope_for(request: Request, view: Any) -> str | None:
    """The view's scope for this request: ``throttle_scopes[method]`` when the view
    throttles some methods only, else ``throttle_scope`` (None: not throttled)."""
    by_method: dict[str, str] | None = getattr(view, "throttle_scopes", None)
    if by_method is not None:
        return by_method.get(request.method or "")
    scope: str | None = getattr(view, "throttle_scope", None)
    return scope


class AsyncScopedRateThrottle(BaseThrottle):
    """Limit a view to ``settings.THROTTLE_RATES[scope]`` per client IP.

    Subclasses count other buckets (``bucket``): per user, per workspace, ...,
    each counted on its own, at ``THROTTLE_RATES["<scope>_<bucket_kind>"]``
    when that is set and the scope's rate otherwise.
    """

    bucket_kind = "ip"

    def __init__(self) -> None:
        self._wait: float | None = None

    def bucket(self, request: Request, view: Any) -> str | None:
        """What this throttle counts for (None: this request is not counted)."""
        return client_ip(request._request)

    @override
    async def allow_request(self, request: Request, view: Any) -> bool:  # type: ignore[override]
        scope = throttle_scope_for(request, view)
        rates: dict[str, str] = settings.THROTTLE_RATES
        rate = rates.get(f"{scope}_{self.bucket_kind}", rates.get(scope)) if scope else None
        if rate is None:
            return True
        bucket = self.bucket(request, view)
        if bucket is None:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        key = f"throttle:{scope}:{self.bucket_kind}:{bucket}:{window}"
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


class AsyncUserRateThrottle(AsyncScopedRateThrottle):
    """The scope's rate per authenticated user (whatever addresses they come from)."""

    bucket_kind = "user"

    @override
    def bucket(self, request: Request, view: Any) -> str | None:
        # request.user was set by authentication, which runs before throttles.
        user = request.user
        return str(user.pk) if user is not None and user.is_authenticated else None
