"""The ASGI wrapper, in process and under a real uvicorn."""

import gc
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest

from project.asgi import app
from tests.live import live_server, send_chunked


@pytest.fixture
def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_oversized_body_is_refused_before_it_is_read(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/anything",
        content=b"x" * (1024 * 1024 + 1),
        headers={"Content-Type": "application/json", "X-Request-ID": "big-1"},
    )
    assert response.status_code == 413
    assert response.headers["X-Request-ID"] == "big-1"
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "payload_too_large",
                "detail": "The request body is larger than 1048576 bytes.",
                "attr": None,
            }
        ],
        "request_id": "big-1",
    }


LIMIT = 1024 * 1024
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]


@pytest.mark.parametrize("method", ALL_METHODS)
async def test_a_declared_oversized_body_is_refused_for_every_method(
    client: httpx.AsyncClient, method: str
) -> None:
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(2):
            pulled += 1
            yield b"x" * LIMIT

    response = await client.request(
        method, "/healthz", content=body(), headers={"Content-Length": str(2 * LIMIT)}
    )
    assert response.status_code == 413
    assert pulled == 0  # refused before the app read a byte
    if method != "HEAD":
        assert response.json()["errors"][0]["code"] == "payload_too_large"


@pytest.mark.parametrize("method", ALL_METHODS)
async def test_a_chunked_body_is_cut_off_at_the_limit(
    client: httpx.AsyncClient, method: str
) -> None:
    chunk = 64 * 1024
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while pulled < 3200:  # 200 MB if nothing stopped it
            pulled += 1
            yield b"x" * chunk

    response = await client.request(method, "/healthz", content=endless())
    assert response.status_code == 413
    assert pulled * chunk <= LIMIT + chunk  # not one chunk more than needed to pass the limit
    if method != "HEAD":
        assert response.json()["errors"][0]["code"] == "payload_too_large"


async def test_a_chunked_body_within_the_limit_reaches_the_view(
    client: httpx.AsyncClient,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "not an email",'
        yield b' "password": "x"}'

    response = await client.post(
        "/api/v1/auth/signup", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} >= {"email"}


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_uvicorn_cuts_off_a_200_mb_chunked_body_to_healthz() -> None:
    """Over a real socket: the server answers 413 and closes long before 200 MB are sent."""
    with live_server() as server:
        sent, head = send_chunked(server.base_url, "GET", "/healthz", total=200 * 1024 * 1024)
    assert head.startswith(b"HTTP/1.1 413"), head
    assert sent < 32 * 1024 * 1024, sent


async def test_static_files_for_the_docs_are_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    assert response.status_code == 200
    assert len(response.content) > 1000


@pytest.mark.workers  # starts processes
@pytest.mark.django_db(transaction=True)
def test_uvicorn_serves_with_lifespan_and_stops_cleanly() -> None:
    with live_server() as server:
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{server.base_url}/readyz")
        assert ready.status_code == 200, ready.text
        output = server.stop()
    assert "Application startup complete" in output
    assert "Application shutdown complete" in output
    assert "lifespan" not in output.lower().replace("application", "")
    # uvicorn re-raises the signal it handled after a graceful shutdown
    assert server.process.returncode in (0, -15)


async def test_lifespan_startup_freezes_the_startup_heap() -> None:
    from project.asgi import lifespan

    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, str]:
        return next(messages)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message["type"])
        if message["type"] == "lifespan.startup.complete":
            frozen.append(gc.get_freeze_count())

    frozen: list[int] = []
    gc.unfreeze()
    try:
        await lifespan(receive, send)
    finally:
        gc.unfreeze()
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert frozen[0] > 10_000
