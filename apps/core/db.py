"""The async PostgreSQL pools for hot-path reads, and the database's circuit breaker.

Django's ORM has no async cursor (its async methods are ``sync_to_async``
around the sync ORM), so queries on the request hot path go through this
psycopg 3 ``AsyncConnectionPool`` instead. The ASGI lifespan opens it at
startup and closes it at shutdown; outside a server (tests, scripts) the
first use opens it once. One direct connection serves bookkeeping (the token
revocation outbox) so that it never waits behind requests nor shows up in
their statistics.

Every connection is checked when it is handed out (``check_connection``), so
a pool never hands out a connection a database restart killed; the check
costs a round trip only when the server has said something on the socket
(a closed connection always has). When the
database is unreachable, ``database_breaker`` opens: requests fail at once
with ``DatabaseUnavailable`` (a 503 with ``Retry-After``) instead of each
waiting out the pool timeout, and after ``open_seconds`` a single direct
connection attempt decides whether to let requests through again. Opening
the breaker retires the pools (``generation``): their waiters fail at once,
and no pool waits out its reconnection backoff after the outage.
"""

import asyncio
import logging
import math
import select
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Self, override

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import utils as db_utils
from django.db.backends.postgresql.psycopg_any import get_adapters_template
from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool, PoolClosed, PoolTimeout

from apps.core.circuit import CircuitBreaker

logger = logging.getLogger(__name__)

# Keys of Django's database OPTIONS that are not libpq parameters.
_DJANGO_ONLY_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role"}
# SQLSTATEs that mean "the server is not there" rather than "this query failed":
# connection exceptions (class 08) and the server shutting down or starting up.
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})
PROBE_TIMEOUT_SECONDS = 2


class HotPool(AsyncConnectionPool[AsyncConnection[TupleRow]]):
    """psycopg's pool, refusing a checkout at once once it is closed.

    Its checkout sleeps a backoff after a failed check outside the waiting
    list, then asks again; a pool closed meanwhile (the breaker's trip retires
    it) took it back into its waiting list and the request waited out the
    whole timeout (reads answering 503 after 10 s in the fault suite). Relies
    on psycopg_pool calling this under its lock before queueing a client, and
    on ``close()`` setting ``_closed`` under the same lock
    (``apps.core.upstream.MIRRORS``).
    """

    @override
    async def _get_ready_connection(
        self, timeout: float | None
    ) -> AsyncConnection[TupleRow] | None:
        if self._closed:
            raise PoolClosed(f"the pool {self.name!r} is closed")
        return await super()._get_ready_connection(timeout)


type Pool = HotPool

database_breaker = CircuitBreaker("database", open_seconds=1.0)
# Bumped each time the breaker is tripped: pools made before are retired. Their
# waiters fail at once (PoolClosed, a 503) instead of waiting out the pool
# timeout, and the pool used after the outage is a fresh one (psycopg_pool
# backs off exponentially between reconnection attempts, so an old pool could
# keep requests waiting long after the database came back).
_generation = 0
_pool: Pool | None = None
_pool_generation = 0
_pool_loop: asyncio.AbstractEventLoop | None = None
_maintenance: AsyncConnection[TupleRow] | None = None
_lock = asyncio.Lock()
_probe_lock = threading.Lock()  # one probe at a time, async or sync; never waited on


class DatabaseUnavailable(db_utils.OperationalError):
    """The database cannot be reached now; raised at once while the breaker is open."""


class TrippingAsyncConnection(AsyncConnection[TupleRow]):
    """A connection that opens the breaker when it cannot be made.

    The pools make connections in the background and retry failures quietly
    while requests wait for one up to the pool timeout; this is how a failed
    attempt becomes known at once.
    """

    @override
    @classmethod
    async def connect(cls, conninfo: str = "", **kwargs: Any) -> Self:
        try:
            return await super().connect(conninfo, **kwargs)
        except psycopg.OperationalError as error:
            trip(error)
            raise


class TrippingConnection(psycopg.Connection[TupleRow]):
    """``TrippingAsyncConnection`` for Django's (sync) pool, see apps.core.postgresql."""

    @override
    @classmethod
    def connect(cls, conninfo: str = "", **kwargs: Any) -> Self:
        try:
            return super().connect(conninfo, **kwargs)
        except psycopg.OperationalError as error:
            trip(error)
            raise


def conninfo() -> str:
    """The libpq connection string of Django's default database (same URL, same options)."""
    database: Any = settings.DATABASES["default"]  # dj-database-url's TypedDict
    options = {
        key: value
        for key, value in database.get("OPTIONS", {}).items()
        if key not in _DJANGO_ONLY_OPTIONS
    }
    params: dict[str, Any] = {
        "dbname": database.get("NAME") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        **options,
    }
    return make_conninfo(**{key: value for key, value in params.items() if value is not None})


def django_connection_kwargs() -> dict[str, Any]:
    """What Django's PostgreSQL backend gives each of its connections, so that rows
    load as its converters expect (``apps.core.aquery``): its adapters (``jsonb``
    and ``inet`` as text, ``timestamptz`` in the connection's time zone) and UTF-8."""
    django_connection = connections[DEFAULT_DB_ALIAS]
    return {
        "context": get_adapters_template(settings.USE_TZ, django_connection.timezone),
        "client_encoding": "UTF8",
    }


async def configure_connection(connection: AsyncConnection[TupleRow]) -> None:
    """Django's ``_configure_timezone``: the session time zone Django's connections use."""
    django_connection = connections[DEFAULT_DB_ALIAS]
    name = django_connection.timezone_name
    if name and connection.info.parameter_status("TimeZone") != name:
        await connection.execute(django_connection.ops.set_time_zone_sql(), [name])


async def check_connection(connection: AsyncConnection[TupleRow]) -> None:
    """The pools' checkout check: psycopg's empty query, only when it can fail.

    psycopg's ``check_connection`` sends an empty query on every checkout: a
    round trip per checkout, two per workspace read (membership, page), 6-10%
    of a documents-list request's CPU (measured in-process). A connection the
    server closed (a restart, ``pg_terminate_backend``, an idle timeout, a
    killed backend) always has something to read on its socket: the
    termination message or end of file. Only then, or when the socket cannot be
    polled, the empty query runs; it fails and the pool discards the connection
    and hands out another, as before. A silent network partition is missed by
    both (the empty query would wait on TCP just as the request's query does).
    """
    if _socket_quiet(connection):
        return
    await AsyncConnectionPool.check_connection(connection)


def _socket_quiet(connection: AsyncConnection[TupleRow]) -> bool:
    """Nothing to read on an idle connection's socket (checked without waiting)."""
    try:
        poller = select.poll()  # select() fails past fd 1024; poll has no such limit
        poller.register(connection.pgconn.socket, select.POLLIN)
        return not poller.poll(0)
    except (OSError, ValueError, psycopg.Error):
        return False


def is_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what caused it) says the database is unreachable, not the query bad."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DatabaseUnavailable | PoolTimeout | psycopg.InterfaceError):
            return True
        if isinstance(seen, psycopg.OperationalError):
            state = seen.sqlstate
            return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES
        seen = seen.__cause__
    return False


def _new_pool(*, name: str, min_size: int, max_size: int) -> Pool:
    # Prepared statements do not survive a transaction-mode pooler.
    prepare_threshold = None if settings.DATABASE_BEHIND_POOLER else 5
    return HotPool(
        conninfo(),
        min_size=min_size,
        max_size=max_size,
        timeout=settings.DATABASE_POOL_TIMEOUT,
        kwargs={
            "autocommit": True,
            "prepare_threshold": prepare_threshold,
            **django_connection_kwargs(),
        },
        configure=configure_connection,
        check=check_connection,
        connection_class=TrippingAsyncConnection,
        open=False,
        name=name,
    )


def generation() -> int:
    """How many times the database breaker was tripped in this process (see ``_generation``)."""
    return _generation


async def open_pool() -> Pool:
    """Open the pool if it is not open yet, or replace one made before an outage."""
    global _pool, _pool_generation, _pool_loop
    if _pool is not None and _pool_generation == _generation:
        return _pool
    async with _lock:
        if _pool is None or _pool_generation != _generation:
            _retire_pool()
            pool = _new_pool(
                name="async-hot-path",
                min_size=settings.DATABASE_POOL_MIN_SIZE,
                max_size=settings.DATABASE_POOL_MAX_SIZE,
            )
            _pool_generation, _pool_loop = _generation, asyncio.get_running_loop()
            await pool.open(wait=False)
            _pool = pool
    return _pool


_closing: set[asyncio.Task[None]] = set()


def _retire_pool() -> None:
    """On the pool's loop: close a pool made before the breaker last opened, in the background.

    Its waiters get PoolClosed at once (a 503); connections in use close when returned.
    """
    global _pool
    if _pool is None or _pool_generation == _generation:
        return
    stale, _pool = _pool, None
    logger.info("retiring the database pool made before the outage")
    task = asyncio.get_running_loop().create_task(stale.close(timeout=0))
    _closing.add(task)
    task.add_done_callback(_closing.discard)


async def close_pool() -> None:
    """Close the pool and the maintenance connection (the ASGI lifespan at shutdown; tests)."""
    global _pool, _maintenance
    pool, connection = _pool, _maintenance
    _pool = _maintenance = None
    if pool is not None:
        await pool.close()
    if connection is not None:
        await connection.close()


async def get_pool() -> Pool:
    """The open pool; opens it on first use outside an ASGI server.

    Raises ``DatabaseUnavailable`` at once while the database's breaker is open.
    """
    await ensure_available()
    if _pool is not None and _pool_generation == _generation:
        return _pool
    return await open_pool()


@asynccontextmanager
async def maintenance_connection(*, within: float) -> AsyncIterator[AsyncConnection[TupleRow]]:
    """One direct connection (autocommit) for bookkeeping, everything done ``within`` seconds.

    Not pooled: a direct connection fails at once while the database is down
    and reconnects at once when it is back. Callers must not use it
    concurrently. Any error closes it; the next use reconnects.
    """
    global _maintenance
    await ensure_available()
    try:
        async with asyncio.timeout(within):
            if _maintenance is None or _maintenance.closed:
                _maintenance = await TrippingAsyncConnection.connect(
                    conninfo(), autocommit=True, connect_timeout=max(1, math.ceil(within))
                )
            yield _maintenance
    except BaseException:
        broken, _maintenance = _maintenance, None
        if broken is not None:
            await broken.close()
        raise


# --- the breaker --------------------------------------------------------------------


_on_trip: list[Callable[[], None]] = []


def on_trip(callback: Callable[[], None]) -> None:
    """Call ``callback`` (from the tripping thread) each time the breaker is tripped."""
    _on_trip.append(callback)


def trip(error: BaseException) -> None:
    """Open the breaker (from any thread) and retire the pools made before."""
    global _generation
    _generation += 1  # every time: a pool made while the database was down is stale too
    loop = _pool_loop
    if loop is not None and not loop.is_closed():
        loop.call_soon_threadsafe(_retire_pool)
    database_breaker.trip(error, message="database unavailable; answering 503 for a while")
    for callback in _on_trip:
        try:
            callback()
        except Exception:  # a callback must not turn the trip into another error
            logger.exception("database breaker: a trip callback failed")


def _probe_failed(error: psycopg.Error) -> DatabaseUnavailable:
    trip(error)
    return DatabaseUnavailable("the database is unavailable")


def _probe_turn() -> bool:
    """False while the breaker is closed (no probe needed); True when this caller
    is to probe, holding ``_probe_lock``; ``DatabaseUnavailable`` otherwise."""
    if not database_breaker.tripped:
        return False
    if not database_breaker.available() or not _probe_lock.acquire(blocking=False):
        raise DatabaseUnavailable("the database is unavailable")
    return True


async def ensure_available() -> None:
    """Raise ``DatabaseUnavailable`` at once while the breaker is open.

    After a trip, once ``open_seconds`` passed, the first caller makes one
    direct connection attempt (bounded by ``PROBE_TIMEOUT_SECONDS``) while
    the others keep failing fast; success closes the breaker for everyone.
    """
    if not _probe_turn():
        return
    try:
        connection = await AsyncConnection.connect(
            conninfo(), connect_timeout=PROBE_TIMEOUT_SECONDS, autocommit=True
        )
        await connection.close()
    except psycopg.Error as error:
        raise _probe_failed(error) from error
    finally:
        _probe_lock.release()
    _recovered()


def ensure_available_sync() -> None:
    """``ensure_available`` for sync code (Django's connections, see apps.core.postgresql)."""
    if not _probe_turn():
        return
    try:
        psycopg.connect(conninfo(), connect_timeout=PROBE_TIMEOUT_SECONDS, autocommit=True).close()
    except psycopg.Error as error:
        raise _probe_failed(error) from error
    finally:
        _probe_lock.release()
    _recovered()


def _recovered() -> None:
    if database_breaker.tripped:
        database_breaker.reset()
        logger.info("database reachable again")
