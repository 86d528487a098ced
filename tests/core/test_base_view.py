"""The core base view awaits async checks on the event loop: no thread hop."""

import threading

import pytest
from django.test import AsyncClient

from tests.core import urls as test_urls

pytestmark = [pytest.mark.urls("tests.core.urls")]


async def test_async_checks_and_handler_run_on_the_event_loop_thread(api: AsyncClient) -> None:
    test_urls.threads_seen.clear()
    response = await api.get("/api/v1/test/threads")
    assert response.status_code == 200
    loop_thread = threading.get_ident()
    assert [name for name, _ in test_urls.threads_seen] == [
        "authentication",
        "permission",
        "throttle",
        "handler",
    ]
    assert {thread for _, thread in test_urls.threads_seen} == {loop_thread}


async def test_api_request_path_adds_no_thread_hop(
    api: AsyncClient, thread_hops: list[str]
) -> None:
    response = await api.get("/api/v1/test/threads")
    assert response.status_code == 200
    # What remains is Django's handler machinery, not ours: sync signal
    # receivers (request_started/finished) and closing the response. The base
    # view renders inline (no SimpleTemplateResponse.render hop), and there is
    # no middleware, base view or check hop. Exact: a hop coming back fails.
    assert sorted(set(thread_hops)) == [
        "HttpResponseBase.close",
        "Signal.asend.<locals>.sync_send",
    ], thread_hops


async def test_error_responses_are_rendered_inline_too(
    api: AsyncClient, thread_hops: list[str]
) -> None:
    response = await api.post("/api/v1/test/echo", {"name": ""}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "validation_error"
    assert "SimpleTemplateResponse.render" not in thread_hops
