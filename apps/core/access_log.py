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

Written directly when that is exact: the logging path (a ``LogRecord``, the
caller lookup, filters, python-json-logger's formatter) cost ``/me`` about
120 function calls, more than anything else we add to a request. When the
only thing that would see the record is our JSON console handler
(``apps.core.logging``: no other handler, no filter of anyone else's on the
way), the line is built here, the same bytes, and written to that handler's
stream under its lock. Any other configuration (a test's log capture, a
handler added for the access log, ``LOG_FORMAT=plain``) takes the logging
path. tests/core/test_access_log.py checks the two give the same line.
"""

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from django.conf import settings

from apps.core import metrics
from apps.core.context import request_id_var
from apps.core.logging import DIRECT_JSON, RequestIdFilter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("apps.access")
_root = logging.getLogger()


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
            write_line(scope["method"], scope["path"], status, elapsed)


def write_line(method: str, path: str, status: int | None, seconds: float) -> None:
    """Write one access-log line: directly when that is exact, else through logging."""
    duration_ms = round(seconds * 1000, 2)
    handler = _direct_handler()
    if handler is not None:
        _write_direct(handler, method, path, status, duration_ms)
        return
    logger.info(
        "%s %s %s",
        method,
        path,
        status or "-",  # the client left before a response started
        extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms},
    )


def _direct_handler() -> logging.StreamHandler[Any] | None:
    """Our JSON console handler, when it is the only thing the record would reach."""
    current: logging.Logger | None = logger
    while current is not _root:  # no handler or filter on the way up
        if current is None or current.handlers or current.filters or not current.propagate:
            return None
        current = current.parent
    if _root.filters or len(_root.handlers) != 1:
        return None
    handler = _root.handlers[0]
    if not isinstance(handler, logging.StreamHandler) or handler.level > logging.INFO:
        return None
    if getattr(handler, DIRECT_JSON, None) is not handler.formatter:
        return None  # not our JSON handler, or its formatter was replaced
    if len(handler.filters) != 1 or type(handler.filters[0]) is not RequestIdFilter:
        return None
    return handler


class _Clock:
    """The formatted current second (``logging.Formatter.formatTime``'s default)."""

    second = -1
    text = ""


_clock = _Clock()


def _write_direct(
    handler: logging.StreamHandler[Any],
    method: str,
    path: str,
    status: int | None,
    duration_ms: float,
) -> None:
    # What python-json-logger writes for this record (apps.core.logging.json_formatter):
    # time (local, "%Y-%m-%d %H:%M:%S,mmm"), level, logger, message, request_id,
    # then the extras in the order given; ASCII-escaped.
    now = time.time()
    second = int(now)
    if second != _clock.second:
        _clock.text = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        _clock.second = second
    line = json.dumps(
        {
            "time": f"{_clock.text},{int((now - second) * 1000):03d}",
            "level": "INFO",
            "logger": logger.name,
            "message": f"{method} {path} {status or '-'}",
            "request_id": request_id_var.get(),
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
        }
    )
    handler.acquire()
    try:
        handler.stream.write(line + handler.terminator)
        handler.flush()
    except Exception:
        handler.handleError(logging.makeLogRecord({"msg": line}))
    finally:
        handler.release()
