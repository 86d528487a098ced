"""Cursor pagination: stable ordering, opaque cursors, bounded pages."""

from typing import Any

from asgiref.sync import sync_to_async
from rest_framework import pagination
from rest_framework.request import Request


class CursorPagination(pagination.CursorPagination):
    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
