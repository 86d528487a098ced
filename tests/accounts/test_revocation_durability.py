"""Revocation that Redis did not hear about still holds (issue #10, point 1).

The fault suite (tests/faults/test_token_revocation.py) shows it under a real
Redis stall and restart; these pin each rule of ``apps.accounts.token_cache``
down on its own. Deleting a row with raw SQL stands for any revocation whose
after-commit delivery never reached Redis: no signal runs, only the database.
"""

import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import AsyncClient, override_settings
from knox.crypto import hash_token

from apps.accounts import token_cache
from apps.accounts.models import AuthToken, TokenRevocation, User
from apps.core.redis import get_redis
from tests.factories import amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"


def _raw(sql: str, params: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


araw = sync_to_async(_raw)


async def _cached_token(api: AsyncClient) -> tuple[User, str, str]:
    user = await amake_user()
    token = await login(api, user)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    digest = hash_token(token)
    assert await get_redis().exists(token_cache.entry_key(digest))
    return user, token, digest


async def test_the_database_records_every_revocation_whatever_deleted_the_row(
    api: AsyncClient,
) -> None:
    _, _, digest = await _cached_token(api)
    await araw("DELETE FROM accounts_authtoken WHERE digest = %s", [digest])
    rows = [row async for row in TokenRevocation.objects.values_list("digest", "revoke")]
    assert rows == [(digest, True)]


async def test_a_changed_or_deactivated_user_is_recorded_too(api: AsyncClient) -> None:
    user, _, _ = await _cached_token(api)
    await User.objects.filter(pk=user.pk).aupdate(full_name="Renamed")  # no signal either
    await User.objects.filter(pk=user.pk).aupdate(is_active=False)
    rows = [row async for row in TokenRevocation.objects.order_by("id").values_list("revoke")]
    assert rows == [(False,), (True,)]


@override_settings(TOKEN_REVOCATION_CHECK_INTERVAL=timedelta(0))
async def test_a_revocation_redis_missed_is_delivered_before_the_cache_is_used(
    api: AsyncClient,
) -> None:
    _, token, digest = await _cached_token(api)
    await araw("DELETE FROM accounts_authtoken WHERE digest = %s", [digest])
    # Redis still holds the entry: the next lookup reads the outbox first.
    assert await get_redis().exists(token_cache.entry_key(digest))
    response = await api.get(ME, headers=auth_headers(token))
    assert response.status_code == 401
    assert not await get_redis().exists(token_cache.entry_key(digest))
    assert await get_redis().exists(token_cache.tombstone_key(digest))
    assert not await TokenRevocation.objects.aexists()


@override_settings(
    TOKEN_REVOCATION_CHECK_INTERVAL=timedelta(hours=1),  # the cache stays trusted...
    TOKEN_MIN_REFRESH_INTERVAL=timedelta(0),  # ...and every use writes the expiry
)
async def test_a_touch_that_updates_no_row_refuses_and_never_recaches(api: AsyncClient) -> None:
    _, token, digest = await _cached_token(api)
    await get_redis().delete(f"auth:refresh:{digest}")
    await araw("DELETE FROM accounts_authtoken WHERE digest = %s", [digest])
    response = await api.get(ME, headers=auth_headers(token))
    assert response.status_code == 401
    assert not await get_redis().exists(token_cache.entry_key(digest))
    assert await get_redis().exists(token_cache.tombstone_key(digest))


async def test_a_fill_needs_fresh_proof_and_no_tombstone(api: AsyncClient) -> None:
    _, _, digest = await _cached_token(api)
    raw = await get_redis().get(token_cache.entry_key(digest))
    assert raw is not None
    entry = token_cache.decode(raw)

    await get_redis().delete(token_cache.entry_key(digest))
    stale = time.time() - token_cache.FILL_MAX_AGE_SECONDS - 5
    await token_cache.afill(digest, entry, proven_at=stale)  # e.g. stuck in a stalled Redis
    assert not await get_redis().exists(token_cache.entry_key(digest))

    await get_redis().set(token_cache.tombstone_key(digest), 1, ex=60)
    await token_cache.afill(digest, entry, proven_at=time.time())
    assert not await get_redis().exists(token_cache.entry_key(digest))

    await get_redis().delete(token_cache.tombstone_key(digest))
    await token_cache.afill(digest, entry, proven_at=time.time())
    assert await get_redis().exists(token_cache.entry_key(digest))


async def test_logout_clears_its_outbox_rows_once_redis_has_them(api: AsyncClient) -> None:
    _, token, digest = await _cached_token(api)
    response = await api.post("/api/v1/auth/logout", headers=auth_headers(token))
    assert response.status_code == 204
    assert not await TokenRevocation.objects.aexists()
    assert await get_redis().exists(token_cache.tombstone_key(digest))
    assert not await AuthToken.objects.filter(digest=digest).aexists()
