"""``python -m tests.core.sentry_probe``: count thread hops of ``/me`` requests, in process.

Drives ``project.asgi.app`` with ``PROBE_TOKEN`` (after one warm-up request)
and prints ``{"hops": N, "statuses": [...], "sentry": bool}``: ``sync_to_async``
calls made while serving, and whether the Sentry SDK is active.
"""

import asyncio
import json
import os
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

from asgiref.sync import SyncToAsync

import project.asgi
from apps.core.db import close_pool, open_pool
from apps.core.redis import close_redis, open_redis
from loadtests.inprocess import asgi_get, bearer

ME = "/api/v1/auth/me"
REQUESTS = 20


async def get(path: str, token: str) -> int:
    status, _, _ = await asgi_get(project.asgi.app, path, bearer(token))
    return status


async def main() -> None:
    token = os.environ["PROBE_TOKEN"]
    await open_pool()
    open_redis()
    statuses = [await get(ME, token)]  # fills the token cache
    hops = 0
    original = SyncToAsync.__call__

    def counting(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        nonlocal hops
        hops += 1
        return original(self, *args, **kwargs)

    SyncToAsync.__call__ = counting  # type: ignore[method-assign]
    try:
        statuses += [await get(ME, token) for _ in range(REQUESTS)]
    finally:
        SyncToAsync.__call__ = original  # type: ignore[method-assign]
    await close_pool()
    await close_redis()
    sentry = "sentry_sdk" in sys.modules and sys.modules["sentry_sdk"].get_client().is_active()
    print(json.dumps({"hops": hops, "statuses": statuses, "sentry": sentry}))


if __name__ == "__main__":
    asyncio.run(main())
