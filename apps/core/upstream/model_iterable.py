"""Rows to model instances, exactly as Django's ``ModelIterable`` builds them.

Mirrors ``django.db.models.query.ModelIterable.__iter__`` (Django 6.1) from
the point where its ``compiler.execute_sql()`` has returned: the rows here
come from the async pool (``apps.core.aquery``) instead of a sync cursor.
Everything else is Django's own machinery: ``compiler.results_iter`` applies
the fields' converters (JSON, arrays, generated fields, time zones),
``from_db`` builds each instance (deferred fields stay deferred),
``get_related_populators`` fills ``select_related`` relations, annotations
are set by their column, and known related objects (a queryset from a
related manager) are attached.

Deviation: none beyond taking ``rows`` as an argument; re-review against the
upstream method when Django is upgraded (``apps.core.upstream.MIRRORS``).
"""

import operator
from collections.abc import Iterator, Sequence
from typing import Any
from weakref import ref as weak_ref

from django.db.models import Model, QuerySet
from django.db.models.query import (  # type: ignore[attr-defined]  # private, Django 6.1
    _get_from_db,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler


def model_instances[M: Model](
    queryset: QuerySet[M], compiler: SQLCompiler, rows: Sequence[Sequence[Any]]
) -> Iterator[M]:
    """The instances ``ModelIterable`` yields for ``rows`` (already trimmed to
    ``compiler.col_count``) of ``compiler``'s query."""
    db = queryset.db
    fetch_mode = queryset._fetch_mode  # type: ignore[attr-defined]  # Django 6.1, not in stubs
    select, klass_info, annotation_col_map = (
        compiler.select,
        compiler.klass_info,
        compiler.annotation_col_map,
    )
    assert klass_info is not None
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    model_fields_start, model_fields_end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[model_fields_start:model_fields_end]]
    from_db = _get_from_db(model_cls, fetch_mode)
    related_populators = get_related_populators(klass_info, select, db, fetch_mode)
    model_meta: Any = queryset.model._meta  # get_field() may return a relation (stubs)
    known_related_objects = [
        (
            field,
            related_objs,
            attnames := [
                (
                    field.attname
                    if from_field == "self"
                    else model_meta.get_field(from_field).attname
                )
                for from_field in field.from_fields
            ],
            operator.attrgetter(*attnames),
        )
        for field, related_objs in queryset._known_related_objects.items()  # type: ignore[attr-defined]
    ]
    peers: list[Any] = []
    for row in compiler.results_iter([rows]):  # type: ignore[list-item]
        obj = from_db(db, init_list, row[model_fields_start:model_fields_end])
        if fetch_mode.track_peers:
            peers.append(weak_ref(obj))
            obj._state.peers = peers
        for rel_populator in related_populators:
            rel_populator.populate(row, obj)
        if annotation_col_map:
            for attr_name, col_pos in annotation_col_map.items():
                setattr(obj, attr_name, row[col_pos])
        for field, rel_objs, rel_attnames, rel_getter in known_related_objects:
            if field.is_cached(obj):
                continue
            if any(attname not in obj.__dict__ for attname in rel_attnames):
                continue
            rel_obj_id = rel_getter(obj)
            try:
                rel_obj = rel_objs[rel_obj_id]
            except KeyError:
                pass
            else:
                setattr(obj, field.name, rel_obj)
        yield obj
