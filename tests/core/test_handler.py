"""``apps.core.upstream.handler.AsyncHandler``: no per-request thread, yet Django's hygiene holds.

Requests go through the real ASGI app (``project.asgi.app``) in process.
"""

import sys
import threading
from collections.abc import AsyncIterator, Iterator
from types import FrameType
from typing import Any

import httpx
import pytest
from django.core import signals
from django.db import connections

from apps.core.upstream.handler import AsyncHandler
from project.asgi import app
from tests.core import handler_urls

pytestmark = [pytest.mark.urls("tests.core.handler_urls")]


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def threads_started() -> Iterator[list[str]]:
    """Names of the threads started (by the threading module) during the test."""
    started: list[str] = []

    def first_event(frame: FrameType, event: str, arg: Any) -> None:
        started.append(threading.current_thread().name)
        sys.setprofile(None)  # one record per thread, then get out of its way

    threading.setprofile(first_event)
    yield started
    threading.setprofile(None)


def _connections_in_use() -> int:
    pool = connections["default"].pool  # type: ignore[attr-defined]  # PostgreSQL only
    stats: dict[str, int] = pool.get_stats()
    return stats["pool_size"] - stats["pool_available"]


async def test_app_serves_through_the_async_handler() -> None:
    import project.asgi

    assert type(project.asgi.django_app) is AsyncHandler


async def test_async_request_starts_no_thread_and_makes_no_hop(
    client: httpx.AsyncClient, threads_started: list[str], thread_hops: list[str]
) -> None:
    for _ in range(3):
        response = await client.get("/handler/plain")
        assert response.status_code == 200
        assert response.json() == {"ok": True}
    assert thread_hops == []
    assert threads_started == []


@pytest.mark.django_db(transaction=True)
async def test_sync_orm_connection_goes_back_to_the_pool_after_each_request(
    client: httpx.AsyncClient, thread_hops: list[str]
) -> None:
    response = await client.get("/handler/orm")
    assert response.status_code == 200
    in_use = _connections_in_use()
    # More requests than the pool holds: a connection kept by any one of them
    # would show in the count (and exhaust the pool).
    for _ in range(3 * connections["default"].settings_dict["OPTIONS"]["pool"]["max_size"]):
        response = await client.get("/handler/orm")
        assert response.status_code == 200
        assert response.json() == {"users": 0}
    assert _connections_in_use() == in_use
    # Closed where Django closes it: in the request's worker thread.
    assert "HttpResponseBase.close" in thread_hops


@pytest.mark.django_db(transaction=True)
async def test_request_signal_receivers_of_our_own_still_fire(client: httpx.AsyncClient) -> None:
    seen: list[tuple[str, object]] = []

    def on_started(sender: object, **kwargs: Any) -> None:
        seen.append(("started", sender))

    async def on_finished(sender: object, **kwargs: Any) -> None:
        seen.append(("finished", sender))

    signals.request_started.connect(on_started)
    signals.request_finished.connect(on_finished)
    try:
        response = await client.get("/handler/plain")
    finally:
        signals.request_started.disconnect(on_started)
        signals.request_finished.disconnect(on_finished)
    assert response.status_code == 200
    assert seen == [("started", AsyncHandler), ("finished", AsyncHandler)]


# A FileResponse streams a sync file iterator; Django warns that it consumes it
# in a thread. That thread is the point of this test.
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
async def test_file_response_is_closed_after_it_was_sent(client: httpx.AsyncClient) -> None:
    handler_urls.opened_files.clear()
    response = await client.get("/handler/file")
    assert response.status_code == 200
    assert response.content == b"file body"
    assert [handle.closed for handle in handler_urls.opened_files] == [True]
