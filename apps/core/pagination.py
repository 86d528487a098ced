"""Cursor pagination: stable ordering, opaque cursors, bounded pages."""

from typing import Any, Protocol, override

from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from rest_framework import pagination, serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response


class CursorPagination(pagination.CursorPagination):
    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    @override
    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        """DRF's, with a client-made cursor refused as invalid rather than a 500.

        DRF checks a cursor's form but not its position: a position that is
        not a value of the ordering field (a word where a relevance rank is
        an integer, a number past the column's range) fails while the query
        is built or run. With a cursor given, any such failure is the
        cursor's; without one it is ours and is raised as it is.
        """
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError, DataError):
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise NotFound(self.invalid_cursor_message) from None


async def apaginate(
    paginator: pagination.BasePagination, queryset: Any, request: Request, view: Any
) -> list[Any]:
    """Evaluate one page of ``queryset`` from async code.

    DRF's paginators evaluate the queryset synchronously; this runs that in
    one ``sync_to_async`` call (lists are not on the hot path).
    """
    page: list[Any] | None = await sync_to_async(paginator.paginate_queryset)(
        queryset, request, view
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
    queryset: Any,
    output: type[serializers.BaseSerializer[Any]],
    *,
    paginator: pagination.BasePagination | None = None,
    context: dict[str, Any] | None = None,
) -> Response:
    """One page of ``queryset``, serialized with ``output``, in the paginated envelope.

    The paginator is the view's ``pagination_class`` unless one is given (a
    view whose ordering depends on the query).
    """
    paginator = paginator or view.pagination_class()
    rows = await apaginate(paginator, queryset, view.request, view)
    return paginator.get_paginated_response(output(rows, many=True, context=context or {}).data)
