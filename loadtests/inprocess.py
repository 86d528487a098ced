"""One GET through an ASGI app in this process, as a server would hand it over (no socket).

Used where a request's own cost is measured or probed without uvicorn or
the network: ``loadtests.profile_request``, ``loadtests.observability_cost``,
``tests/core/sentry_probe.py`` and the static-path tests.
"""

import asyncio
from typing import Any

type Headers = list[tuple[bytes, bytes]]


async def asgi_get(
    app: Any, path: str, headers: Headers | None = None
) -> tuple[int, dict[bytes, bytes], bytes]:
    """GET ``path`` from ``app``: (status, response headers lower-cased, body).

    ``headers`` default to ``Host: 127.0.0.1``; the client never disconnects.
    """
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"", "root_path": "", "headers": headers or [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    messages: list[dict[str, Any]] = []
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    body = b"".join(message.get("body", b"") for message in messages[1:])
    return start["status"], {key.lower(): value for key, value in start["headers"]}, body


def bearer(token: str, host: bytes = b"127.0.0.1") -> Headers:
    """``Host`` and ``Authorization: Bearer <token>``."""
    return [(b"host", host), (b"authorization", f"Bearer {token}".encode())]
