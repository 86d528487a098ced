"""The async pools' checkout check (``apps.core.db.check_connection``).

A healthy pooled connection is handed out without a round trip; one the
server closed is discarded at checkout and replaced, so a request never sees
it. Each test uses a pool of one connection, so the second checkout is the
same connection (or its replacement).
"""

import asyncio
import select
import time
from collections.abc import AsyncIterator

import psycopg
import pytest
from psycopg_pool import PoolClosed

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


async def test_a_checkout_backing_off_when_the_pool_closes_fails_at_once() -> None:
    """The breaker's trip closes the pool (``apps.core.db._retire_pool``); a request
    already in its checkout must then fail (a 503), not wait out the pool timeout.

    psycopg_pool's checkout retries at once after a first failed check, then sleeps a
    backoff (about 1 s) outside its waiting list and asks again; without
    ``apps.core.db.HotPool`` a pool closed during that sleep took it back into its
    waiting list and it waited out the whole timeout (seen in the fault suite: reads
    answering 503 after 10 s). Here both pooled connections are dead, so the
    checkout fails two checks and backs off; the pool is closed during the backoff.
    """
    pool = _new_pool(name="test-pool-close", min_size=2, max_size=2)
    await pool.open(wait=True)
    first, second = await pool.getconn(), await pool.getconn()
    dead = [(c.info.backend_pid, c.pgconn.socket) for c in (first, second)]
    await pool.putconn(first)
    await pool.putconn(second)
    poller = select.poll()
    async with await psycopg.AsyncConnection.connect(conninfo(), autocommit=True) as admin:
        for pid, fd in dead:
            await admin.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            poller.register(fd, select.POLLIN)
    while len(poller.poll(5000)) < len(dead):  # both goodbyes arrived
        pass

    started = time.monotonic()
    checkout = asyncio.create_task(pool.getconn(timeout=8))
    while pool.get_stats().get("connections_lost", 0) < 2:  # two checks failed: backing off
        assert not checkout.done(), checkout
        assert time.monotonic() - started < 5, pool.get_stats()
        await asyncio.sleep(0.001)  # yields to the checkout; a bounded poll of a state
    await pool.close(timeout=0)

    with pytest.raises(PoolClosed):
        await checkout
    assert time.monotonic() - started < 4  # the backoff, not the 8 s timeout
