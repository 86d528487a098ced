"""Benchmark endpoints exist only when BENCHMARK_ENDPOINTS is on."""

import importlib
from collections.abc import Iterator

import pytest
from django.test import AsyncClient, override_settings
from django.urls import clear_url_caches

from apps.accounts.models import User
from apps.benchmark.views import BENCH_USER_EMAIL


def _reload_urls() -> None:
    import project.urls

    importlib.reload(project.urls)
    clear_url_caches()


@pytest.fixture
def bench_routes() -> Iterator[None]:
    with override_settings(BENCHMARK_ENDPOINTS=True):
        _reload_urls()
        yield
    _reload_urls()


@pytest.mark.django_db
async def test_bench_endpoint_is_not_routed_by_default(api: AsyncClient) -> None:
    response = await api.get("/api/v1/bench/user")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("bench_routes")
async def test_bench_user_returns_the_me_shape_from_the_async_pool(api: AsyncClient) -> None:
    user = await User.objects.acreate(email=BENCH_USER_EMAIL, full_name="Bench User")
    response = await api.get("/api/v1/bench/user")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"id", "email", "full_name", "email_verified", "date_joined"}
    assert body["id"] == user.pk
    assert body["email"] == BENCH_USER_EMAIL
    assert body["full_name"] == "Bench User"
    assert body["email_verified"] is False
