"""Point 6 of issue #10: readiness tells a load balancer the truth.

PostgreSQL is required (its outage answers 503: tests/faults/test_database_faults.py);
Redis and the broker are not: without them the API serves every request (the
token cache falls back to the database, jobs wait in the outbox), so ``/readyz``
stays 200, says ``degraded`` and names what is down, within a probe's timeout.
"""

import time

from tests.faults.inject import Window
from tests.faults.measure import FaultReport, record
from tests.faults.stack import FaultStack


def test_readyz_stays_ready_while_redis_is_down(stack: FaultStack) -> None:
    window = Window(time.monotonic())
    stack.redis.kill()
    try:
        with stack.client(timeout=5) as client:
            started = time.monotonic()
            response = client.get("/readyz")
            seconds = time.monotonic() - started
    finally:
        stack.redis.start()
        window.ended = time.monotonic()
    record(
        FaultReport(
            fault="Redis (and the broker on it) killed: /readyz",
            promise="200 degraded: the database is required, Redis and the broker are not",
            requests=1,
            statuses={str(response.status_code): 1},
            fault_seconds=window.seconds,
            recovery_seconds=None,
            measures={"readyz_s": seconds, "readyz_status": response.json()["status"]},
        )
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unavailable", "broker": "unavailable"},
    }
