"""``python -m loadtests.profile_request [PATH] [-n N]``: where a Django request spends its time.

Drives ``project.asgi.app`` in-process (no socket) N times on one event loop
under pyinstrument and prints the call tree: the framework floor without
uvicorn or the network. Needs the benchmark user seeded (run the runner once).
"""

import argparse
import asyncio
import os
from typing import Any

from pyinstrument import Profiler


async def _one(app: Any, path: str) -> int:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    status = 0
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _main(path: str, count: int) -> None:
    os.environ.setdefault("BENCHMARK_ENDPOINTS", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("DEBUG", "1")
    from project.asgi import app

    assert await _one(app, path) == 200
    profiler = Profiler(async_mode="enabled")
    with profiler:
        for _ in range(count):
            await _one(app, path)
    print(
        profiler.output_text(
            unicode=True, color=False, show_all=os.environ.get("PROFILE_SHOW_ALL") == "1"
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default="/api/v1/bench/user")
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(_main(args.path, args.n))


if __name__ == "__main__":
    main()
