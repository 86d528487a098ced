"""Cursor pagination: stable ordering, opaque cursors, bounded pages, on the async pool."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol, override

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import Field, QuerySet
from django.utils import timezone
from rest_framework import pagination
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import InvalidInput
from apps.core.outputs import build_all
from apps.core.upstream.cursor_pagination import apaginate_queryset

INVALID_CURSOR = "This cursor is not valid: use a next or previous link as given."


def _invalid_cursor() -> InvalidInput:
    return InvalidInput({"cursor": [INVALID_CURSOR]}, code="invalid_cursor")


class CursorPagination(pagination.CursorPagination):
    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    @override
    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        """DRF's decoding, but a cursor that does not decode is the client's error (400)."""
        try:
            return super().decode_cursor(request)
        except DRFNotFound:
            raise _invalid_cursor() from None

    @override
    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """DRF's envelope with all three keys required (every page has them) and
        examples of a single page (DRF's own name an unrelated URL, one with a stray quote)."""
        envelope: dict[str, Any] = super().get_paginated_response_schema(schema)
        envelope["required"] = ["next", "previous", "results"]
        for link in ("next", "previous"):
            envelope["properties"][link]["example"] = None
            envelope["properties"][link]["description"] = (
                "The URL of the next page; null on the last one."
                if link == "next"
                else "The URL of the previous page; null on the first one."
            )
        return envelope


def _ordering_field(queryset: QuerySet[Any], name: str) -> Field[Any, Any]:
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        output: Field[Any, Any] = annotation.output_field
        return output
    try:
        field = queryset.model._meta.pk if name == "pk" else queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        raise _invalid_cursor() from None
    assert isinstance(field, Field)
    return field


def check_cursor_position(queryset: QuerySet[Any], name: str, position: Any) -> None:
    """Refuse (400) a cursor position the ordering field ``name`` cannot compare with.

    A cursor is opaque but not signed: a tampered position must not reach the
    database as a value it rejects (a 500) or a naive time it guesses about.
    """
    field = _ordering_field(queryset, name)
    try:
        value = field.to_python(position)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise _invalid_cursor() from None
    if value is None or (isinstance(value, datetime) and timezone.is_naive(value)):
        raise _invalid_cursor()
    if isinstance(value, int) and not isinstance(value, bool):
        low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
        if (low is not None and value < low) or (high is not None and value > high):
            raise _invalid_cursor()


async def apaginate(
    paginator: CursorPagination, queryset: QuerySet[Any], request: Request, view: Any
) -> list[Any]:
    """One page of ``queryset``, read on the async pool (no thread hop)."""
    page = await apaginate_queryset(
        paginator, queryset, request, view, check_position=check_cursor_position
    )
    return list(page or [])


class PaginatedView(Protocol):
    """A view with a request and a ``pagination_class`` (read-only here)."""

    @property
    def request(self) -> Request: ...

    @property
    def pagination_class(self) -> type[pagination.BasePagination]: ...


async def apaginated_response(
    view: PaginatedView,
    queryset: QuerySet[Any],
    build: Callable[[Any], Any],
    *,
    paginator: CursorPagination | None = None,
) -> Response:
    """One page of ``queryset`` in the paginated envelope, each row's body from
    ``build`` (an output function of ``apps.core.outputs``), read on the async pool.

    The paginator is the view's ``pagination_class`` unless one is given (a
    view whose ordering depends on the query).
    """
    if paginator is None:
        paginator_class = view.pagination_class
        assert issubclass(paginator_class, CursorPagination)
        paginator = paginator_class()
    rows = await apaginate(paginator, queryset, view.request, view)
    return Response(
        {
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": build_all(build, rows),
        }
    )
