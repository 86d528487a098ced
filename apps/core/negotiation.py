"""Content negotiation with a fast path for what API clients send.

DRF's ``DefaultContentNegotiation`` parses the ``Accept`` header into media
types and ranks them on every request. When the view renders one media type
and the client sends no ``Accept``, ``*/*`` or exactly that type (and no
``?format=``), the answer is known without parsing: that renderer and its
media type, which is what DRF returns for those headers too. Anything else
goes through DRF unchanged (406 included).
"""

from collections.abc import Iterable
from typing import Any, override

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class FastContentNegotiation(DefaultContentNegotiation):
    @override
    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        if format_suffix is None and len(renderers) == 1:
            renderer = renderers[0]
            accept: Any = request._request.META.get("HTTP_ACCEPT", "*/*")
            if accept in ("*/*", renderer.media_type) and not request._request.GET.get(
                self.settings.URL_FORMAT_OVERRIDE
            ):
                return renderer, renderer.media_type
        selected: tuple[BaseRenderer, str] = super().select_renderer(
            request, renderers, format_suffix
        )
        return selected
