"""Tripping the database breaker closes Django's pool at once (``apps.core.postgresql``).

A write waiting in Django's pool for a connection when the database dies
waits in the one thread ``sync_to_async`` runs the ORM in; until it gives up,
every other write of the process queues behind it. The breaker trips on the
first failure anywhere in the process; from then on the waiter must fail at
once (a 503), not after ``DATABASE_POOL_TIMEOUT``.
"""

import queue
import threading
import time
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from psycopg_pool import PoolClosed

from apps.core.db import database_breaker, trip
from apps.core.postgresql.base import DatabaseWrapper
from tests.workers import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def _django_pool() -> Any:
    wrapper = connections["default"]
    assert isinstance(wrapper, DatabaseWrapper)
    pool = wrapper.pool
    assert pool is not None
    return pool


def test_a_write_waiting_in_djangos_pool_fails_as_soon_as_the_breaker_trips() -> None:
    pool = _django_pool()
    held = []
    while pool.get_stats()["pool_size"] < pool.max_size or pool.get_stats()["pool_available"]:
        held.append(pool.getconn(timeout=5))  # every connection in use
    outcome: queue.Queue[tuple[type[BaseException] | None, float]] = queue.Queue()

    def write() -> None:
        started = time.monotonic()
        try:
            pool.putconn(pool.getconn())
        except BaseException as error:  # reported to the test
            outcome.put((type(error), time.monotonic() - started))
        else:
            outcome.put((None, time.monotonic() - started))

    waiter = threading.Thread(target=write)
    waiter.start()
    try:
        wait_for(lambda: pool.get_stats().get("requests_waiting", 0) == 1, what="the waiter")
        tripped_at = time.monotonic()
        trip(psycopg.OperationalError("the database went away (test)"))
        error, _ = outcome.get(timeout=settings.DATABASE_POOL_TIMEOUT + 5)
        failed_after = time.monotonic() - tripped_at
    finally:
        waiter.join(timeout=30)
        for connection in held:
            pool.putconn(connection)  # closed: the pool is closed
        database_breaker.reset()

    assert error is PoolClosed
    assert failed_after < settings.DATABASE_POOL_TIMEOUT / 2
    assert pool.closed
    assert _django_pool() is not pool  # the next use makes a new pool
