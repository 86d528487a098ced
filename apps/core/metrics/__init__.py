"""Prometheus metrics: the hooks that count, cheap enough for the hot path.

Off unless ``METRICS_ENABLED``: every hook is then a call that returns at once
and prometheus-client is not even imported. On, each process counts into its
own memory-mapped files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's
multiprocess mode), and ``GET /metrics`` (``apps.core.metrics.views``,
``METRICS_TOKEN``) adds up every process's files: all uvicorn workers, the
Celery workers and ``db_worker`` on the host. What is exported, and why
prometheus-client rather than OpenTelemetry: docs/operations.md (Metrics).

Hot-path costs, per request (``loadtests.observability_cost`` measures them):

- the request histogram: one ``observe`` on a child bound once per (route
  template, method, status) and kept in a dict, so no label lookup per
  request. The route template is the pattern Django's resolver already
  matched (``note_route``, from ``apps.core.upstream.handler``), never the raw path;
  a request no pattern matched is ``unmatched``, a static file ``static``;
  methods outside the standard ones are ``OTHER``;
- the token cache: one ``inc`` on a pre-bound child per lookup;
- pool usage is never read on a request: a thread per process publishes it
  every few seconds (``apps.core.metrics.pools``).
"""

from collections.abc import MutableMapping
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from django.db import transaction

if TYPE_CHECKING:
    from django.http import HttpRequest

__all__ = [
    "count_job",
    "count_token_fallback",
    "count_token_lookup",
    "count_webhook_attempt",
    "note_route",
    "on",
    "record_request",
    "setup",
]


class _Child(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class _Observer(Protocol):
    def observe(self, amount: float) -> None: ...


class _Off:
    """A metric child while metrics are off: does nothing."""

    def inc(self, amount: float = 1) -> None:
        return None

    def observe(self, amount: float) -> None:
        return None


OFF = _Off()
UNMATCHED = "unmatched"
STATIC = "static"
# What the ASGI entry point puts in the scope for a static file: no URL
# pattern can be this (Django's routes hold no NUL).
STATIC_ROUTE = "\0static"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ROUTE_KEY = "route_template"  # the ASGI scope key note_route fills

# Whether requests are recorded: read by the ASGI entry point on every request.
on = False
_configured = False

_token_hits: _Child = OFF
_token_misses: _Child = OFF
_token_fallbacks: _Child = OFF
# (route, method, status) -> the bound histogram child. Bounded: routes come
# from the URL patterns, methods are mapped to METHODS or OTHER, statuses are
# the app's own.
_request_children: dict[tuple[str | None, str, int | None], _Observer] = {}


def setup() -> None:
    """Turn recording on in this process when ``METRICS_ENABLED`` (idempotent).

    Called when the apps load (``apps.core.apps``), in every process.
    """
    from django.conf import settings

    global _configured
    if _configured or not settings.METRICS_ENABLED:
        return
    _configured = True
    from apps.core.metrics import process

    process.claim()
    set_recording(True)


def set_recording(enabled: bool) -> None:
    """Start or stop recording (``setup`` starts it; the in-process benchmark flips it)."""
    global on, _token_hits, _token_misses, _token_fallbacks
    if enabled:
        from apps.core.metrics.definitions import TOKEN_CACHE_LOOKUPS

        _token_hits = TOKEN_CACHE_LOOKUPS.labels("hit")
        _token_misses = TOKEN_CACHE_LOOKUPS.labels("miss")
        _token_fallbacks = TOKEN_CACHE_LOOKUPS.labels("fallback")
    else:
        _token_hits = _token_misses = _token_fallbacks = OFF
    on = enabled


# --- requests (the ASGI entry point and the handler) --------------------------


def note_route(scope: MutableMapping[str, Any], request: "HttpRequest") -> None:
    """Put the route template Django resolved for ``request`` in its ASGI scope."""
    if on and request.resolver_match is not None:
        scope[ROUTE_KEY] = request.resolver_match.route


def record_request(scope: MutableMapping[str, Any], status: int | None, seconds: float) -> None:
    """Count one HTTP request and its duration, by route template, method and status."""
    method = scope["method"]
    if method not in METHODS:
        method = "OTHER"
    key = (scope.get(ROUTE_KEY), method, status)
    child = _request_children.get(key)
    if child is None:
        child = _request_children[key] = _bind_request(*key)
    child.observe(seconds)


def _bind_request(route: str | None, method: str, status: int | None) -> _Observer:
    from apps.core.metrics.definitions import HTTP_REQUEST_DURATION

    if route is None:
        label = UNMATCHED
    elif route == STATIC_ROUTE:
        label = STATIC
    else:
        label = "/" + route
    child: _Observer = HTTP_REQUEST_DURATION.labels(
        label, method, "none" if status is None else str(status)
    )
    return child


# --- the token cache ---------------------------------------------------------------


def count_token_lookup(found: bool) -> None:
    """A token cache lookup that reached Redis: a hit or a miss."""
    (_token_hits if found else _token_misses).inc()


def count_token_fallback() -> None:
    """A token cache lookup that did not reach Redis (down, or its breaker open):
    authentication asks the database."""
    _token_fallbacks.inc()


# --- jobs and webhooks (counted once the recording transaction commits) ----------


def count_job(event: str, name: str, backend: str, *, final: bool = False) -> None:
    """Count a job event (``dispatched``, ``started``, ``succeeded``, ``failed``)
    when the current transaction commits (at once outside one)."""
    if not on:
        return
    from apps.core.metrics import definitions

    counter = definitions.JOB_EVENTS[event]
    labels = (name, backend, "true" if final else "false") if event == "failed" else (name, backend)
    transaction.on_commit(partial(_inc, counter, labels), robust=True)


def count_webhook_attempt(outcome: str) -> None:
    """Count a webhook delivery attempt's outcome when the current transaction commits."""
    if not on:
        return
    from apps.core.metrics.definitions import WEBHOOK_ATTEMPTS

    transaction.on_commit(partial(_inc, WEBHOOK_ATTEMPTS, (outcome,)), robust=True)


def _inc(counter: Any, labels: tuple[str, ...]) -> None:  # a prometheus_client Counter
    counter.labels(*labels).inc()
