"""``ENGINE = "apps.core.postgresql"``: Django's PostgreSQL backend plus the circuit breaker.

Taking a connection from Django's pool waits up to the pool timeout when the
database is down. Its connections are ``TrippingConnection``s, so a failed
attempt opens ``apps.core.db.database_breaker``; while it is open a new
connection is refused at once with ``DatabaseUnavailable`` (a 503 with
``Retry-After`` in the API); once the breaker's time is up, one direct
connection attempt decides; the pool made before the outage is closed the moment the
breaker trips, from whatever thread tripped it (``_close_pools``), and
replaced on next use (see ``apps.core.db.generation``). Everything else is
Django's backend unchanged.
"""

from typing import Any, override

from django.db.backends.postgresql import base

from apps.core import db
from apps.core.db import TrippingConnection, ensure_available_sync

# The generation of apps.core.db each alias's pool was made in.
_pool_generations: dict[str, int] = {}
# Django's class-level registry of pools by alias (not in the type stubs).
_POOLS: dict[str, Any] = vars(base.DatabaseWrapper)["_connection_pools"]


def _close_pools() -> None:
    """Close Django's pools when the breaker trips (``apps.core.db.on_trip``).

    A write waiting in a pool for a connection when the database died would
    otherwise wait out ``DATABASE_POOL_TIMEOUT``, in the one thread
    ``sync_to_async`` runs the ORM in, so every write of the process queued
    behind it (the fault suite saw 503s 10 s late, and one 6 s after the
    restart). Closed, the pool fails its waiters at once (``PoolClosed``: a
    503); connections in use close when returned; the next use makes a new
    pool once the breaker lets it.
    """
    for alias in list(_POOLS):
        pool = _POOLS.pop(alias, None)
        if pool is not None:
            pool.close(timeout=0)


db.on_trip(_close_pools)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    @override
    def pool(self) -> Any:
        """Django's pool, whose failed connection attempts open the breaker at once."""
        pool = super().pool
        if pool is not None and pool.connection_class is not TrippingConnection:
            pool.connection_class = TrippingConnection  # set before Django opens it
        return pool

    @override
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        current = db.generation()
        if _pool_generations.setdefault(self.alias, current) != current:
            # Made before the breaker last opened: close it (its waiters fail at
            # once) and let Django make a new one, free of reconnection backoff.
            # Not redundant with _close_pools: a pool made during an outage whose
            # connection attempts hang (no refusal, so no trip) is only caught here.
            _pool_generations[self.alias] = current
            if self.alias in _POOLS:
                _POOLS.pop(self.alias).close(timeout=1)
        ensure_available_sync()
        return super().get_new_connection(conn_params)
