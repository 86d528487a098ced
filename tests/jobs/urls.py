"""A test-only async view that dispatches a job, as a real endpoint would."""

from typing import Any

from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.views import AsyncAPIView
from apps.jobs.services import adispatch
from project.urls import urlpatterns as project_urlpatterns


class StartEchoView(AsyncAPIView):
    permission_classes = [AllowAny]

    async def post(self, request: Request) -> Response:
        payload: dict[str, Any] = dict(request.data)
        job = await adispatch("test.echo", kwargs=payload)
        return Response({"id": str(job.pk), "status": job.status}, status=202)


class StartJobView(AsyncAPIView):
    """Dispatch the job named in the body with the body's kwargs."""

    permission_classes = [AllowAny]

    async def post(self, request: Request) -> Response:
        data: dict[str, Any] = dict(request.data)
        job = await adispatch(str(data["job"]), kwargs=dict(data["kwargs"]))
        return Response({"id": str(job.pk), "status": job.status}, status=202)


urlpatterns = [
    path(
        "api/v1/test/",
        include(
            [
                path("echo-job", StartEchoView.as_view()),
                path("start-job", StartJobView.as_view()),
            ]
        ),
    ),
    *project_urlpatterns,
]
