"""The production ASGI entry point: ``uvicorn project.asgi:app``.

``app`` is a thin wrapper around Django's ASGI handler that

- handles ``lifespan``: opens the async PostgreSQL pool and the async Redis
  client at startup and closes them at shutdown (never per request), and
  freezes the startup heap out of the garbage collector's reach;
- refuses a request body larger than ``MAX_REQUEST_BODY_BYTES`` with 413
  before anything reads it, and a body of unknown length with 411;
- serves static files (admin, Swagger UI, Redoc) with Django's static handler;
- writes one access-log line per HTTP request, with its request id
  (``apps.core.access_log``; ``ACCESS_LOG``);
- hands every other ``http`` request to Django (``apps.core.handler.AsyncHandler``:
  Django's ASGI handler without its per-request thread hops).
"""

import gc
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.handlers.asgi import ASGIHandler

# What django.core.asgi.get_asgi_application() does, with our handler: Django's
# minus its per-request thread hops (see apps.core.handler).
django.setup(set_prefix=False)

from apps.core.handler import AsyncHandler

django_app: ASGIHandler = AsyncHandler()

from apps.core.access_log import access_log_enabled, serve_logged
from apps.core.checks import assert_safe_configuration
from apps.core.context import request_id_var
from apps.core.db import close_pool, open_pool
from apps.core.errors import error_payload
from apps.core.middleware import REQUEST_ID_HEADER, request_id_from
from apps.core.redis import close_redis, open_redis

assert_safe_configuration()

static_app = ASGIStaticFilesHandler(django_app)
STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await open_pool()
                open_redis()
            except Exception as exc:  # report why startup failed, then let the server exit
                await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                return
            # Everything loaded so far (Django, the apps, URL patterns) lives
            # as long as the process: keep it out of every future garbage
            # collection, whose full passes would otherwise walk it all and
            # stall every request in flight (the p99 tail).
            gc.collect()
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await close_pool()
            await close_redis()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _body_refusal(scope: Scope) -> tuple[int, str, str] | None:
    """A (status, code, detail) when the body must be refused before it is read."""
    if scope.get("method") not in _BODY_METHODS:
        return None
    length = _header(scope, b"content-length")
    if length is None:
        if _header(scope, b"transfer-encoding"):
            return 411, "length_required", "A Content-Length header is required."
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length.isdigit() and limit is not None and int(length) > limit:
        return 413, "payload_too_large", f"The request body is larger than {limit} bytes."
    return None


async def _refuse(scope: Scope, send: Send, refusal: tuple[int, str, str]) -> None:
    status, code, detail = refusal
    raw_id = _header(scope, REQUEST_ID_HEADER.lower().encode())
    request_id = request_id_from(raw_id.decode("latin-1") if raw_id else None)
    request_id_var.set(request_id)  # for the access-log line
    body = error_payload(status_code=status, code=code, detail=detail)
    body["request_id"] = request_id
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (REQUEST_ID_HEADER.encode(), request_id.encode()),
                (b"connection", b"close"),
            ],
            "trailers": False,
        }
    )
    await send({"type": "http.response.body", "body": payload, "more_body": False})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(receive, send)
    elif scope["type"] == "http" and access_log_enabled():
        await serve_logged(serve, scope, receive, send)
    else:
        await serve(scope, receive, send)


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Everything but ``lifespan``: body refusals, static files, then Django."""
    if scope["type"] == "http":
        refusal = _body_refusal(scope)
        if refusal is not None:
            await _refuse(scope, send, refusal)
            return
    # django-stubs types the ASGI callables more narrowly than servers do.
    django_scope = cast("dict[str, Any]", scope)
    django_send = cast(Any, send)
    if scope["type"] == "http" and scope["path"].startswith(STATIC_PREFIX):
        await static_app(django_scope, receive, django_send)
        return
    await django_app(django_scope, receive, django_send)
