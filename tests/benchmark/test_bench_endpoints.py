"""Benchmark endpoints exist only when BENCHMARK_ENDPOINTS is on."""

import importlib
from collections.abc import Iterator

import httpx
import pytest
from django.conf import settings
from django.test import AsyncClient, override_settings
from django.urls import clear_url_caches
from knox.crypto import hash_token

from apps.accounts import token_cache
from apps.accounts.models import User
from apps.benchmark.views import BENCH_USER_EMAIL
from apps.core.checks import check_benchmark_endpoints_off
from loadtests import fastapi_app
from tests.factories import amake_user, auth_headers, login


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


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("bench_routes")
async def test_stock_knox_twin_answers_me_for_our_tokens(api: AsyncClient) -> None:
    user = await amake_user(email=BENCH_USER_EMAIL, full_name="Bench User")
    token = await login(api, user)
    ours = await api.get("/api/v1/auth/me", headers=auth_headers(token))
    stock = await api.get("/api/v1/bench/stock-knox/me", headers=auth_headers(token))
    assert stock.status_code == 200, stock.content
    assert stock.json() == ours.json()
    refused = await api.get("/api/v1/bench/stock-knox/me")
    assert refused.status_code == 401
    assert refused.json()["type"] == "client_error"


@pytest.mark.django_db(transaction=True)
async def test_fastapi_twin_reads_the_entry_our_authenticator_cached(
    api: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same cache key derivation and value: FastAPI answers what /me answers."""
    monkeypatch.setenv("REDIS_URL", settings.REDIS_URL)
    user = await amake_user(email=BENCH_USER_EMAIL, full_name="Bench User")
    token = await login(api, user)
    assert fastapi_app.token_cache_key(token) == token_cache.entry_key(hash_token(token))
    ours = await api.get("/api/v1/auth/me", headers=auth_headers(token))  # fills the cache
    assert ours.status_code == 200
    transport = httpx.ASGITransport(app=fastapi_app.app)
    async with (
        fastapi_app.lifespan(fastapi_app.app),
        httpx.AsyncClient(transport=transport, base_url="http://fastapi") as client,
    ):
        theirs = await client.get("/cached-user", headers=auth_headers(token))
        assert theirs.status_code == 200
        assert theirs.json() == ours.json()
        other = token[:-1] + ("1" if token.endswith("0") else "0")
        unknown = await client.get("/cached-user", headers=auth_headers(other))
        assert unknown.status_code == 401


def test_deploy_check_warns_while_benchmark_endpoints_are_on() -> None:
    with override_settings(BENCHMARK_ENDPOINTS=True):
        warnings = check_benchmark_endpoints_off(None)
    assert [warning.id for warning in warnings] == ["core.W001"]
    with override_settings(BENCHMARK_ENDPOINTS=False):
        assert check_benchmark_endpoints_off(None) == []
