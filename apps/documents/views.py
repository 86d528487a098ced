"""The document API under /api/v1/workspaces/{workspace_id}/documents.

OpenAPI decoration: ``apps.documents.openapi``.
"""

from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.idempotency import idempotent
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.documents import openapi, selectors, services
from apps.documents.etags import etag_for, none_match, versions_from_if_match
from apps.documents.models import Document
from apps.documents.serializers import (
    DocumentCreateInput,
    DocumentListQuery,
    DocumentReplaceInput,
    DocumentUpdateInput,
    document_public,
    document_summary_public,
)
from apps.workspaces.permissions import WorkspaceScopedView


class DocumentPagination(CursorPagination):
    ordering = selectors.DEFAULT_ORDERING


class RelevancePagination(CursorPagination):
    ordering = selectors.RELEVANCE_ORDERING


def _with_etag(response: Response, document: Document) -> Response:
    response["ETag"] = etag_for(document)
    return response


class DocumentListView(WorkspaceScopedView):
    pagination_class = DocumentPagination

    @openapi.documents_list
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        query = DocumentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        filters["q"] = (filters.get("q") or "").strip() or None
        documents = selectors.document_list_for(workspace_id=workspace_id, **filters)
        paginator = RelevancePagination() if filters["q"] else DocumentPagination()
        return await apaginated_response(
            self, documents, document_summary_public, paginator=paginator
        )

    @openapi.documents_create
    @idempotent
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        data = DocumentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = await sync_to_async(services.document_create)(
            workspace_id=workspace_id, author=request_user(request), **data.validated_data
        )
        location = reverse("documents-detail", args=[workspace_id, document.pk])
        response = Response(
            document_public(document),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )
        return _with_etag(response, document)


class DocumentDetailView(WorkspaceScopedView):
    @openapi.documents_retrieve
    async def get(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        document = await selectors.adocument_access(
            workspace_id=workspace_id, document_id=document_id
        )
        if none_match(request.headers.get("If-None-Match"), document):
            return _with_etag(Response(status=status.HTTP_304_NOT_MODIFIED), document)
        return _with_etag(Response(document_public(document)), document)

    async def _update(
        self, request: Request, workspace_id: UUID, document_id: UUID, changes: dict[str, Any]
    ) -> Response:
        document = await sync_to_async(services.document_update)(
            workspace_id=workspace_id,
            document_id=document_id,
            expected_versions=versions_from_if_match(request.headers.get("If-Match")),
            changes=changes,
        )
        return _with_etag(Response(document_public(document)), document)

    @openapi.documents_replace
    async def put(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        data = DocumentReplaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        return await self._update(request, workspace_id, document_id, dict(data.validated_data))

    @openapi.documents_update
    async def patch(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        data = DocumentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return await self._update(request, workspace_id, document_id, dict(data.validated_data))

    @openapi.documents_delete
    async def delete(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        await sync_to_async(services.document_delete)(
            actor=self.membership,
            document_id=document_id,
            expected_versions=versions_from_if_match(request.headers.get("If-Match")),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
