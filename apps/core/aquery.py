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

``Prepared`` goes one step further for a selector whose SQL never changes
shape (the membership check on every workspace route, a document by id):
Django compiles it once, with placeholder values, and each call runs that SQL
with its own values. Compiling is a fifth of such a request's CPU.
"""

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler

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
    return _instances(queryset, compiler, await fetch_rows(sql, params))


def _instances[M: Model](
    queryset: QuerySet[M], compiler: SQLCompiler, rows: Sequence[Sequence[Any]]
) -> list[M]:
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    return list(model_instances(queryset, compiler, rows))


def _first[M: Model](queryset: QuerySet[M]) -> QuerySet[M]:
    """What ``first()`` evaluates: ordered by primary key unless ordered, one row."""
    if not (queryset.ordered or not queryset.query.default_ordering):
        queryset = queryset.order_by("pk")
    return queryset.all()[:1]  # all(): slicing an evaluated queryset is a list


async def afirst[M: Model](queryset: QuerySet[M]) -> M | None:
    """``queryset.first()`` on the async pool: ordered by primary key unless ordered."""
    found = await afetch(_first(queryset))
    return found[0] if found else None


def placeholder_int() -> int:
    """A distinct integer placeholder for ``Prepared`` (far from any constant)."""
    return (1 << 61) + secrets.randbits(60)


@dataclass(frozen=True, slots=True)
class _Compiled[M: Model]:
    queryset: QuerySet[M]
    compiler: SQLCompiler
    sql: str
    # Per parameter: the argument it is, or None for a constant (in ``constants``).
    slots: tuple[str | None, ...]
    constants: tuple[Any, ...]
    types: dict[str, type]  # each argument's placeholder type

    def params(self, values: dict[str, Any]) -> list[Any]:
        return [
            constant if slot is None else values[slot]
            for slot, constant in zip(self.slots, self.constants, strict=True)
        ]

    def shape(self) -> tuple[str, tuple[str | None, ...], tuple[Any, ...]]:
        return self.sql, self.slots, self.constants


class Prepared[M: Model]:
    """A selector compiled once, its SQL run with each call's values.

    ``Prepared(selector, user_id=placeholder_int)`` then ``await p.fetch(user_id=3)``.

    ``placeholders`` names each argument of ``selector`` with a factory of
    distinct values of its type (``uuid.uuid4``, ``placeholder_int``). On
    first use the selector is built and compiled twice, with fresh
    placeholders each time; each SQL parameter equal to a placeholder becomes
    that argument. Both compilations must agree and every argument must reach
    the SQL unchanged: a selector whose SQL depends on its values, or that
    transforms them (``tag.lower()``), is refused with ``TypeError``. A call
    with a value of another type than its placeholder (a ``str`` for a
    ``UUID``) is evaluated the ordinary way (``afetch``), so Django's own
    conversions still apply to it.
    """

    def __init__(
        self,
        selector: Callable[..., QuerySet[M]],
        *,
        first: bool = False,
        **placeholders: Callable[[], Any],
    ) -> None:
        self._selector = selector
        self._first = first
        self._placeholders = placeholders
        self._compiled: _Compiled[M] | None = None

    def queryset(self, **values: Any) -> QuerySet[M]:
        """What is evaluated for ``values``, as an ordinary queryset."""
        queryset = self._selector(**values)
        return _first(queryset) if self._first else queryset

    def _compile_once(self) -> _Compiled[M]:
        values = {name: make() for name, make in self._placeholders.items()}
        queryset = self.queryset(**values)
        _check_supported(queryset)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots: list[str | None] = []
        for param in params:
            names = [n for n, v in values.items() if type(param) is type(v) and param == v]
            if len(names) > 1:
                raise TypeError(f"Prepared: placeholders {names} collided; use distinct ones.")
            slots.append(names[0] if names else None)
        missing = set(values) - set(slots)
        if missing:
            raise TypeError(f"Prepared: {sorted(missing)} do not reach the SQL unchanged.")
        constants = tuple(
            None if slot else param for slot, param in zip(slots, params, strict=True)
        )
        types = {name: type(value) for name, value in values.items()}
        return _Compiled(queryset, compiler, sql, tuple(slots), constants, types)

    def compiled(self) -> _Compiled[M]:
        """The SQL and compiler, made on first use (and checked, see the class)."""
        if self._compiled is None:
            first, second = self._compile_once(), self._compile_once()
            if first.shape() != second.shape():
                raise TypeError("Prepared: the selector's SQL depends on its values.")
            self._compiled = first
        return self._compiled

    async def fetch(self, **values: Any) -> list[M]:
        """The instances for ``values``: one query on the async pool, nothing compiled."""
        if values.keys() != self._placeholders.keys():
            raise TypeError(
                f"Prepared: expected {sorted(self._placeholders)}, got {sorted(values)}"
            )
        compiled = self.compiled()
        if any(type(value) is not compiled.types[name] for name, value in values.items()):
            return await afetch(self.queryset(**values))
        rows = await fetch_rows(compiled.sql, compiled.params(values))
        return _instances(compiled.queryset, compiled.compiler, rows)

    async def first(self, **values: Any) -> M | None:
        """The first instance for ``values`` (make it with ``first=True``), or None."""
        found = await self.fetch(**values)
        return found[0] if found else None
