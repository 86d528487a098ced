# Minimal stubs for adrf (ships no type information): only what we use.
from typing import Any, override

from adrf.requests import AsyncRequest
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.request import Request
from rest_framework.views import APIView as DRFAPIView

class APIView(DRFAPIView):
    view_is_async: bool
    def sync_dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase: ...
    async def async_dispatch(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponseBase: ...
    @override
    def initialize_request(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> AsyncRequest: ...
    @override
    def check_permissions(self, request: Request) -> None: ...
