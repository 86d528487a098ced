"""``BatchedGet``: concurrent GETs share one round trip and each gets its own value."""

import asyncio

import pytest
from django.conf import settings
from redis.exceptions import RedisError

from apps.core.embedded import free_port
from apps.core.redis import BatchedGet, close_redis, get_redis


async def test_gets_of_one_loop_iteration_share_one_round_trip() -> None:
    redis = get_redis()
    await redis.set("batch:a", b"1")
    await redis.set("batch:b", b"2")
    await redis.delete("batch:missing")
    batched = BatchedGet()
    values = await asyncio.gather(
        batched.get("batch:a"),
        batched.get("batch:b"),
        batched.get("batch:missing"),
        batched.get("batch:a"),  # the same key twice: both callers answered
    )
    assert list(values) == [b"1", b"2", None, b"1"]
    assert batched.round_trips == 1


async def test_sequential_gets_each_see_the_current_value() -> None:
    redis = get_redis()
    batched = BatchedGet()
    await redis.set("batch:c", b"old")
    assert await batched.get("batch:c") == b"old"
    await redis.set("batch:c", b"new")
    assert await batched.get("batch:c") == b"new"
    assert batched.round_trips == 2


async def test_a_cancelled_caller_does_not_strand_the_others() -> None:
    redis = get_redis()
    await redis.set("batch:d", b"4")
    batched = BatchedGet()
    doomed = asyncio.ensure_future(batched.get("batch:d"))
    survivor = asyncio.ensure_future(batched.get("batch:d"))
    await asyncio.sleep(0)
    _ = doomed.cancel()
    assert await survivor == b"4"


async def test_a_redis_error_reaches_every_caller_of_the_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await close_redis()
    monkeypatch.setattr(settings, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    batched = BatchedGet()
    try:
        results = await asyncio.gather(
            batched.get("batch:e"), batched.get("batch:f"), return_exceptions=True
        )
    finally:
        await close_redis()
    assert len(results) == 2
    assert all(isinstance(result, RedisError) for result in results)
