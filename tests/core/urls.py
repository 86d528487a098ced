"""Routes that exist only for the core tests: they provoke each error path."""

import threading
from typing import Any, override

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from apps.core import errors
from apps.core.views import AsyncAPIView
from project.urls import urlpatterns as project_urlpatterns

# thread ids recorded by the checks of ThreadRecordingView, in order
threads_seen: list[tuple[str, int]] = []


class EchoInput(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=20)
    count = serializers.IntegerField(min_value=1)


class EchoView(AsyncAPIView):
    permission_classes = [AllowAny]

    async def post(self, request: Request) -> Response:
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class RejectingAuthentication(BaseAuthentication):
    @override
    async def authenticate(  # type: ignore[override]
        self, request: Request
    ) -> None:
        raise exceptions.AuthenticationFailed("Invalid token.")

    @override
    def authenticate_header(self, request: Request) -> str:
        return "Token"


class NeedsLoginView(AsyncAPIView):
    authentication_classes = [RejectingAuthentication]

    async def get(self, request: Request) -> Response:
        return Response({})


class DenyAll(BasePermission):
    @override
    async def has_permission(  # type: ignore[override]
        self, request: Request, view: Any
    ) -> bool:
        return False


class ForbiddenView(AsyncAPIView):
    authentication_classes = []
    permission_classes = [DenyAll]

    async def get(self, request: Request) -> Response:
        return Response({})


class MissingView(AsyncAPIView):
    permission_classes = [AllowAny]

    async def get(self, request: Request) -> Response:
        raise exceptions.NotFound()


DOMAIN_ERRORS: dict[str, errors.DomainError] = {
    "not-found": errors.NotFound(),
    "permission-denied": errors.PermissionDenied("Only the author may."),
    "unauthenticated": errors.Unauthenticated(),
    "conflict": errors.Conflict("Already running.", code="already_running"),
    "precondition-failed": errors.PreconditionFailed(),
    "payload-too-large": errors.PayloadTooLarge(),
    "too-many-requests": errors.TooManyRequests("Slow down.", retry_after=30),
    "invalid-input": errors.InvalidInput({"token": ["Expired.", "Unknown."]}, code="invalid"),
}


class DomainErrorView(AsyncAPIView):
    """Raises the domain error its URL names, as a service would."""

    authentication_classes = []
    permission_classes = [AllowAny]

    async def get(self, request: Request, name: str) -> Response:
        raise DOMAIN_ERRORS[name]


class BrokenView(AsyncAPIView):
    permission_classes = [AllowAny]

    async def get(self, request: Request) -> Response:
        raise RuntimeError("secret internals: password=hunter2")


async def broken_django_view(request: HttpRequest) -> JsonResponse:
    raise RuntimeError("secret internals: password=hunter2")


class RecordingAuthentication(BaseAuthentication):
    @override
    async def authenticate(  # type: ignore[override]
        self, request: Request
    ) -> tuple[Any, None]:
        threads_seen.append(("authentication", threading.get_ident()))
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), None

    @override
    def authenticate_header(self, request: Request) -> str:
        return "Token"


class RecordingPermission(BasePermission):
    @override
    async def has_permission(  # type: ignore[override]
        self, request: Request, view: Any
    ) -> bool:
        threads_seen.append(("permission", threading.get_ident()))
        return True


class RecordingThrottle(BaseThrottle):
    @override
    async def allow_request(  # type: ignore[override]
        self, request: Request, view: Any
    ) -> bool:
        threads_seen.append(("throttle", threading.get_ident()))
        return True


class ThreadRecordingView(AsyncAPIView):
    authentication_classes = [RecordingAuthentication]
    permission_classes = [RecordingPermission]
    throttle_classes = [RecordingThrottle]

    async def get(self, request: Request) -> Response:
        threads_seen.append(("handler", threading.get_ident()))
        return Response({"ok": True})


test_routes = [
    path("echo", EchoView.as_view()),
    path("needs-login", NeedsLoginView.as_view()),
    path("forbidden", ForbiddenView.as_view()),
    path("missing", MissingView.as_view()),
    path("broken", BrokenView.as_view()),
    path("domain-error/<str:name>", DomainErrorView.as_view()),
    path("broken-django", broken_django_view),
    path("threads", ThreadRecordingView.as_view()),
]

urlpatterns = [path("api/v1/test/", include(test_routes)), *project_urlpatterns]

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
