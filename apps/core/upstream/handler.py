"""Django's ASGI handler without the per-request thread Django adds around every request.

Django's ``ASGIHandler`` runs each request inside its own
``ThreadSensitiveContext`` and, for every request, makes two thread hops into
that context's worker thread whatever the view does:

- ``request_started.asend()``: its receivers (``reset_queries`` and
  ``close_old_connections``) are sync, so ``asend`` runs them through
  ``sync_to_async``, which creates the request's worker thread;
- ``sync_to_async(response.close)()``: closes the response, which sends
  ``request_finished`` (``close_old_connections``, ``close_caches``,
  ``reset_urlconf``);

and then tears the worker thread down when the context exits (joined from yet
another thread). On a hop-free request path that is most of the framework's
cost per request.

What those receivers are for, and why skipping them is exact here:

- ``close_old_connections`` / ``reset_queries`` act on the *calling thread's*
  database connections (``django.db.connections`` is thread-critical). In
  Django's handler they run in the request's worker thread, which is new for
  every request: at ``request_started`` it has no connection yet, so both are
  no-ops. At ``request_finished`` they close (return to the pool) whatever the
  request's sync ORM opened in that thread. A request that never ran sync code
  in a thread (the async pool and Redis on the hot path) has no worker thread
  and so no connection to close: the receiver would run in a fresh thread and
  do nothing.
- ``close_caches`` closes the caches initialised in the request's context; every
  built-in backend except memcached makes that a no-op.
- ``reset_urlconf`` is pure computation; it runs inline.

So ``AsyncHandler`` skips a hop only when it can prove it does nothing:

- ``request_started`` is sent as Django does unless its only receivers are
  Django's own two and no thread holds this request's sync code yet (any other
  receiver, sync or async, or being called under ``async_to_sync`` makes it
  fire exactly as in Django);
- at the end, if the request used its worker thread (any thread-sensitive
  ``sync_to_async``: the async ORM, ``sync_to_async`` services, a sync view),
  or ``request_finished`` has a receiver we do not know, or a cache with a real
  ``close()`` was used, or the response holds resources beyond the request body
  (a file), the response is closed in that thread exactly as Django does, so
  ``close_old_connections`` returns the connection to the pool there. Otherwise
  it is closed inline and ``reset_urlconf`` runs inline.

Everything else (body reading, disconnect handling, sending) is Django's code.
``handle`` mirrors Django 6.1's ``ASGIHandler.handle`` line for line except for
the two hops, ``RequestProcessed`` (defined once instead of per request) and
one line that hands the route template Django resolved to the metrics
(``apps.core.metrics.note_route``); re-check it when upgrading Django.
"""

import asyncio
from collections.abc import Callable
from contextlib import closing
from typing import Any, override

from asgiref.sync import AsyncToSync, SyncToAsync, sync_to_async
from django.core import signals
from django.core.cache import caches, close_caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, ASGIRequest, get_script_prefix
from django.core.handlers.base import reset_urlconf
from django.db import close_old_connections, reset_queries
from django.dispatch import Signal
from django.http.response import HttpResponseBase
from django.urls import set_script_prefix

from apps.core.metrics import note_route

Receiver = Callable[..., Any]

# Django's own receivers, each a no-op at that moment unless the request ran
# sync code in its worker thread (see the module docstring)...
_STARTED_KNOWN: frozenset[Receiver] = frozenset({reset_queries, close_old_connections})
# ...or, for reset_urlconf, pure computation that runs inline.
_FINISHED_KNOWN: frozenset[Receiver] = frozenset(
    {close_old_connections, close_caches, reset_urlconf}
)


def _receivers(signal: Signal) -> list[Receiver]:
    """The live receivers of ``signal`` for ``sender=None`` handlers, sync and async."""
    # What Signal.send/asend themselves call: resolves weak references.
    sync_receivers, async_receivers = signal._live_receivers(None)
    return [*sync_receivers, *async_receivers]


def only_known_receivers(signal: Signal, known: frozenset[Receiver]) -> bool:
    return all(receiver in known for receiver in _receivers(signal))


def used_worker_thread() -> bool:
    """Whether this request ran (or may run) thread-sensitive sync code in a thread.

    ``sync_to_async`` creates the request context's single-thread executor on
    first use and registers it in ``SyncToAsync.context_to_thread_executor``;
    under ``async_to_sync`` sync code runs on the caller's thread instead.
    """
    if getattr(AsyncToSync.executors, "current", None) is not None:
        return True
    context = SyncToAsync.thread_sensitive_context.get(None)
    return context is not None and context in SyncToAsync.context_to_thread_executor


def _caches_close_trivially() -> bool:
    return all(type(cache).close is BaseCache.close for cache in caches.all(initialized_only=True))


def close_inline(request: ASGIRequest, response: HttpResponseBase) -> bool:
    """Close ``response`` on the event loop when that provably equals Django's threaded close.

    Returns False, having done nothing, when it must be closed in the worker thread.
    """
    if (
        used_worker_thread()
        or not only_known_receivers(signals.request_finished, _FINISHED_KNOWN)
        or not _caches_close_trivially()
    ):
        return False
    closers: list[Callable[[], object]] = response._resource_closers  # type: ignore[attr-defined]
    if hasattr(request, "_files") or any(closer != request.close for closer in closers):
        return False  # uploaded files or a file response: closing them is I/O
    request.close()  # the in-memory body stream
    closers.clear()
    response.closed = True
    reset_urlconf(sender=None)  # the only receiver with work left to do
    return True


class RequestProcessed(Exception):
    """Ends the task group once the response is sent (Django defines it per request)."""


class AsyncHandler(ASGIHandler):
    """``ASGIHandler`` without its two per-request thread hops (see the module docstring)."""

    @override
    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Django 6.1's ASGIHandler.handle; changed lines are marked "ours".
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return

        with closing(body_file):
            set_script_prefix(get_script_prefix(scope))
            if used_worker_thread() or not only_known_receivers(  # ours
                signals.request_started, _STARTED_KNOWN
            ):
                await signals.request_started.asend(sender=self.__class__, scope=scope)
            request, error_response = self.create_request(scope, body_file)
            if request is None:
                body_file.close()
                assert error_response is not None
                await self.send_response(error_response, send)
                await sync_to_async(error_response.close)()
                return

            response = None
            try:
                try:
                    async with asyncio.TaskGroup() as tg:
                        _ = tg.create_task(self.listen_for_disconnect(receive))
                        response = await self.run_get_response(request)
                        note_route(scope, request)  # ours: the metrics' route label
                        await self.send_response(response, send)
                        raise RequestProcessed
                except* (RequestProcessed, RequestAborted):
                    pass
            except BaseExceptionGroup as exception_group:
                if len(exception_group.exceptions) == 1:
                    raise exception_group.exceptions[0] from exception_group
                raise

            if response is None:
                await signals.request_finished.asend(sender=self.__class__)
            elif not close_inline(request, response):  # ours
                await sync_to_async(response.close)()
