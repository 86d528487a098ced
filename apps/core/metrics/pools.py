"""Connection pool usage, published off the request path.

Each process that serves or runs work (uvicorn worker, Celery worker process,
``db_worker``) runs one daemon thread that every ``PUBLISH_INTERVAL`` seconds
reads ``get_stats()`` of its pools (psycopg_pool keeps those counts anyway)
and writes them to its metric files: the async hot-path pool
(``apps.core.db``) and Django's own pool. A scrape also publishes the
scraping process's pools first. Requests never read or write pool metrics.

psycopg_pool's counters (requests, waits, errors) are cumulative per pool
object; they are turned into Prometheus counters by adding what grew since
the last publication, so they survive the process (and a pool replaced after
an outage starts from zero without a negative step).
"""

import logging
import threading
from typing import Any, override

logger = logging.getLogger(__name__)

PUBLISH_INTERVAL = 5.0


def _pools() -> list[tuple[str, Any]]:
    """(label, pool) for each pool this process has open: neither is created here."""
    from django.db import connections

    from apps.core import db

    pools: list[tuple[str, Any]] = []
    hot_path = getattr(db, "_pool", None)  # never opened just to be measured
    if hot_path is not None:
        pools.append(("async", hot_path))
    wrapper = connections["default"]
    # Django's postgresql backend keeps its pools in a class attribute; its
    # ``pool`` property would create one.
    django_pool = getattr(type(wrapper), "_connection_pools", {}).get(wrapper.alias)
    if django_pool is not None:
        pools.append(("django", django_pool))
    return pools


class _Publisher:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        # (pool label, id of the pool object) -> its counters at the last publication
        self.last: dict[tuple[str, int], dict[str, int]] = {}

    def publish(self, role: str) -> None:
        from apps.core.metrics.definitions import POOL_COUNTERS, POOL_GAUGES

        with self.lock:
            for label, pool in _pools():
                stats = pool.get_stats()
                for key, gauge in POOL_GAUGES.items():
                    gauge.labels(label, role).set(stats.get(key, 0))
                previous = self.last.get((label, id(pool)), {})
                for key, (counter, scale) in POOL_COUNTERS.items():
                    child = counter.labels(label, role)  # exported from 0, not from the first event
                    grown = stats.get(key, 0) - previous.get(key, 0)
                    if grown > 0:
                        child.inc(grown * scale)
                self.last = {
                    **{k: v for k, v in self.last.items() if k[0] != label},
                    (label, id(pool)): stats,
                }


publisher = _Publisher()


class PublisherThread(threading.Thread):
    """Publishes this process's pool usage every ``PUBLISH_INTERVAL`` until stopped."""

    def __init__(self, role: str) -> None:
        super().__init__(name="metrics-pools", daemon=True)
        self.role = role
        self.stopped = threading.Event()

    @override
    def run(self) -> None:
        while True:
            try:
                publisher.publish(self.role)
            except Exception:  # never let metrics take a worker down; try again later
                logger.warning("pool metrics not published", exc_info=True)
            if self.stopped.wait(PUBLISH_INTERVAL):
                return
