"""Jobs declared only for the tests; the test workers import this module
(``JOBS_EXTRA_MODULES``). They keep their evidence in Redis, which the test
process and the worker processes share."""

import json
import logging
import os
import time
from typing import Any

import redis
from celery.exceptions import SoftTimeLimitExceeded

from apps.jobs.api import JobContext, JobPolicy, chain, job, step

logger = logging.getLogger(__name__)


def fast(*, max_retries: int, queue: str = "default") -> JobPolicy:
    """Short, predictable backoffs so the tests stay fast."""
    return JobPolicy(
        max_retries=max_retries, backoff_base=0.05, backoff_max=0.2, jitter=False, queue=queue
    )


def evidence() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


@job("test.echo")
def echo(context: JobContext, **kwargs: Any) -> dict[str, Any]:
    return {"echo": kwargs}


@job("test.ping", policy=fast(max_retries=1))
def ping(context: JobContext) -> dict[str, str]:
    return {"pong": "default"}


@job("test.ping_long", policy=fast(max_retries=1, queue="long"))
def ping_long(context: JobContext) -> dict[str, str]:
    return {"pong": "long"}


@job("test.flaky", policy=fast(max_retries=3))
def flaky(context: JobContext, *, token: str, failures: int) -> dict[str, int]:
    seen = {"attempt": context.attempt, "is_final": context.is_final, "retry_in": context.retry_in}
    evidence().rpush(f"context:{token}", json.dumps(seen))
    calls = int(evidence().incr(f"flaky:{token}"))
    if calls <= failures:
        raise ConnectionError(f"upstream unavailable (call {calls})")
    return {"calls": calls}


def gave_up(*, token: str) -> None:
    """The failure hook: note that the job ended without success."""
    evidence().incr(f"gave_up:{token}")


@job("test.always_fails", policy=fast(max_retries=2), on_failure=gave_up)
def always_fails(context: JobContext, *, token: str) -> None:
    evidence().incr(f"fails:{token}")
    raise ValueError("the input can never be processed")


def broken_hook(*, token: str) -> None:
    evidence().incr(f"broken_hook:{token}")
    raise RuntimeError("the hook is broken")


@job("test.broken_hook", on_failure=broken_hook)
def with_broken_hook(context: JobContext, *, token: str) -> None:
    """Never run by the tests: it is cancelled before a worker takes it."""


def collect(context: JobContext, *, token: str) -> dict[str, str]:
    evidence().rpush(f"chain:{token}", "collect")
    return {"step": "collect"}


def render(context: JobContext, *, token: str) -> dict[str, str]:
    store = evidence()
    store.rpush(f"chain:{token}", "render")
    if store.incr(f"render:{token}") == 1:
        raise TimeoutError("renderer busy")
    return {"step": "render"}


def upload(context: JobContext, *, token: str) -> dict[str, str]:
    evidence().rpush(f"chain:{token}", "upload")
    return {"step": "upload", "url": f"/exports/{token}.zip"}


chain(
    "test.chain",
    step("collect", collect),
    step("render", render),
    step("upload", upload),
    policy=fast(max_retries=2),
)


@job("test.overrun_soft", policy=JobPolicy(soft_time_limit=0.5, time_limit=5))
def overrun_soft(context: JobContext) -> None:
    time.sleep(5)


@job("test.overrun_hard", policy=JobPolicy(soft_time_limit=0.5, time_limit=1.5))
def overrun_hard(context: JobContext) -> None:
    """Ignores the soft limit, as a job stuck in C code would."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except SoftTimeLimitExceeded:
            continue


@job("test.native_gated", policy=JobPolicy(queue="long"))
def native_gated(context: JobContext, *, token: str) -> dict[str, int]:
    """``test.gated`` as a native job (on the long queue, which only the
    db_workers a test starts itself consume)."""
    result: dict[str, int] = gated(context, token=token)
    return result


@job("test.gated", policy=fast(max_retries=1, queue="long"))
def gated(context: JobContext, *, token: str) -> dict[str, int]:
    """Say it started, then wait (bounded) until the test opens the gate."""
    store = evidence()
    runs = int(store.incr(f"gated:runs:{token}"))
    deadline = time.monotonic() + 30
    while not store.exists(f"gated:open:{token}"):
        if time.monotonic() > deadline:
            raise TimeoutError("the gate was never opened")
        time.sleep(0.05)
    return {"runs": runs}


@job("test.log_native")
def log_native(context: JobContext, *, token: str) -> dict[str, str | None]:
    """Write a log line (the test looks for the request id on it)."""
    logger.info("sample job says %s", token)
    return {"request_id": context.request_id}


@job("test.log_celery", policy=fast(max_retries=1))
def log_celery(context: JobContext, *, token: str) -> dict[str, str | None]:
    logger.info("sample job says %s", token)
    return {"request_id": context.request_id}


def _slow(token: str, seconds: float) -> dict[str, str]:
    evidence().incr(f"slow:runs:{token}")
    time.sleep(seconds)
    return {"token": token}


@job("test.slow", policy=fast(max_retries=2))
def slow(context: JobContext, *, token: str, seconds: float) -> dict[str, str]:
    """A Celery job that takes a while (the fault tests break things meanwhile)."""
    return _slow(token, seconds)


@job("test.native_slow")
def native_slow(context: JobContext, *, token: str, seconds: float) -> dict[str, str]:
    """The same, as a native job."""
    return _slow(token, seconds)
