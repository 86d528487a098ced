"""The production ASGI entry point: ``uvicorn project.asgi:app``.

``app`` is a thin wrapper around Django's ASGI handler that

- handles ``lifespan``: opens the async PostgreSQL pool and the async Redis
  client at startup and closes them at shutdown (never per request), and
  freezes the startup heap out of the garbage collector's reach;
- refuses a request body larger than ``MAX_REQUEST_BODY_BYTES`` with 413,
  for every method: a declared length before anything reads the body, a
  chunked one as soon as the count passes the limit (the rest is never read);
- serves static files (admin, Swagger UI, Redoc) with Django's static handler;
- writes one access-log line per HTTP request, with its request id
  (``apps.core.access_log``; ``ACCESS_LOG``), and counts it in the metrics
  (``apps.core.metrics``; ``METRICS_ENABLED``);
- hands every other ``http`` request to Django (``apps.core.upstream.handler.AsyncHandler``:
  Django's ASGI handler without its per-request thread hops).
"""

import gc
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast, override

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.exceptions import SuspiciousOperation
from django.core.handlers.asgi import ASGIHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

# What django.core.asgi.get_asgi_application() does, with our handler: Django's
# minus its per-request thread hops (see apps.core.upstream.handler).
django.setup(set_prefix=False)

from apps.core.upstream.handler import AsyncHandler

django_app: ASGIHandler = AsyncHandler()

from apps.core import metrics
from apps.core.access_log import observed, serve_observed
from apps.core.checks import assert_safe_configuration
from apps.core.context import request_id_var
from apps.core.db import close_pool, open_pool
from apps.core.errors import error_payload
from apps.core.metrics import process as metrics_process
from apps.core.middleware import REQUEST_ID_HEADER, request_id_from
from apps.core.redis import close_redis, open_redis

assert_safe_configuration()


class StaticFilesApp(ASGIStaticFilesHandler):
    """Django's static file handler (``ASGIStaticFilesHandler``), where a path that
    cannot name a static file is a 404 whatever it holds.

    Django's only turns ``Http404`` into a response: a path that walks out of a
    static directory (``/static/..%2f..%2fetc/passwd`` raises
    ``SuspiciousFileOperation``) or one the file system refuses escaped as an
    exception, a 500 without the JSON body.
    """

    @override
    def serve(self, request: HttpRequest) -> HttpResponse | FileResponse:
        try:
            return super().serve(request)
        except (SuspiciousOperation, ValueError, OSError) as exc:
            raise Http404("Not found.") from exc


static_app = StaticFilesApp(django_app)
STATIC_PREFIX = "/" + settings.STATIC_URL.lstrip("/")


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await open_pool()
                open_redis()
                metrics_process.start("api")
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
            metrics_process.end()
            await close_pool()
            await close_redis()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def _too_large(limit: int) -> tuple[int, str, str]:
    return 413, "payload_too_large", f"The request body is larger than {limit} bytes."


def _body_refusal(scope: Scope, limit: int) -> tuple[int, str, str] | None:
    """A (status, code, detail) when the declared body is over ``limit``, whatever the method."""
    length = _header(scope, b"content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return _too_large(limit)
    return None


def _counted(scope: Scope, receive: Receive, send: Send, limit: int) -> Receive:
    """``receive`` for a body of undeclared length (chunked): counted as it arrives.

    Once more than ``limit`` bytes came in, the client gets the 413 and Django
    sees a disconnect (it stops reading and answers nothing more); the server
    then closes the connection, so the rest is never read.
    """
    received = 0

    async def counting_receive() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                await _refuse(scope, send, _too_large(limit))
                return {"type": "http.disconnect"}
        return message

    return counting_receive


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
    elif scope["type"] == "http" and observed():
        await serve_observed(serve, scope, receive, send)
    else:
        await serve(scope, receive, send)


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    """Everything but ``lifespan``: body refusals, static files, then Django."""
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if scope["type"] == "http" and limit is not None:
        refusal = _body_refusal(scope, limit)
        if refusal is not None:
            await _refuse(scope, send, refusal)
            return
        if _header(scope, b"content-length") is None:
            receive = _counted(scope, receive, send, limit)
    # django-stubs types the ASGI callables more narrowly than servers do.
    django_scope = cast("dict[str, Any]", scope)
    django_send = cast(Any, send)
    if scope["type"] == "http" and scope["path"].startswith(STATIC_PREFIX):
        scope[metrics.ROUTE_KEY] = metrics.STATIC_ROUTE
        await static_app(django_scope, receive, django_send)
        return
    await django_app(django_scope, receive, django_send)
