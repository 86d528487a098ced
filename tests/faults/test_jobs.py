"""Jobs under faults: a PostgreSQL restart under running Celery jobs, a
db_worker killed mid-job. Each job must complete exactly once (its row ends
``succeeded`` once; bodies may run again: delivery is at-least-once)."""

import json
import time
import uuid

import redis

from tests.faults.inject import down, hold
from tests.faults.measure import FaultReport, job_counts, record
from tests.faults.stack import FaultStack, wait_until


def dispatch(stack: FaultStack, name: str, kwargs: list[dict[str, object]]) -> list[str]:
    """Dispatch one job per kwargs on the stack (a Django shell); their ids."""
    code = (
        "import json; from apps.jobs.services import dispatch; "
        f"print(json.dumps([str(dispatch({name!r}, kwargs=k).pk) for k in {kwargs!r}]))"
    )
    ids: list[str] = json.loads(stack.django(code).strip().splitlines()[-1])
    return ids


def statuses(stack: FaultStack, ids: list[str]) -> dict[str, int]:
    rows = stack.query(
        "SELECT status, count(*) FROM jobs_job WHERE id::text = ANY(%s) GROUP BY status", (ids,)
    )
    return {str(status): int(count) for status, count in rows}


def runs(stack: FaultStack, tokens: list[str]) -> int:
    store = redis.Redis.from_url(stack.redis.url(0), decode_responses=True)
    return sum(int(store.get(f"slow:runs:{token}") or 0) for token in tokens)


def test_a_postgres_restart_under_running_celery_jobs_loses_none(stack: FaultStack) -> None:
    # 8 jobs of 3 s on a worker running 2 at a time: the outage (4 s) falls
    # in the middle of bodies and of their bookkeeping.
    tokens = [uuid.uuid4().hex for _ in range(8)]
    ids = dispatch(stack, "test.slow", [{"token": t, "seconds": 3.0} for t in tokens])
    wait_until(lambda: runs(stack, tokens) >= 1, timeout=60, what="jobs to be running")
    assert statuses(stack, ids).get("succeeded", 0) < len(ids) - 2

    with down(stack.postgres.stop, stack.postgres.start) as window:
        hold(4.0)
    wait_until(
        lambda: (
            statuses(stack, ids).get("succeeded", 0) == len(ids)
            or bool(set(statuses(stack, ids)) - {"queued", "running", "retrying", "succeeded"})
        ),
        timeout=180,
        what="every job to finish",
    )
    recovered = time.monotonic() - window.ended
    final = statuses(stack, ids)
    record(
        FaultReport(
            fault=f"PostgreSQL stopped {window.seconds:.1f} s under 8 running Celery jobs",
            promise="every job completes exactly once",
            requests=0,
            statuses={},
            fault_seconds=window.seconds,
            recovery_seconds=recovered,
            measures={
                "dispatched": len(ids),
                "succeeded": final.get("succeeded", 0),
                "body_runs": runs(stack, tokens),
                "all_jobs": job_counts(stack, names=("test.slow",)),
            },
        )
    )
    assert final == {"succeeded": len(ids)}, final


def test_a_db_worker_killed_mid_job_is_recovered_by_the_lease(stack: FaultStack) -> None:
    token = uuid.uuid4().hex
    # Long enough to be killed mid-body however slow the dispatching shell is.
    (job_id,) = dispatch(stack, "test.native_slow", [{"token": token, "seconds": 10.0}])
    wait_until(lambda: runs(stack, [token]) == 1, timeout=60, what="the job to start")

    worker = stack.processes["db-worker"]
    killed = time.monotonic()
    assert statuses(stack, [job_id]) == {"running": 1}
    worker.kill()
    worker.start()  # a new db_worker; its recovery thread reclaims the task after the lease
    wait_until(
        lambda: statuses(stack, [job_id]) in ({"succeeded": 1}, {"failed": 1}),
        timeout=90,
        what="the job to finish",
    )
    recovered = time.monotonic() - killed
    ((attempts, recoveries, status),) = stack.query(
        "SELECT attempts, recoveries, status FROM jobs_job WHERE id::text = %s", (job_id,)
    )
    record(
        FaultReport(
            fault="db_worker SIGKILLed mid-job (lease 3 s)",
            promise="the native job goes back to the queue and completes once",
            requests=0,
            statuses={},
            fault_seconds=0.0,
            recovery_seconds=recovered,
            measures={
                "attempts": attempts,
                "recoveries": recoveries,
                "body_runs": runs(stack, [token]),
            },
        )
    )
    assert (status, attempts, recoveries) == ("succeeded", 2, 1)
