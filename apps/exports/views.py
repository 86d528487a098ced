"""The exports API under /api/v1/workspaces/{workspace_id}/exports (members).

OpenAPI decoration: ``apps.exports.openapi``.
"""

from typing import override
from uuid import UUID

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse
from django.urls import reverse
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.errors import PermissionDenied
from apps.core.idempotency import idempotent
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.core.views import AsyncAPIView
from apps.exports import openapi, selectors, services
from apps.exports.serializers import DownloadQuery, export_public
from apps.exports.storage import aiter_chunks
from apps.workspaces.permissions import WorkspaceScopedView


class ExportListView(WorkspaceScopedView):
    pagination_class = CursorPagination

    @openapi.exports_list
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        exports = selectors.export_list_for(workspace_id=workspace_id)
        return await apaginated_response(
            self, exports, lambda export: export_public(export, request=request)
        )

    @openapi.exports_create
    @idempotent
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        export = await sync_to_async(services.export_create)(
            workspace_id=workspace_id, actor=request_user(request)
        )
        data = export_public(export, request=request)
        location = reverse("exports-detail", args=[workspace_id, export.pk])
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ExportDetailView(WorkspaceScopedView):
    @openapi.exports_retrieve
    async def get(self, request: Request, workspace_id: UUID, export_id: UUID) -> Response:
        export = await selectors.aexport_access(workspace_id=workspace_id, export_id=export_id)
        return Response(export_public(export, request=request))


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

    @openapi.exports_download
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
