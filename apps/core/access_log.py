"""One access-log line per HTTP request, with its request id (``ACCESS_LOG``),
and the request's metrics (``METRICS_ENABLED``, ``apps.core.metrics``).

The ASGI entry point (``project.asgi``) wraps everything it serves with
``serve_observed`` when either is on: Django, static files and the body
refusals (413/411), so each line (and each count) has the status actually
sent and the time from the request's arrival to the end of its handling.
uvicorn's own access log is off (``project.settings.logging``): it is
written outside the request's context and cannot know the request id, which
the middleware sets in this same context
(``apps.core.middleware.RequestIdMiddleware``).

The line is ``"GET /api/v1/me 200"`` with ``method``, ``path``, ``status`` and
``duration_ms`` as fields. The query string is left out: it can carry
secrets (signed download links, verification tokens).
"""

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

from apps.core import metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("apps.access")


def access_log_enabled() -> bool:
    """``ACCESS_LOG`` is on and ``LOG_LEVEL`` lets INFO lines through."""
    return bool(settings.ACCESS_LOG) and logger.isEnabledFor(logging.INFO)


def observed() -> bool:
    """Whether requests go through ``serve_observed`` (the access log or metrics are on)."""
    return metrics.on or access_log_enabled()


async def serve_observed(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run ``app`` for one HTTP request, then write its access-log line and count it."""
    started = time.perf_counter()
    status: int | None = None

    async def send_recording_status(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        await send(message)

    try:
        await app(scope, receive, send_recording_status)
    except Exception:
        status = status or 500  # what the server answers for an app that raised
        raise
    finally:
        elapsed = time.perf_counter() - started
        if metrics.on:
            metrics.record_request(scope, status, elapsed)
        if access_log_enabled():
            method, path = scope["method"], scope["path"]
            logger.info(
                "%s %s %s",
                method,
                path,
                status or "-",  # the client left before a response started
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
