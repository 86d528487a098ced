"""What the hot path records, in process: labels stay bounded, the token cache
is counted, and metrics on without a token is refused.

The whole stack (several processes, the endpoint, the token) is in
tests/core/test_metrics_endpoint.py; here the ASGI app runs in this process
with recording switched on, counting into this process's registry.
"""

import secrets
from collections.abc import Iterator

import httpx
import pytest
from knox.crypto import hash_token
from pytest_django.fixtures import Settings

from apps.accounts import token_cache
from apps.core import metrics
from apps.core.checks import metrics_problems
from apps.core.embedded import free_port
from apps.core.metrics.definitions import REGISTRY
from apps.core.redis import close_redis
from project.asgi import app
from tests.core.test_settings import run_python
from tests.factories import amake_quick_user

ME = "/api/v1/auth/me"


@pytest.fixture
def recording() -> Iterator[None]:
    metrics.set_recording(True)
    try:
        yield
    finally:
        metrics.set_recording(False)


@pytest.fixture
def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def requests(route: str, method: str, status: str) -> float:
    labels = {"route": route, "method": method, "status": status}
    return REGISTRY.get_sample_value("http_request_duration_seconds_count", labels) or 0.0


def lookups(result: str) -> float:
    return REGISTRY.get_sample_value("token_cache_lookups_total", {"result": result}) or 0.0


def series(route: str) -> int:
    """How many request series carry ``route``."""
    return sum(
        1
        for family in REGISTRY.collect()
        for sample in family.samples
        if sample.name == "http_request_duration_seconds_count" and sample.labels["route"] == route
    )


@pytest.mark.usefixtures("recording")
async def test_routes_are_templates_and_unknown_paths_one_label(client: httpx.AsyncClient) -> None:
    before = {
        "health": requests("/healthz", "GET", "200"),
        "unmatched": requests("unmatched", "GET", "404"),
        "other": requests("/healthz", "OTHER", "200"),
        "static": requests("static", "GET", "200"),
        "refused": requests("unmatched", "POST", "413"),
    }
    assert (await client.get("/healthz")).status_code == 200
    for _ in range(20):
        missing = await client.get(f"/{secrets.token_hex(8)}/{secrets.token_hex(8)}")
        assert missing.status_code == 404
    for _ in range(20):  # invented methods: one label, not one per method
        await client.request(secrets.token_hex(4).upper(), "/healthz")
    await client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    await client.post("/healthz", content=b"x" * (1024 * 1024 + 1))

    assert requests("/healthz", "GET", "200") == before["health"] + 1
    assert requests("unmatched", "GET", "404") == before["unmatched"] + 20
    assert requests("/healthz", "OTHER", "200") == before["other"] + 20
    assert requests("static", "GET", "200") == before["static"] + 1
    assert requests("unmatched", "POST", "413") == before["refused"] + 1
    assert series("unmatched") == 2  # GET 404 and POST 413, whatever the paths
    assert series("/healthz") == 2  # GET and OTHER


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("recording")
async def test_token_cache_hits_misses_and_fallbacks_are_counted(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    _, headers = await amake_quick_user()
    token_cache.forget([hash_token(headers["Authorization"].removeprefix("Bearer "))])
    hits, misses, fallbacks = lookups("hit"), lookups("miss"), lookups("fallback")

    assert (await client.get(ME, headers=headers)).status_code == 200
    assert (await client.get(ME, headers=headers)).status_code == 200
    assert (lookups("miss"), lookups("hit")) == (misses + 1, hits + 1)

    # Redis gone: the database answers, and the lookup counts as a fallback.
    await close_redis()
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    try:
        assert (await client.get(ME, headers=headers)).status_code == 200
        assert (await client.get(ME, headers=headers)).status_code == 200
    finally:
        await close_redis()
        token_cache.reset_circuit()
    assert lookups("fallback") == fallbacks + 2  # the failed read, then the open breaker
    assert (lookups("miss"), lookups("hit")) == (misses + 1, hits + 1)


@pytest.mark.workers  # starts processes
def test_metrics_on_without_a_token_refuses_to_start() -> None:
    result = run_python("import project.asgi", METRICS_ENABLED="true", METRICS_TOKEN="")
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr
    assert "METRICS_ENABLED is on without METRICS_TOKEN" in result.stderr


def test_a_missing_multiprocess_directory_is_a_configuration_error(settings: Settings) -> None:
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = "a-token"
    settings.METRICS_MULTIPROCESS_DIR = "/nonexistent/metrics"
    assert metrics_problems() == [
        "PROMETHEUS_MULTIPROC_DIR=/nonexistent/metrics is not a writable directory; create it "
        "(empty) before starting the processes that share it."
    ]
    settings.METRICS_MULTIPROCESS_DIR = ""  # one process: its own registry
    assert metrics_problems() == []
