"""The async base API view (its DRF request cycle: ``apps.core.upstream.drf_views``)."""

from adrf.views import APIView
from rest_framework.response import Response

from apps.core.negotiation import FastContentNegotiation
from apps.core.upstream.drf_views import AsyncDispatchMixin


class AsyncAPIView(AsyncDispatchMixin, APIView):
    """Base class of every API view: ``async def get/post/...`` handlers.

    Authentication, permissions and throttles are awaited on the event loop
    and the response is rendered inline: no thread hop of its own. Its
    responses carry ``Cache-Control: no-store`` unless the view set its own:
    authenticated answers are personal, and some public ones (login) carry a
    token.
    """

    view_is_async = True
    content_negotiation_class = FastContentNegotiation


__all__ = ["AsyncAPIView", "Response"]
