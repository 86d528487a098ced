"""DRF's cursor pagination, with the page fetched on the async pool.

``apaginate_queryset`` mirrors
``rest_framework.pagination.CursorPagination.paginate_queryset`` (DRF 3.16)
line for line, except where marked "ours":

- the page is evaluated with ``apps.core.aquery.afetch`` (the event loop and
  the async pool) instead of ``list(queryset[...])`` (the sync ORM);
- the cursor's position is checked against the type of the ordering field
  before it reaches a filter (``check_position``), so a tampered cursor is
  the client's error (400), never a database error (500).

Everything after the fetch (next/previous positions, links) is DRF's own
state on the paginator, so ``get_paginated_response`` works unchanged.
Re-review against the upstream method when DRF is upgraded
(``apps.core.upstream.MIRRORS``).
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from rest_framework.pagination import CursorPagination, _reverse_ordering
from rest_framework.request import Request

from apps.core.aquery import afetch


async def apaginate_queryset[M: Model](
    paginator: CursorPagination,
    queryset: QuerySet[M],
    request: Request,
    view: Any = None,
    *,
    check_position: Callable[[QuerySet[M], str, Any], None],
) -> list[M] | None:
    # DRF's own attributes, set as its method sets them (its stubs declare few of them).
    self: Any = paginator
    self.request = request
    self.page_size = self.get_page_size(request)
    if not self.page_size:
        return None

    self.base_url = request.build_absolute_uri()
    self.ordering = self.get_ordering(request, queryset, view)

    self.cursor = self.decode_cursor(request)
    if self.cursor is None:
        (offset, reverse, current_position) = (0, False, None)
    else:
        (offset, reverse, current_position) = self.cursor

    # Cursor based pagination always enforces an ordering.
    if reverse:
        queryset = queryset.order_by(*_reverse_ordering(self.ordering))
    else:
        queryset = queryset.order_by(*self.ordering)

    # If we have a cursor with a fixed position then filter by that.
    if current_position is not None:
        order = self.ordering[0]
        is_reversed = order.startswith("-")
        order_attr = order.lstrip("-")
        check_position(queryset, order_attr, current_position)  # ours

        # Test for: (cursor reversed) XOR (queryset reversed)
        if self.cursor.reverse != is_reversed:
            kwargs = {order_attr + "__lt": current_position}
        else:
            kwargs = {order_attr + "__gt": current_position}

        queryset = queryset.filter(**kwargs)

    # If we have an offset cursor then offset the entire page by that amount.
    # We also always fetch an extra item in order to determine if there is a
    # page following on from this one.
    results = await afetch(queryset[offset : offset + self.page_size + 1])  # ours
    self.page = list(results[: self.page_size])

    # Determine the position of the final item following the page.
    if len(results) > len(self.page):
        has_following_position = True
        following_position = self._get_position_from_instance(results[-1], self.ordering)
    else:
        has_following_position = False
        following_position = None

    if reverse:
        # If we have a reverse queryset, then the query ordering was in reverse
        # so we need to reverse the items again before returning them to the user.
        self.page = list(reversed(self.page))

        # Determine next and previous positions for reverse cursors.
        self.has_next = (current_position is not None) or (offset > 0)
        self.has_previous = has_following_position
        if self.has_next:
            self.next_position = current_position
        if self.has_previous:
            self.previous_position = following_position
    else:
        # Determine next and previous positions for forward cursors.
        self.has_next = has_following_position
        self.has_previous = (current_position is not None) or (offset > 0)
        if self.has_next:
            self.next_position = following_position
        if self.has_previous:
            self.previous_position = current_position

    # Display page controls in the browsable API if there is more
    # than one page.
    if (self.has_previous or self.has_next) and self.template is not None:
        self.display_page_controls = True

    page: list[M] = self.page
    return page
