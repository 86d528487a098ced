"""Reads on the event loop: a queryset's own SQL, run on the async pool.

Django's async ORM (``afirst``, ``async for``, ``aget``) is ``sync_to_async``
around the sync ORM: a thread hop per query and a connection from Django's
sync pool. Here a queryset built the usual way is compiled by Django itself
(``queryset.query.get_compiler(using).as_sql()``), run on the psycopg
``AsyncConnectionPool`` of ``apps.core.db`` without leaving the event loop,
and its rows become model instances exactly as Django's ``ModelIterable``
builds them (``apps.core.upstream.model_iterable``: ``Model.from_db``, the
compiler's converters, ``select_related``, annotations, deferred fields).

So selectors keep returning querysets, filters stay ORM code, and only the
evaluation changes: ``await afetch(qs)`` instead of ``list(qs)``, ``await
afirst(qs)`` instead of ``qs.first()``. ``tests/core/test_aquery.py``
compares every selector the API uses both ways, field by field.

Supported: model querysets with filters, annotations, ``select_related``,
``defer``/``only``, ordering and slicing. Refused loudly (``TypeError``):
``prefetch_related``, ``values()``/``values_list()``, another database.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable

from apps.core.db import get_pool
from apps.core.upstream.model_iterable import model_instances


def _check_supported(queryset: QuerySet[Any]) -> None:
    if queryset._iterable_class is not ModelIterable:
        raise TypeError("afetch() evaluates model querysets only, not values()/values_list().")
    if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise TypeError("afetch() does not prefetch: use select_related() or a second query.")
    if queryset.db != DEFAULT_DB_ALIAS:
        raise TypeError(f"The async pool serves {DEFAULT_DB_ALIAS!r}, not {queryset.db!r}.")


async def fetch_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """All rows of one statement, on a connection from the async pool."""
    pool = await get_pool()
    async with pool.connection() as connection:
        cursor = await connection.execute(sql, params)
        return await cursor.fetchall()


async def afetch[M: Model](queryset: QuerySet[M]) -> list[M]:
    """``list(queryset)``, evaluated on the async pool (no thread hop).

    The queryset's result cache is neither read nor filled: each call runs
    its query once.
    """
    _check_supported(queryset)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
        if not sql:
            raise EmptyResultSet
    except EmptyResultSet:
        return []  # e.g. pk__in=[]: Django answers without a query too
    rows: Sequence[Sequence[Any]] = await fetch_rows(sql, params)
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    return list(model_instances(queryset, compiler, rows))


async def afirst[M: Model](queryset: QuerySet[M]) -> M | None:
    """``queryset.first()`` on the async pool: ordered by primary key unless ordered."""
    if not (queryset.ordered or not queryset.query.default_ordering):
        queryset = queryset.order_by("pk")
    found = await afetch(queryset.all()[:1])  # all(): slicing an evaluated queryset is a list
    return found[0] if found else None
