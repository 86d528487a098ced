"""Point 4 of issue #10: a PostgreSQL outage and restart under the steady load.

PostgreSQL is shut down immediately (every backend killed, as in a crash)
for a few seconds, then started again (crash recovery). Promises:

- during the outage every failed request is a 503 with ``Retry-After`` and
  the standard error body, answered fast (the database's circuit breaker),
  never a 500 and never after the full pool timeout (10 s);
- ``/readyz`` says 503 meanwhile (the database is required, point 6);
- once PostgreSQL is back, no 500 ever (pooled connections are checked on
  checkout), and every request succeeds again within seconds.
"""

import time

from tests.faults.inject import Window, hold
from tests.faults.load import SteadyLoad, between, percentile, time_to_recover
from tests.faults.measure import FaultReport, record, summary
from tests.faults.stack import FaultStack

OUTAGE = 4.0
OBSERVE_AFTER = 8.0
IN_FLIGHT = 0.5  # requests that started this soon after the stop were in flight
POOL_TIMEOUT = 10  # the stack's DATABASE_POOL_TIMEOUT (the default)


def test_database_outage_answers_503_fast_and_recovers_without_500s(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    warmed = time.monotonic()
    mixed_load.wait_for_requests(60, after=warmed)

    window = Window(time.monotonic())
    stack.postgres.stop()
    try:
        hold(OUTAGE / 2)
        with stack.client(timeout=5) as client:
            ready_during = client.get("/readyz")
        hold(OUTAGE / 2)
    finally:
        stack.postgres.start()
        window.ended = time.monotonic()
    hold(OBSERVE_AFTER)

    samples = between(mixed_load.samples, warmed)
    during = between(samples, window.started, window.ended)
    failed_during = [s for s in during if not s.ok]
    after = between(samples, window.ended)
    # Recovery is about the requests that came after the ones in flight.
    recovery = time_to_recover(
        samples, fault_started=window.started + IN_FLIGHT, fault_ended=window.ended
    )
    requests, statuses = summary(samples)
    latencies = [s.seconds for s in failed_during]
    record(
        FaultReport(
            fault=f"PostgreSQL down {OUTAGE:.0f} s (immediate stop), then restarted",
            promise="503 + Retry-After at once while down; no 500, ever; recovers by itself",
            requests=requests,
            statuses=statuses,
            fault_seconds=window.seconds,
            recovery_seconds=recovery,
            measures={
                "readyz_during": ready_during.status_code,
                "503_p95_s": percentile(latencies, 0.95),
                "503_max_s": max(latencies, default=0.0),
                "503_after_restart": sum(1 for s in after if not s.ok),
            },
        )
    )
    assert ready_during.status_code == 503, ready_during.text
    assert ready_during.json()["checks"]["database"] == "unavailable"
    assert failed_during, "the outage went unnoticed: the load did not reach the database"
    assert all(s.status != 500 for s in samples), statuses
    assert all(s.status is not None for s in samples), statuses  # every request answered
    for sample in (s for s in samples if not s.ok):
        assert sample.status == 503, sample
        assert sample.standard_error, sample
        assert sample.retry_after is not None, sample
        assert int(sample.retry_after) >= 1, sample
    assert percentile(latencies, 0.95) < 2.0, "503s waited for the pool instead of failing fast"
    assert recovery < OBSERVE_AFTER - 2, f"still failing {recovery:.1f} s after the restart"
    assert all(s.ok for s in after if s.started > window.ended + recovery), statuses
    assert all(s.seconds < 2.0 for s in failed_during if s.started > window.started + IN_FLIGHT)
    # Not even a request already waiting for a pooled connection waits out the pool
    # timeout (10 s): the trip closes the pools and their waiters fail (HotPool,
    # apps.core.postgresql._close_pools). Before: 10.01 s in every run.
    assert max(latencies, default=0.0) < POOL_TIMEOUT / 2, latencies
