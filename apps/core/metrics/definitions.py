"""Every metric the processes record, declared once (imported only when metrics are on).

Counters and histograms add up over all processes, dead ones included (their
files are merged into an archive, ``apps.core.metrics.files``); gauges are
``livesum``: the sum over the processes alive now. The scrape-time values
(the outbox) are not here: the scraping process computes them
(``apps.core.metrics.views``).
"""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Without PROMETHEUS_MULTIPROC_DIR (one process) the endpoint serves this
# registry; with it, the directory's files (this registry is then unused).
REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "HTTP requests by route template (unmatched: no URL pattern matched), method and "
    "status, from arrival to the end of the response; _count is the number of requests.",
    ["route", "method", "status"],
    buckets=REQUEST_BUCKETS,
    registry=REGISTRY,
)

TOKEN_CACHE_LOOKUPS = Counter(
    "token_cache_lookups",
    "Token cache lookups on the async path: hit, miss (then one database query), "
    "fallback (Redis unavailable or its breaker open: the database answers).",
    ["result"],
    registry=REGISTRY,
)

_JOB_LABELS = ["name", "backend"]
JOB_EVENTS = {
    "dispatched": Counter(
        "jobs_dispatched",
        "Jobs dispatched (counted when the dispatching transaction commits).",
        _JOB_LABELS,
        registry=REGISTRY,
    ),
    "started": Counter(
        "jobs_started",
        "Job attempts started by a worker (each attempt, each step of a chain).",
        _JOB_LABELS,
        registry=REGISTRY,
    ),
    "succeeded": Counter(
        "jobs_succeeded",
        "Job attempts that succeeded (each step of a chain).",
        _JOB_LABELS,
        registry=REGISTRY,
    ),
    "failed": Counter(
        "jobs_failed",
        "Job attempts that failed; final=true when the job is failed for good "
        "(no retry left, a hard time limit, lost with its worker too often).",
        [*_JOB_LABELS, "final"],
        registry=REGISTRY,
    ),
}

WEBHOOK_ATTEMPTS = Counter(
    "webhook_delivery_attempts",
    "Webhook delivery attempts by outcome: succeeded, retrying (failed, will be retried), "
    "failed (failed for good), cancelled (the endpoint was disabled meanwhile).",
    ["outcome"],
    registry=REGISTRY,
)

# --- connection pools: published every few seconds by each process ---------------

_POOL_LABELS = ["pool", "role"]


def _pool_gauge(name: str, documentation: str) -> Gauge:
    return Gauge(name, documentation, _POOL_LABELS, multiprocess_mode="livesum", registry=REGISTRY)


def _pool_counter(name: str, documentation: str) -> Counter:
    return Counter(name, documentation, _POOL_LABELS, registry=REGISTRY)


POOL_GAUGES = {
    "pool_max": _pool_gauge("db_pool_max_connections", "Pool size limit, summed over processes."),
    "pool_size": _pool_gauge("db_pool_connections", "Connections open (idle or in use)."),
    "pool_available": _pool_gauge("db_pool_idle_connections", "Connections open and idle."),
    "requests_waiting": _pool_gauge(
        "db_pool_waiting_requests", "Requests waiting for a connection now."
    ),
}
POOL_COUNTERS = {
    "requests_num": (_pool_counter("db_pool_requests", "Connections requested."), 1.0),
    "requests_queued": (
        _pool_counter("db_pool_requests_queued", "Requests that had to wait for a connection."),
        1.0,
    ),
    "requests_wait_ms": (
        _pool_counter("db_pool_wait_seconds", "Time requests waited for a connection."),
        0.001,
    ),
    "requests_errors": (
        _pool_counter("db_pool_request_errors", "Requests that got no connection (timeout)."),
        1.0,
    ),
    "connections_lost": (
        _pool_counter("db_pool_connections_lost", "Connections found broken and discarded."),
        1.0,
    ),
}
