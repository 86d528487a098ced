"""Jobs declared only for the tests; the test workers import this module
(``JOBS_EXTRA_MODULES``). They keep their evidence in Redis, which the test
process and the worker processes share."""

import os
import time
from typing import Any

import redis
from celery.exceptions import SoftTimeLimitExceeded

from apps.jobs.registry import JobPolicy, chain, job


def fast(*, max_retries: int, queue: str = "default") -> JobPolicy:
    """Short, predictable backoffs so the tests stay fast."""
    return JobPolicy(
        max_retries=max_retries, backoff_base=0.05, backoff_max=0.2, jitter=False, queue=queue
    )


def evidence() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)


@job("test.echo")
def echo(**kwargs: Any) -> dict[str, Any]:
    return {"echo": kwargs}


@job("test.ping", policy=fast(max_retries=1))
def ping() -> dict[str, str]:
    return {"pong": "default"}


@job("test.ping_long", policy=fast(max_retries=1, queue="long"))
def ping_long() -> dict[str, str]:
    return {"pong": "long"}


@job("test.flaky", policy=fast(max_retries=3))
def flaky(*, token: str, failures: int) -> dict[str, int]:
    calls = int(evidence().incr(f"flaky:{token}"))
    if calls <= failures:
        raise ConnectionError(f"upstream unavailable (call {calls})")
    return {"calls": calls}


@job("test.always_fails", policy=fast(max_retries=2))
def always_fails(*, token: str) -> None:
    evidence().incr(f"fails:{token}")
    raise ValueError("the input can never be processed")


def collect(*, token: str) -> dict[str, str]:
    evidence().rpush(f"chain:{token}", "collect")
    return {"step": "collect"}


def render(*, token: str) -> dict[str, str]:
    store = evidence()
    store.rpush(f"chain:{token}", "render")
    if store.incr(f"render:{token}") == 1:
        raise TimeoutError("renderer busy")
    return {"step": "render"}


def upload(*, token: str) -> dict[str, str]:
    evidence().rpush(f"chain:{token}", "upload")
    return {"step": "upload", "url": f"/exports/{token}.zip"}


chain("test.chain", collect, render, upload, policy=fast(max_retries=2))


@job("test.overrun_soft", policy=JobPolicy(soft_time_limit=0.5, time_limit=5))
def overrun_soft() -> None:
    time.sleep(5)


@job("test.overrun_hard", policy=JobPolicy(soft_time_limit=0.5, time_limit=1.5))
def overrun_hard() -> None:
    """Ignores the soft limit, as a job stuck in C code would."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            time.sleep(0.05)
        except SoftTimeLimitExceeded:
            continue


@job("test.gated", policy=fast(max_retries=1, queue="long"))
def gated(*, token: str) -> dict[str, int]:
    """Say it started, then wait (bounded) until the test opens the gate."""
    store = evidence()
    runs = int(store.incr(f"gated:runs:{token}"))
    deadline = time.monotonic() + 30
    while not store.exists(f"gated:open:{token}"):
        if time.monotonic() > deadline:
            raise TimeoutError("the gate was never opened")
        time.sleep(0.05)
    return {"runs": runs}
