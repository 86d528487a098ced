"""A minimal FastAPI comparison app (benchmark only) serving the /me JSON shape.

``/user`` returns a fixed user; ``/cached-user`` reads the ``Authorization:
Token <key>`` header, GETs ``<TOKEN_CACHE_PREFIX><key>`` from Redis (a JSON
user entry seeded by the runner) and builds the response from it: the same
cached-token idea as our /me. Phase 2 aligns the key format with the real
token cache.
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Header, HTTPException
from redis.asyncio import Redis

TOKEN_CACHE_PREFIX = "bench:token:"  # noqa: S105 (a key prefix, not a secret)
FIXED_USER = {
    "id": 1,
    "email": "bench@example.com",
    "full_name": "Bench User",
    "email_verified": True,
    "date_joined": "2026-01-01T00:00:00Z",
}

_redis: Redis | None = None


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    global _redis
    _redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    yield
    await _redis.aclose()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/user")
async def user() -> dict[str, Any]:
    return FIXED_USER


@app.get("/cached-user")
async def cached_user(authorization: str = Header(default="")) -> dict[str, Any]:
    scheme, _, key = authorization.partition(" ")
    if scheme != "Token" or not key or _redis is None:
        raise HTTPException(status_code=401, detail="Invalid token.")
    entry = await _redis.get(TOKEN_CACHE_PREFIX + key)
    if entry is None:
        raise HTTPException(status_code=401, detail="Invalid token.")
    data: dict[str, Any] = json.loads(entry)["user"]
    return data
