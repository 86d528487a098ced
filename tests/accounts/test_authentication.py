"""The cached token authenticator: hits, misses, expiry, refresh, bad headers, Redis down."""

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, override_settings
from django.utils import timezone
from knox.crypto import hash_token

from apps.accounts import token_cache
from apps.accounts.models import AuthToken
from apps.core.db import get_pool
from apps.core.embedded import free_port
from apps.core.redis import close_redis, get_redis
from tests.factories import amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"


async def pool_requests() -> int:
    """Connections handed out by the async pool so far."""
    pool = await get_pool()
    return int(pool.get_stats().get("requests_num", 0))


async def test_cache_hit_makes_no_database_query_and_no_thread_hop(
    api: AsyncClient, thread_hops: list[str], orm_queries: list[str]
) -> None:
    user = await amake_user(full_name="Ada")
    token = await login(api, user)
    warm = await api.get(ME, headers=auth_headers(token))  # miss: fills the cache
    assert warm.status_code == 200

    thread_hops.clear()
    before = await pool_requests()
    orm_queries.clear()
    response = await api.get(ME, headers=auth_headers(token))
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ada"
    assert await pool_requests() == before
    assert orm_queries == []
    assert set(thread_hops) <= {
        "Signal.asend.<locals>.sync_send",
        "SimpleTemplateResponse.render",
        "HttpResponseBase.close",
    }, thread_hops


async def test_cache_miss_makes_one_query_then_caches_by_digest(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    digest = hash_token(token)
    assert await get_redis().get(token_cache.entry_key(digest)) is None
    before = await pool_requests()
    response = await api.get(ME, headers=auth_headers(token))
    assert response.status_code == 200
    assert await pool_requests() == before + 1
    cached = await get_redis().get(token_cache.entry_key(digest))
    assert cached is not None
    assert token.encode() not in cached
    keys = [key async for key in get_redis().scan_iter("auth:*")]
    assert all(token.encode() not in key for key in keys)
    ttl = await get_redis().ttl(token_cache.entry_key(digest))
    assert 0 < ttl <= 15 * 60


async def test_cache_ttl_never_outlives_the_token(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    soon = timezone.now() + timedelta(seconds=30)
    await AuthToken.objects.filter(digest=hash_token(token)).aupdate(expiry=soon)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    ttl = await get_redis().ttl(token_cache.entry_key(hash_token(token)))
    assert 0 < ttl <= 30


async def test_expired_token_is_refused_even_with_a_live_cache_entry(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    digest = hash_token(token)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    raw = await get_redis().get(token_cache.entry_key(digest))
    assert raw is not None
    entry = token_cache.decode(raw)
    entry["expiry"] = timezone.now().timestamp() - 1
    await get_redis().set(token_cache.entry_key(digest), token_cache.encode(entry), ex=600)
    response = await api.get(ME, headers=auth_headers(token))
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


async def test_expired_token_is_refused_on_a_miss(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    past = timezone.now() - timedelta(seconds=1)
    await AuthToken.objects.filter(digest=hash_token(token)).aupdate(expiry=past)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer not-a-token",
        "Bearer zz_" + "0" * 64,  # wrong prefix
        "Bearer aa_" + "g" * 64,  # not hex
        "Bearer aa_" + "0" * 64,  # well formed, unknown
    ],
)
async def test_bad_headers_are_401_in_the_standard_shape(api: AsyncClient, header: str) -> None:
    response = await api.get(ME, headers={"Authorization": header})
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == "Bearer"


async def test_missing_header_is_401_not_authenticated(api: AsyncClient) -> None:
    response = await api.get(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


async def test_token_of_a_deleted_user_is_refused(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    await user.adelete()
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401


async def test_deactivated_user_is_refused_at_once(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    user.is_active = False
    await sync_to_async(user.save)()
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401


@override_settings(TOKEN_MIN_REFRESH_INTERVAL=timedelta(minutes=10))
async def test_auto_refresh_writes_at_most_once_per_interval(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    digest = hash_token(token)
    long_ago = timezone.now() - timedelta(hours=1)
    await AuthToken.objects.filter(digest=digest).aupdate(last_used_at=long_ago)
    issued = await AuthToken.objects.aget(digest=digest)
    for _ in range(5):
        assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    refreshed = await AuthToken.objects.aget(digest=digest)
    assert refreshed.last_used_at is not None
    assert refreshed.last_used_at > long_ago
    assert refreshed.expiry is not None
    assert issued.expiry is not None
    assert refreshed.expiry >= issued.expiry
    # Further requests inside the interval write nothing.
    for _ in range(5):
        assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    again = await AuthToken.objects.aget(digest=digest)
    assert again.last_used_at == refreshed.last_used_at
    assert again.expiry == refreshed.expiry


async def test_redis_outage_falls_back_to_the_database(
    api: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    user = await amake_user()
    token = await login(api, user)
    await close_redis()
    token_cache.reset_circuit()
    from django.conf import settings

    original = settings.REDIS_URL
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    try:
        responses = await asyncio.gather(
            *(api.get(ME, headers=auth_headers(token)) for _ in range(3))
        )
        ready = await api.get("/readyz")
    finally:
        settings.REDIS_URL = original
        await close_redis()
        token_cache.reset_circuit()
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert any("token cache unavailable" in record.getMessage() for record in caplog.records)
    assert ready.status_code == 200  # degraded, still serving: see apps.core.health
    assert ready.json()["checks"]["redis"] == "unavailable"
