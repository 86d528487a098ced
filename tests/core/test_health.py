"""Liveness and readiness against the real services."""

from collections.abc import AsyncIterator

import pytest
from django.test import AsyncClient, override_settings

from apps.core.db import close_pool
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
async def test_readyz_names_the_service_that_is_down(api: AsyncClient) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with override_settings(REDIS_URL=dead, CELERY_BROKER_URL=dead):
        response = await api.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable", "broker": "unavailable"},
    }
