"""``Idempotency-Key`` on create endpoints: a retried POST runs at most once.

A client that may retry a create (a flaky network, a timeout, a double click)
sends a key of its choosing, the same on every retry:

- the first request with a key runs and, if it succeeds (2xx), its response
  (status, body, ``Location``/``ETag``) is kept for ``IDEMPOTENCY_KEY_TTL``
  (24 h);
- a retry with the same key and the same body gets that response again, with
  ``Idempotent-Replayed: true``, and nothing runs again;
- the same key with a different body is 422 ``idempotency_key_reused``;
- a retry while the first is still running is 409
  ``idempotency_key_in_progress``: concurrent duplicates never both run
  (one Redis ``SET NX`` decides, across every process);
- a failed first request (4xx/5xx, an exception) keeps nothing: a retry runs.

Keys are scoped to the caller and the URL (two users' keys never meet). The
store is Redis; if it is unreachable a request with a key is refused with
503 ``idempotency_unavailable`` rather than run without the promise.
"""

import functools
import hashlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from apps.core.errors import Conflict, DomainError
from apps.core.redis import get_redis

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# How long a running first request holds its key: longer than any request
# takes, short enough that a crashed process does not block retries for long.
RUNNING_SECONDS = 60
_ATTEMPTS = 3  # a key released between our SET NX and GET: try to claim it again

# KEYS[1] = the key; ARGV[1] = our running marker, ARGV[2] = new value or "", ARGV[3] = ttl
_SETTLE_SCRIPT = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""


class IdempotencyKeyReused(DomainError):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used with a different request body."


class IdempotencyUnavailable(DomainError):
    status_code = 503
    default_code = "idempotency_unavailable"
    default_detail = "Idempotency keys cannot be checked right now; retry later."


class InvalidIdempotencyKey(DomainError):
    default_code = "invalid_idempotency_key"
    default_detail = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters."


def _valid(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


def _store_key(request: Request, key: str) -> str:
    scope = f"{request.user.pk}\n{request.method}\n{request.path}\n{key}"
    return "idempotency:" + hashlib.sha256(scope.encode()).hexdigest()


def _replay(stored: dict[str, Any]) -> Response:
    response = Response(stored["data"], status=stored["status"], headers=stored["headers"])
    response[REPLAYED_HEADER] = "true"
    return response


type Handler[V] = Callable[Concatenate[V, Request, ...], Awaitable[Response]]


def idempotent[V](handler: Handler[V]) -> Handler[V]:
    """Make an async create handler honour ``Idempotency-Key`` (see the module docstring)."""

    @functools.wraps(handler)
    async def wrapper(view: V, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return await handler(view, request, *args, **kwargs)
        if not _valid(key):
            raise InvalidIdempotencyKey()
        fingerprint = hashlib.sha256(request.body).hexdigest()
        store_key = _store_key(request, key)
        running = json.dumps(
            {"state": "running", "fingerprint": fingerprint, "id": uuid.uuid4().hex}
        )
        redis = get_redis()
        try:
            for _ in range(_ATTEMPTS):
                if await redis.set(store_key, running, nx=True, ex=RUNNING_SECONDS):
                    break
                raw = await redis.get(store_key)
                if raw is None:
                    continue  # released or expired meanwhile: claim it
                stored = json.loads(raw)
                if stored["fingerprint"] != fingerprint:
                    raise IdempotencyKeyReused()
                if stored["state"] == "running":
                    raise Conflict(
                        "A request with this Idempotency-Key is still running; retry shortly.",
                        code="idempotency_key_in_progress",
                    )
                return _replay(stored)
            else:
                raise Conflict(code="idempotency_key_in_progress")
        except RedisError as exc:
            logger.warning("idempotency store unavailable", exc_info=exc)
            raise IdempotencyUnavailable() from exc

        settled = ""
        try:
            response = await handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                settled = json.dumps(
                    {
                        "state": "done",
                        "fingerprint": fingerprint,
                        "status": response.status_code,
                        "headers": dict(response.items()),
                        "data": response.data,
                    },
                    cls=JSONEncoder,
                )
            return response
        finally:
            ttl = int(settings.IDEMPOTENCY_KEY_TTL.total_seconds())
            try:
                await redis.eval(_SETTLE_SCRIPT, 1, store_key, running, settled, ttl)
            except RedisError:
                # The write happened; a retry within RUNNING_SECONDS gets 409,
                # later it runs again. Logged, never turned into a failure.
                logger.warning("idempotency store unavailable when settling a key")

    return wrapper
