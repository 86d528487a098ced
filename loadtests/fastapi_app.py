"""A minimal FastAPI comparison app (benchmark only): the /me shape and the product twins.

- ``/user``: a fixed user, no authentication;
- ``/cached-user``: the same cached-token lookup as our /me on a cache hit:
  parse ``Authorization: Bearer <token>``, check its format, hash it the way
  knox does (SHA-512 of the token), GET ``auth:token:<digest>`` from the same
  Redis, decode the same JSON entry our authenticator writes, refuse it once
  expired, and answer the user's public fields. What users would write with
  FastAPI for the same idea; it has no framework around it to pay for.
- under ``/api/v1/``: the documents, workspaces and jobs twins
  (``loadtests.fastapi_twins``), on a psycopg ``AsyncConnectionPool`` to the
  same database (``DATABASE_URL``), sized like ours
  (``DATABASE_POOL_MIN_SIZE``/``DATABASE_POOL_MAX_SIZE``).
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from redis.asyncio import Redis

from loadtests.fastapi_twins import User, new_pool, router, token_cache_key

__all__ = ["app", "lifespan", "token_cache_key"]

FIXED_USER = {
    "id": 1,
    "email": "bench@example.com",
    "full_name": "Bench User",
    "email_verified": True,
    "date_joined": "2026-01-01T00:00:00Z",
}


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.token_prefix = os.environ.get("TOKEN_PREFIX", "aa_")
    app.state.redis = Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    app.state.pool = new_pool(
        os.environ.get("DATABASE_URL", ""),
        min_size=int(os.environ.get("DATABASE_POOL_MIN_SIZE", "2")),
        max_size=int(os.environ.get("DATABASE_POOL_MAX_SIZE", "10")),
    )
    await app.state.pool.open(wait=False)
    yield
    await app.state.pool.close()
    await app.state.redis.aclose()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)
app.include_router(router)


@app.get("/user")
async def user() -> dict[str, Any]:
    return FIXED_USER


@app.get("/cached-user")
async def cached_user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "email_verified": user.email_verified,
        "date_joined": _iso(user.date_joined),
    }
