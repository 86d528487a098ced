"""Liveness and readiness against the real services."""

from collections.abc import AsyncIterator

import pytest
from django.test import AsyncClient, override_settings

from apps.accounts import token_cache
from apps.core.db import close_pool, database_breaker, trip
from apps.core.embedded import free_port
from apps.core.redis import close_redis


async def test_healthz_answers_without_io(api: AsyncClient) -> None:
    response = await api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db(transaction=True)
async def test_readyz_is_ok_when_every_service_answers(api: AsyncClient) -> None:
    response = await api.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "broker": "ok"},
    }


@pytest.fixture
async def fresh_clients() -> AsyncIterator[None]:
    """Drop the process-wide clients so they are rebuilt from (overridden) settings."""
    await close_redis()
    await close_pool()
    yield
    await close_redis()
    await close_pool()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_clients")
async def test_readyz_is_degraded_but_ready_without_redis_and_the_broker(
    api: AsyncClient,
) -> None:
    """The API serves every request without them (fallbacks, the outbox): stay in rotation."""
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with override_settings(REDIS_URL=dead, CELERY_BROKER_URL=dead):
        response = await api.get("/readyz")
    token_cache.reset_circuit()
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "unavailable", "broker": "unavailable"},
    }


@pytest.mark.django_db(transaction=True)
async def test_readyz_is_503_while_the_database_is_unavailable(api: AsyncClient) -> None:
    """The database is required. Its breaker open (a request found it unreachable): 503 at once."""
    trip(ConnectionError("the database went away"))
    try:
        response = await api.get("/readyz")
    finally:
        database_breaker.reset()
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "redis": "ok", "broker": "ok"},
    }
