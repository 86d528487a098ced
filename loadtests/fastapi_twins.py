"""The product's read and write endpoints as a FastAPI team would write them (benchmark only).

The yardstick of the side-by-side runner: what a competent team would write
instead of our Django views, honest and minimal, on the same database and
the same Redis token cache. Each endpoint runs the SQL our selectors and
services run (same tables, filters, ordering, page size, websearch tsquery
and rank), on a psycopg ``AsyncConnectionPool`` sized like ours, behind the
cached-token check our ``/me`` twin does (``auth:token:<sha512 digest>``,
the very entry our authenticator caches), and answers the same JSON
(``tests/benchmark/test_fastapi_twins.py`` compares them field by field).
Response models are pydantic, so FastAPI validates and dumps them in
pydantic-core (its fast path), as any FastAPI app with ``response_model``s.

Endpoints (same paths as ours):

- ``GET /api/v1/workspaces``: the caller's workspaces, newest membership first;
- ``GET /api/v1/jobs``: the caller's jobs, newest first;
- ``GET /api/v1/workspaces/{id}/documents[?q=]``: membership check, then one
  page (newest first, or by rank with ``q``);
- ``POST /api/v1/workspaces/{id}/documents``: membership check, then one
  transaction: insert, and the webhook fan-out query our service runs;
- ``GET /api/v1/workspaces/{id}/documents/{doc}``: with ``ETag`` and
  ``If-None-Match``;
- ``PATCH /api/v1/workspaces/{id}/documents/{doc}``: ``If-Match`` checked
  in the ``UPDATE``'s ``WHERE``, in one transaction with the fan-out query.

Lists are cursor-paginated (forward only: ``next``; ``previous`` is null),
on the same ordering keys as ours. Errors use FastAPI's own shape. The
write twins only serve workspaces without webhook endpoints (the seeded
ones): fanning an event out needs our job dispatcher, so with a subscribed
endpoint they answer 501 rather than pretend.
"""

import base64
import hashlib
import json
import re
import time
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from psycopg import AsyncConnection, sql
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, Field, StringConstraints, field_validator
from redis.asyncio import Redis

TOKEN_CACHE_PREFIX = "auth:token:"  # noqa: S105 (a key prefix, not a secret)
TOKEN_HEX_LENGTH = 64
_HEX = frozenset("0123456789abcdef")
PAGE_SIZE = 50
_ENTITY_TAG = re.compile(r'^"(\d{1,10})"$')

Pool = AsyncConnectionPool[AsyncConnection[DictRow]]
router = APIRouter(prefix="/api/v1")


def new_pool(conninfo: str, *, min_size: int, max_size: int) -> Pool:
    """Autocommit connections returning dict rows, session time zone UTC (as Django's)."""
    return AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True, "row_factory": dict_row, "options": "-c TimeZone=UTC"},
        connection_class=AsyncConnection[DictRow],
        open=False,
    )


# --- authentication: the cached-token lookup ----------------------------------


class TokenUser(BaseModel):
    id: int
    email: str
    full_name: str
    email_verified: bool
    date_joined: float


def token_cache_key(token: str) -> str:
    """``apps.accounts.token_cache.entry_key(knox.crypto.hash_token(token))``, without Django."""
    return TOKEN_CACHE_PREFIX + hashlib.sha512(token.encode()).hexdigest()


def _unauthorized() -> HTTPException:
    return HTTPException(status_code=401, detail="Invalid token.")


async def current_user(request: Request, authorization: str = Header(default="")) -> TokenUser:
    """The token's user from the cache entry our authenticator wrote (one GET); else 401."""
    prefix: str = request.app.state.token_prefix
    scheme, _, token = authorization.partition(" ")
    body = token[len(prefix) :]
    if (
        scheme.lower() != "bearer"
        or not token.startswith(prefix)
        or len(body) != TOKEN_HEX_LENGTH
        or not _HEX.issuperset(body)
    ):
        raise _unauthorized()
    redis: Redis = request.app.state.redis
    raw = await redis.get(token_cache_key(token))
    if raw is None:
        raise _unauthorized()
    entry = json.loads(raw)
    if entry["expiry"] is not None and entry["expiry"] <= time.time():
        raise _unauthorized()
    return TokenUser(
        id=entry["user_id"],
        email=entry["email"],
        full_name=entry["full_name"],
        email_verified=entry["email_verified"],
        date_joined=entry["date_joined"],
    )


User = Annotated[TokenUser, Depends(current_user)]


def pool_of(request: Request) -> Pool:
    pool: Pool = request.app.state.pool
    return pool


async def require_member(
    connection: AsyncConnection[DictRow], workspace_id: UUID, user_id: int
) -> str:
    """The caller's role in the workspace; 404 for a non-member, as ours."""
    cursor = await connection.execute(
        "SELECT role FROM workspaces_membership WHERE workspace_id = %s AND user_id = %s",
        (workspace_id, user_id),
    )
    row = await cursor.fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="Not found.")
    role: str = row["role"]
    return role


# --- cursor pagination ---------------------------------------------------------


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        raise HTTPException(status_code=400, detail="Invalid cursor.") from None
    if not isinstance(values, list) or len(values) != size:
        raise HTTPException(status_code=400, detail="Invalid cursor.")
    return values


def _next_link(request: Request, rows: list[DictRow], key: tuple[str, ...]) -> str | None:
    """The link to the page after ``rows`` (fetched one past the page), or None."""
    if len(rows) <= PAGE_SIZE:
        return None
    last = rows[PAGE_SIZE - 1]
    return str(request.url.include_query_params(cursor=_encode_cursor([last[k] for k in key])))


class Page[T](BaseModel):
    next: str | None
    previous: str | None
    results: list[T]


def _page(request: Request, rows: list[DictRow], key: tuple[str, ...]) -> dict[str, Any]:
    return {"next": _next_link(request, rows, key), "previous": None, "results": rows[:PAGE_SIZE]}


# --- workspaces and jobs ---------------------------------------------------------


class WorkspaceOut(BaseModel):
    id: UUID
    name: str
    role: str
    created_at: datetime
    updated_at: datetime


_WORKSPACES_SQL = """
SELECT w.id, w.name, m.role, w.created_at, w.updated_at,
       m.created_at AS joined_at, m.id AS membership_id
FROM workspaces_membership m JOIN workspaces_workspace w ON w.id = m.workspace_id
WHERE m.user_id = %s {after}
ORDER BY m.created_at DESC, m.id DESC LIMIT %s
"""


@router.get("/workspaces", response_model=Page[WorkspaceOut])
async def workspaces_list(
    request: Request, user: User, cursor: str | None = None
) -> dict[str, Any]:
    params: list[Any] = [user.id]
    after = ""
    if cursor:
        after = "AND (m.created_at, m.id) < (%s, %s)"
        params += _decode_cursor(cursor, 2)
    async with pool_of(request).connection() as connection:
        result = await connection.execute(
            _WORKSPACES_SQL.format(after=after), [*params, PAGE_SIZE + 1]
        )
        rows = await result.fetchall()
    return _page(request, rows, ("joined_at", "membership_id"))


class JobError(BaseModel):
    type: str
    message: str


class JobStep(BaseModel):
    name: str
    status: str
    attempts: int
    error: JobError | None


class JobOut(BaseModel):
    id: UUID
    name: str
    status: str
    attempts: int
    max_attempts: int
    current_step: int | None
    steps: list[JobStep]
    result: dict[str, Any] | None
    error: JobError | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime


_JOBS_SQL = """
SELECT id, name, status, attempts, max_attempts, current_step, steps, result,
       CASE WHEN error_type <> '' THEN
            json_build_object('type', error_type, 'message', error_message) END AS error,
       created_at, started_at, finished_at, updated_at
FROM jobs_job WHERE owner_id = %s {after}
ORDER BY created_at DESC, id DESC LIMIT %s
"""


@router.get("/jobs", response_model=Page[JobOut])
async def jobs_list(request: Request, user: User, cursor: str | None = None) -> dict[str, Any]:
    params: list[Any] = [user.id]
    after = ""
    if cursor:
        after = "AND (created_at, id) < (%s, %s)"
        params += _decode_cursor(cursor, 2)
    async with pool_of(request).connection() as connection:
        result = await connection.execute(_JOBS_SQL.format(after=after), [*params, PAGE_SIZE + 1])
        rows = await result.fetchall()
    return _page(request, rows, ("created_at", "id"))


# --- documents -------------------------------------------------------------------

Status = Literal["draft", "published", "archived"]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=50)]


class DocumentSummaryOut(BaseModel):
    id: UUID
    workspace_id: UUID
    title: str
    status: str
    tags: list[str]
    author_id: int | None
    version: int
    word_count: int
    created_at: datetime
    updated_at: datetime


class DocumentOut(DocumentSummaryOut):
    body: str


def _normal_tags(tags: list[str]) -> list[str]:
    """Trimmed, lower-cased, duplicates dropped (as ours)."""
    return list(dict.fromkeys(tag.strip().lower() for tag in tags))


class DocumentCreate(BaseModel):
    title: Title
    body: str = ""
    status: Status = "draft"
    tags: Annotated[list[Tag], Field(max_length=20)] = []

    _tags = field_validator("tags")(_normal_tags)


class DocumentPatch(BaseModel):
    title: Title | None = None
    body: str | None = None
    status: Status | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str] | None) -> list[str] | None:
        return None if tags is None else _normal_tags(tags)


# The selectors' columns: a summary leaves out the body (and the search vector).
_LIST_SQL = """
SELECT id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
       word_count
FROM documents_document
WHERE workspace_id = %s
ORDER BY created_at DESC, id DESC LIMIT %s
"""
_LIST_AFTER_SQL = """
SELECT id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
       word_count
FROM documents_document
WHERE workspace_id = %s AND (created_at, id) < (%s, %s)
ORDER BY created_at DESC, id DESC LIMIT %s
"""
# The selector's search: matches only, ranked, ts_rank scaled to an integer.
_SEARCH_SQL = """
SELECT id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
       word_count, (ts_rank(search_vector, query) * 1000000)::integer AS rank
FROM documents_document, websearch_to_tsquery('english', %s) AS query
WHERE workspace_id = %s AND search_vector @@ query
ORDER BY rank DESC, created_at DESC, id DESC LIMIT %s
"""
_SEARCH_AFTER_SQL = """
SELECT * FROM (
    SELECT id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
           word_count, (ts_rank(search_vector, query) * 1000000)::integer AS rank
    FROM documents_document, websearch_to_tsquery('english', %s) AS query
    WHERE workspace_id = %s AND search_vector @@ query
) AS matches
WHERE (rank, created_at, id) < (%s, %s, %s)
ORDER BY rank DESC, created_at DESC, id DESC LIMIT %s
"""
_DETAIL_SQL = """
SELECT id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
       word_count, body
FROM documents_document WHERE id = %s AND workspace_id = %s
"""
_INSERT_SQL = """
INSERT INTO documents_document
    (id, workspace_id, author_id, title, body, status, tags, version, created_at, updated_at)
VALUES (gen_random_uuid(), %s, %s, %s, %s, %s, %s, 1, now(), now())
RETURNING id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,
          word_count, body
"""
DOCUMENT_COLUMNS = (
    "id, workspace_id, title, status, tags, author_id, created_at, updated_at, version,"
    " word_count, body"
)
_FAN_OUT_SQL = (
    "SELECT id FROM webhooks_webhookendpoint"
    " WHERE workspace_id = %s AND is_active AND events @> ARRAY[%s]::varchar(50)[]"
    " ORDER BY created_at"
)


def _etag(version: int) -> str:
    return f'"{version}"'


async def _fan_out(connection: AsyncConnection[DictRow], workspace_id: UUID, event: str) -> None:
    """Our services' webhook fan-out query, in the write's transaction (see the module doc)."""
    result = await connection.execute(_FAN_OUT_SQL, (workspace_id, event))
    if await result.fetchone() is not None:
        raise HTTPException(status_code=501, detail="The twin does not send webhooks.")


@router.get("/workspaces/{workspace_id}/documents", response_model=Page[DocumentSummaryOut])
async def documents_list(
    request: Request,
    workspace_id: UUID,
    user: User,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: str | None = None,
) -> dict[str, Any]:
    q = q.strip()
    if q:
        key: tuple[str, ...] = ("rank", "created_at", "id")
        query, params = (
            (_SEARCH_AFTER_SQL, [q, workspace_id]) if cursor else (_SEARCH_SQL, [q, workspace_id])
        )
    else:
        key = ("created_at", "id")
        query, params = (_LIST_AFTER_SQL, [workspace_id]) if cursor else (_LIST_SQL, [workspace_id])
    if cursor:
        params += _decode_cursor(cursor, len(key))
    async with pool_of(request).connection() as connection:
        await require_member(connection, workspace_id, user.id)
        result = await connection.execute(query, [*params, PAGE_SIZE + 1])
        rows = await result.fetchall()
    return _page(request, rows, key)


@router.get(
    "/workspaces/{workspace_id}/documents/{document_id}",
    response_model=DocumentOut,
    responses={304: {"description": "Not modified"}},
)
async def document_detail(
    request: Request,
    response: Response,
    workspace_id: UUID,
    document_id: UUID,
    user: User,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Any:
    async with pool_of(request).connection() as connection:
        await require_member(connection, workspace_id, user.id)
        result = await connection.execute(_DETAIL_SQL, (document_id, workspace_id))
        document = await result.fetchone()
    if document is None:
        raise HTTPException(status_code=404, detail="Not found.")
    etag = _etag(document["version"])
    if if_none_match is not None and etag in (
        part.strip().removeprefix("W/") for part in if_none_match.split(",")
    ):
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    return document


@router.post("/workspaces/{workspace_id}/documents", response_model=DocumentOut, status_code=201)
async def document_create(
    request: Request, response: Response, workspace_id: UUID, user: User, data: DocumentCreate
) -> DictRow:
    async with pool_of(request).connection() as connection:
        await require_member(connection, workspace_id, user.id)
        async with connection.transaction():
            result = await connection.execute(
                _INSERT_SQL,
                (workspace_id, user.id, data.title, data.body, data.status, data.tags),
            )
            document = await result.fetchone()
            await _fan_out(connection, workspace_id, "document.created")
    assert document is not None
    response.headers["ETag"] = _etag(document["version"])
    return document


def _versions(if_match: str | None) -> list[int] | None:
    """The versions ``If-Match`` names (strong comparison); None when absent or ``*``."""
    if if_match is None or if_match.strip() == "*":
        return None
    return [
        int(match.group(1))
        for part in if_match.split(",")
        if (match := _ENTITY_TAG.match(part.strip()))
    ]


@router.patch("/workspaces/{workspace_id}/documents/{document_id}", response_model=DocumentOut)
async def document_patch(
    request: Request,
    response: Response,
    workspace_id: UUID,
    document_id: UUID,
    user: User,
    data: DocumentPatch,
    if_match: Annotated[str | None, Header()] = None,
) -> DictRow:
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    versions = _versions(if_match)
    condition = "id = %s AND workspace_id = %s"
    params: list[Any] = [*changes.values(), document_id, workspace_id]
    if versions is not None:
        condition += " AND version = ANY(%s)"
        params.append(versions)
    where = sql.SQL(condition)  # built from literals only
    columns = sql.SQL(DOCUMENT_COLUMNS)
    statement: sql.Composed
    if changes:
        sets = sql.SQL(", ").join(
            [
                *(sql.SQL("{} = %s").format(sql.Identifier(field)) for field in changes),
                sql.SQL("version = version + 1, updated_at = now()"),
            ]
        )
        statement = sql.SQL("UPDATE documents_document SET {} WHERE {} RETURNING {}").format(
            sets, where, columns
        )
    else:
        statement = sql.SQL("SELECT {} FROM documents_document WHERE {}").format(columns, where)
    async with pool_of(request).connection() as connection:
        await require_member(connection, workspace_id, user.id)
        async with connection.transaction():
            result = await connection.execute(statement, params)
            document = await result.fetchone()
            if document is None:
                exists = await connection.execute(
                    "SELECT 1 FROM documents_document WHERE id = %s AND workspace_id = %s",
                    (document_id, workspace_id),
                )
                found = await exists.fetchone() is not None
                raise HTTPException(
                    status_code=412 if found else 404,
                    detail="Precondition failed." if found else "Not found.",
                )
            if changes:
                await _fan_out(connection, workspace_id, "document.updated")
    response.headers["ETag"] = _etag(document["version"])
    return document
