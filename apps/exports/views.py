"""The exports API under /api/v1/workspaces/{workspace_id}/exports (members)."""

from typing import Any, override
from uuid import UUID

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.views import AsyncAPIView
from apps.exports import selectors, services
from apps.exports.serializers import DownloadQuery, ExportOutput
from apps.exports.storage import aiter_chunks
from apps.workspaces.permissions import WorkspaceScopedView

TAGS = ["exports"]
EXPORT_EXAMPLE: dict[str, Any] = {
    "id": "3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a",
    "status": "ready",
    "job_id": "0b7e5c1e-4a4f-4f5e-9d7a-2f0c1d2e3f40",
    "document_count": 42,
    "size_bytes": 183406,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_at": "2026-01-01T12:00:00Z",
    "completed_at": "2026-01-01T12:00:09Z",
    "expires_at": "2026-01-08T12:00:09Z",
    "download_url": "https://api.example.com/api/v1/exports/3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a"
    "/download?signature=eyJleHBvcnQiOiIzYzJiMWEwOSJ9:1vQk2F:3b4c5d6e7f8a9b0c",
}
BUILDING_EXAMPLE: dict[str, Any] = {
    **EXPORT_EXAMPLE,
    "status": "building",
    "document_count": None,
    "size_bytes": None,
    "sha256": "",
    "completed_at": None,
    "expires_at": None,
    "download_url": None,
}


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class ExportListView(WorkspaceScopedView):
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="exportsList",
        summary="The workspace's exports, newest first",
        responses={200: ExportOutput(many=True)},
        examples=[OpenApiExample("Ready", value=EXPORT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        exports = selectors.export_list_for(workspace_id=workspace_id)
        return await apaginated_response(self, exports, ExportOutput, context={"request": request})

    @extend_schema(
        operation_id="exportsCreate",
        summary="Start an export: a chained job (collect, render, zip, store, notify)",
        description="Answers 202 with the export and its `job_id`; poll `GET /api/v1/jobs/{id}` "
        "for each step, or this export until `status` is `ready` (the requester is also "
        "emailed). One build at a time per workspace (409 while one runs).",
        request=None,
        responses={
            202: ExportOutput,
            409: OpenApiResponse(ErrorResponseSerializer, description="A build is running."),
        },
        examples=[
            OpenApiExample(
                "Started", value=BUILDING_EXAMPLE, response_only=True, status_codes=["202"]
            )
        ],
        tags=TAGS,
    )
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        export = await services.aexport_create(workspace_id=workspace_id, actor=_user(request))
        data = ExportOutput(export, context={"request": request}).data
        return Response(data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(WorkspaceScopedView):
    @extend_schema(
        operation_id="exportsRetrieve",
        summary="One export; when ready, with a signed download link for the caller",
        responses={200: ExportOutput},
        examples=[OpenApiExample("Ready", value=EXPORT_EXAMPLE, response_only=True)],
        tags=TAGS,
    )
    async def get(self, request: Request, workspace_id: UUID, export_id: UUID) -> Response:
        export = await selectors.aexport_access(workspace_id=workspace_id, export_id=export_id)
        return Response(ExportOutput(export, context={"request": request}).data)


class ExportDownloadView(AsyncAPIView):
    """The archive, streamed; authorized by the signed link (no Authorization header),
    for the member it was issued to while they still belong to the workspace.

    Outside ``/workspaces/{id}/``: the link itself names the export and the member,
    and a browser can open it as is.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    @override
    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        # The archive is not rendered: a client asking for application/zip gets
        # it, and an error answers in the standard JSON shape, never a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="exportsDownload",
        summary="Download a ready export (the signed download_url)",
        parameters=[DownloadQuery],
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The zip archive."
            ),
            403: OpenApiResponse(
                ErrorResponseSerializer, description="The link is invalid or expired."
            ),
        },
        tags=TAGS,
    )
    async def get(self, request: Request, export_id: UUID) -> StreamingHttpResponse:
        query = DownloadQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        claims = services.download_claims(query.validated_data["signature"])
        if claims is None or claims[0] != export_id:
            raise PermissionDenied("The download link is invalid or has expired.")
        export = await selectors.aexport_download_access(user_id=claims[1], export_id=export_id)
        response = StreamingHttpResponse(
            aiter_chunks(export.file_name), content_type="application/zip"
        )
        response["Content-Length"] = str(export.size_bytes or 0)
        day = export.created_at.strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="export-{day}-{export.pk}.zip"'
        response["Cache-Control"] = "private, no-store"
        return response
