"""The ASGI wrapper, in process and under a real uvicorn."""

import gc
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import httpx
import pytest

from project.asgi import app
from tests.live import live_server


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


async def test_body_of_unknown_length_is_refused(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"{}"

    response = await client.post(
        "/api/v1/anything", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 411
    assert response.json()["errors"][0]["code"] == "length_required"


async def test_static_files_for_the_docs_are_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
    assert response.status_code == 200
    assert len(response.content) > 1000


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
