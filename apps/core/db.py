"""The async PostgreSQL pool for hot-path reads.

Django's ORM has no async cursor (its async methods are ``sync_to_async``
around the sync ORM), so queries on the request hot path go through this
psycopg 3 ``AsyncConnectionPool`` instead. The ASGI lifespan opens it at
startup and closes it at shutdown; outside a server (tests, scripts) the
first use opens it once.
"""

import asyncio
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.psycopg_any import get_adapters_template
from psycopg import AsyncConnection
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow
from psycopg_pool import AsyncConnectionPool

# Keys of Django's database OPTIONS that are not libpq parameters.
_DJANGO_ONLY_OPTIONS = {"pool", "server_side_binding", "isolation_level", "assume_role"}

_pool: AsyncConnectionPool[AsyncConnection[TupleRow]] | None = None
_lock = asyncio.Lock()


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


def _new_pool() -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
    # Prepared statements do not survive a transaction-mode pooler.
    prepare_threshold = None if settings.DATABASE_BEHIND_POOLER else 5
    return AsyncConnectionPool(
        conninfo(),
        min_size=settings.DATABASE_POOL_MIN_SIZE,
        max_size=settings.DATABASE_POOL_MAX_SIZE,
        timeout=settings.DATABASE_POOL_TIMEOUT,
        kwargs={
            "autocommit": True,
            "prepare_threshold": prepare_threshold,
            **django_connection_kwargs(),
        },
        configure=configure_connection,
        open=False,
        name="async-hot-path",
    )


async def open_pool() -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
    """Open the pool if it is not open yet (idempotent)."""
    global _pool
    if _pool is not None:
        return _pool
    async with _lock:
        if _pool is None:
            pool = _new_pool()
            await pool.open(wait=False)
            _pool = pool
    return _pool


async def close_pool() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        await pool.close()


async def get_pool() -> AsyncConnectionPool[AsyncConnection[TupleRow]]:
    """The open pool; opens it on first use outside an ASGI server."""
    if _pool is not None:
        return _pool
    return await open_pool()
