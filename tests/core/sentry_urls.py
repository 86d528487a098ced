"""The project's routes plus one that fails, for the Sentry tests (``sentry_settings``)."""

from typing import Any

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.views import AsyncAPIView
from project.urls import urlpatterns as project_urlpatterns


class ExplodingView(AsyncAPIView):
    """Reads a request full of secrets into local variables, then fails unhandled."""

    async def post(self, request: Request) -> Response:
        raw_body = request._request.body  # the JSON text, password and all
        credentials: Any = request.data
        authorization = request.headers["Authorization"]
        user_email = request.user.get_username()
        raise RuntimeError(
            f"could not handle {authorization} for {user_email} at {request.get_full_path()}"
            f" ({len(raw_body)} bytes, {len(credentials)} fields)"
        )


urlpatterns = [
    path("api/v1/test/explode", ExplodingView.as_view()),
    *project_urlpatterns,
]
