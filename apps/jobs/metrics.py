"""The jobs' scrape-time metrics: the outbox, read when ``/metrics`` is scraped.

The outbox is the Celery jobs that are queued and were never handed to the
broker (``enqueued_at`` empty: the broker was down at dispatch, or the
process died between commit and publish); the relay sends them
(``job_outbox_relay``). One query on the async pool per scrape, bounded: it
counts at most ``OUTBOX_COUNT_LIMIT`` rows (the gauge saturates there) and
walks the ``(status, created_at)`` index. Counters per job are
recorded where things happen (``apps.jobs.services``, ``apps.jobs.runner``).
"""

from collections.abc import Sequence
from typing import Any

from psycopg import sql

from apps.core.db import get_pool
from apps.jobs.models import Job, JobBackend, JobStatus

OUTBOX_COUNT_LIMIT = 10_000

_OUTBOX_SQL = sql.SQL(
    "SELECT count(*), EXTRACT(EPOCH FROM now() - min(created_at))::float8 FROM ("
    "SELECT created_at FROM {table} WHERE status = %s AND backend = %s AND enqueued_at IS NULL "
    "LIMIT %s) AS pending"
).format(table=sql.Identifier(Job._meta.db_table))


async def outbox_metrics() -> Sequence[Any]:
    """``jobs_outbox_depth`` and ``jobs_outbox_oldest_seconds`` (0 when empty)."""
    from prometheus_client.core import GaugeMetricFamily

    pool = await get_pool()
    async with pool.connection() as connection:
        cursor = await connection.execute(
            _OUTBOX_SQL, (JobStatus.QUEUED.value, JobBackend.CELERY.value, OUTBOX_COUNT_LIMIT)
        )
        row = await cursor.fetchone()
    depth, oldest = (row[0], row[1]) if row is not None else (0, None)
    return [
        GaugeMetricFamily(
            "jobs_outbox_depth",
            f"Celery jobs queued but never sent to the broker (counted up to "
            f"{OUTBOX_COUNT_LIMIT}); the outbox relay sends them.",
            value=float(depth),
        ),
        GaugeMetricFamily(
            "jobs_outbox_oldest_seconds",
            "Age of the oldest job in the outbox (0 when it is empty).",
            value=float(oldest or 0.0),
        ),
    ]
