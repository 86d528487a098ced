"""A minimal FastAPI comparison app (benchmark only) serving the /me JSON shape.

- ``/user``: a fixed user, no authentication;
- ``/cached-user``: the same cached-token lookup as our /me on a cache hit:
  parse ``Authorization: Bearer <token>``, check its format, hash it the way
  knox does (SHA-512 of the token), GET ``auth:token:<digest>`` from the same
  Redis, decode the same JSON entry our authenticator writes, refuse it once
  expired, and answer the user's public fields. What users would write with
  FastAPI for the same idea; it has no framework around it to pay for.
"""

import hashlib
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Header, HTTPException
from redis.asyncio import Redis

TOKEN_CACHE_PREFIX = "auth:token:"  # noqa: S105 (a key prefix, not a secret)
TOKEN_PREFIX = os.environ.get("TOKEN_PREFIX", "aa_")
TOKEN_HEX_LENGTH = 64
_HEX = frozenset("0123456789abcdef")
FIXED_USER = {
    "id": 1,
    "email": "bench@example.com",
    "full_name": "Bench User",
    "email_verified": True,
    "date_joined": "2026-01-01T00:00:00Z",
}

_redis: Redis | None = None


def token_cache_key(token: str) -> str:
    """``apps.accounts.token_cache.entry_key(knox.crypto.hash_token(token))``, without Django."""
    return TOKEN_CACHE_PREFIX + hashlib.sha512(token.encode()).hexdigest()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


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
    scheme, _, token = authorization.partition(" ")
    body = token[len(TOKEN_PREFIX) :]
    if (
        scheme.lower() != "bearer"
        or not token.startswith(TOKEN_PREFIX)
        or len(body) != TOKEN_HEX_LENGTH
        or not _HEX.issuperset(body)
        or _redis is None
    ):
        raise HTTPException(status_code=401, detail="Invalid token.")
    raw = await _redis.get(token_cache_key(token))
    if raw is None:
        raise HTTPException(status_code=401, detail="Invalid token.")
    entry = json.loads(raw)
    if entry["expiry"] is not None and entry["expiry"] <= time.time():
        raise HTTPException(status_code=401, detail="Invalid token.")
    return {
        "id": entry["user_id"],
        "email": entry["email"],
        "full_name": entry["full_name"],
        "email_verified": entry["email_verified"],
        "date_joined": _iso(entry["date_joined"]),
    }
