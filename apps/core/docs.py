"""Swagger UI and Redoc, served with nothing loaded from outside this server.

drf-spectacular's views with templates of our own (``core/*.html``): the same
pages without Redoc's Google Fonts links, every inline script and style
carrying the request's CSP nonce (``CSP_PAGES`` allows nothing else inline),
and Swagger UI's online validator badge off. Redoc's bundle renders the
Redocly logo from a CDN in its menu footer; ``redoc_bundle`` serves the
sidecar's bundle with that one URL replaced by an empty inline image.
"""

from functools import cache
from pathlib import Path
from typing import Any, override

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

FAVICON = "drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png"
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_IMAGE = b"data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27/%3E"


class SwaggerView(SpectacularSwaggerView):
    template_name = "core/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "core/redoc.html"

    @extend_schema(exclude=True)
    @override
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # drf-spectacular's views are untyped (a library boundary).
        response: Response = super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]
        assert isinstance(response.data, dict)
        response.data["redoc_standalone"] = reverse("redoc-bundle")
        # Swagger UI's icon: without one a browser asks for /favicon.ico.
        response.data["favicon_href"] = static(FAVICON)
        return response


@cache
def _redoc_bundle() -> bytes:
    found = finders.find(REDOC_BUNDLE)
    assert isinstance(found, str), f"{REDOC_BUNDLE} is missing (drf-spectacular-sidecar)"
    return Path(found).read_bytes().replace(REDOC_CDN_LOGO, EMPTY_IMAGE)


async def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """The sidecar's Redoc bundle with its one CDN image pointed at an inline one."""
    response = HttpResponse(_redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


async def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """``/favicon.ico``, which browsers ask for on pages that name no icon (the admin)."""
    return HttpResponsePermanentRedirect(static(FAVICON))
