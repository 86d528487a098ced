"""The async pools' checkout check (``apps.core.db.check_connection``).

A healthy pooled connection is handed out without a round trip; one the
server closed is discarded at checkout and replaced, so a request never sees
it. Each test uses a pool of one connection, so the second checkout is the
same connection (or its replacement).
"""

import select
from collections.abc import AsyncIterator

import psycopg
import pytest

from apps.core.db import Pool, _new_pool, conninfo

pytestmark = pytest.mark.django_db(transaction=True)

MARKER = "SELECT 'pool-check-marker'"


@pytest.fixture
async def pool() -> AsyncIterator[Pool]:
    pool = _new_pool(name="test-pool-check", min_size=1, max_size=1)
    await pool.open(wait=True)
    try:
        yield pool
    finally:
        await pool.close()


async def backend_pid(pool: Pool) -> int:
    async with pool.connection() as connection:
        row = await (await connection.execute("SELECT pg_backend_pid()")).fetchone()
    assert row is not None
    return int(row[0])


async def last_query(pid: int) -> str:
    """What the backend ran last, as PostgreSQL itself records it."""
    async with await psycopg.AsyncConnection.connect(conninfo(), autocommit=True) as admin:
        cursor = await admin.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        row = await cursor.fetchone()
    assert row is not None
    return str(row[0])


async def test_a_healthy_connection_is_handed_out_without_a_round_trip(pool: Pool) -> None:
    async with pool.connection() as connection:
        row = await (await connection.execute(f"{MARKER}, pg_backend_pid()")).fetchone()
    assert row is not None
    pid = int(row[1])

    async with pool.connection() as connection:
        assert connection.info.backend_pid == pid  # the same connection, checked out again

    # psycopg's own check would have run an empty query here ("" in pg_stat_activity).
    assert await last_query(pid) == f"{MARKER}, pg_backend_pid()"


async def test_a_connection_the_server_closed_is_replaced_at_checkout(pool: Pool) -> None:
    pid = await backend_pid(pool)
    async with pool.connection() as connection:
        fd = connection.pgconn.socket
    async with await psycopg.AsyncConnection.connect(conninfo(), autocommit=True) as admin:
        cursor = await admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        row = await cursor.fetchone()
        assert row == (True,)  # terminated and gone (waited for, up to 5 s)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    assert poller.poll(5000), "the server's goodbye never reached the pooled connection"

    async with pool.connection() as connection:  # no error: replaced at checkout
        row = await (await connection.execute("SELECT pg_backend_pid()")).fetchone()
    assert row is not None
    assert row[0] != pid
