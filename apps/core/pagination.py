"""Cursor pagination: stable ordering, opaque cursors, bounded pages."""

from typing import Any, Protocol, override

from asgiref.sync import sync_to_async
from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response


class CursorPagination(pagination.CursorPagination):
    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

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
