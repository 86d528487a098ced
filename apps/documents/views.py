"""The document API under /api/v1/workspaces/{workspace_id}/documents."""

from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.documents import selectors, services
from apps.documents.etags import etag_for, none_match, versions_from_if_match
from apps.documents.models import Document
from apps.documents.serializers import (
    DocumentCreateInput,
    DocumentListQuery,
    DocumentOutput,
    DocumentReplaceInput,
    DocumentSummaryOutput,
    DocumentUpdateInput,
)
from apps.workspaces.permissions import WorkspaceScopedView

TAGS = ["documents"]
DOCUMENT_EXAMPLE: dict[str, Any] = {
    "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "workspace_id": "3d3c2a8e-5b7f-4f1e-9a55-2b1c0d9e8f7a",
    "title": "Notes on the Analytical Engine",
    "status": "published",
    "tags": ["engines", "notes"],
    "author_id": 42,
    "version": 3,
    "word_count": 5,
    "created_at": "2026-01-01T09:00:00Z",
    "updated_at": "2026-01-02T10:30:00Z",
    "body": "The engine weaves algebraic patterns.",
}
SUMMARY_EXAMPLE = {key: value for key, value in DOCUMENT_EXAMPLE.items() if key != "body"}
WRITE_EXAMPLE = {
    "title": "Notes on the Analytical Engine",
    "body": "The engine weaves algebraic patterns.",
    "status": "published",
    "tags": ["engines", "notes"],
}

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=True,
    description='The document\'s version as an entity tag, e.g. `"3"`. Send it back in '
    "If-Match to update or delete safely.",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag you last saw (e.g. `"3"`). If the document changed since, the '
    "request answers 412 and changes nothing. Without it the write applies to the current "
    "version.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag you hold; if the document is unchanged the answer is 304 with no body.",
)
STALE = OpenApiResponse(
    ErrorResponseSerializer, description="If-Match names a version that is no longer current."
)
STALE_EXAMPLE = OpenApiExample(
    "Stale version",
    value={
        "type": "client_error",
        "errors": [
            {
                "code": "precondition_failed",
                "detail": "The resource was changed by someone else; fetch it again.",
                "attr": None,
            }
        ],
        "request_id": "3f6c0d2e9b0a4c1e8f7a6b5c4d3e2f1a",
    },
    response_only=True,
    status_codes=["412"],
)


class DocumentPagination(CursorPagination):
    ordering = selectors.DEFAULT_ORDERING


class RelevancePagination(CursorPagination):
    ordering = selectors.RELEVANCE_ORDERING


def _with_etag(response: Response, document: Document) -> Response:
    response["ETag"] = etag_for(document)
    return response


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class DocumentListView(WorkspaceScopedView):
    pagination_class = DocumentPagination

    @extend_schema(
        operation_id="documentsList",
        summary="The workspace's documents (newest first, or by relevance with q)",
        tags=TAGS,
        parameters=[DocumentListQuery],
        responses={200: DocumentSummaryOutput(many=True)},
        examples=[
            OpenApiExample(
                "Documents",
                value={"next": None, "previous": None, "results": [SUMMARY_EXAMPLE]},
                response_only=True,
            )
        ],
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        query = DocumentListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = dict(query.validated_data)
        filters["q"] = (filters.get("q") or "").strip() or None
        documents = selectors.document_list_for(workspace_id=workspace_id, **filters)
        paginator = RelevancePagination() if filters["q"] else DocumentPagination()
        return await apaginated_response(
            self, documents, DocumentSummaryOutput, paginator=paginator
        )

    @extend_schema(
        operation_id="documentsCreate",
        summary="Create a document; the caller is its author",
        tags=TAGS,
        request=DocumentCreateInput,
        responses={201: DocumentOutput},
        parameters=[ETAG_HEADER],
        examples=[
            OpenApiExample("Create", value=WRITE_EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={**DOCUMENT_EXAMPLE, "version": 1},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        data = DocumentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        document = await sync_to_async(services.document_create)(
            workspace_id=workspace_id, author=_user(request), **data.validated_data
        )
        response = Response(DocumentOutput(document).data, status=status.HTTP_201_CREATED)
        return _with_etag(response, document)


class DocumentDetailView(WorkspaceScopedView):
    @extend_schema(
        operation_id="documentsRetrieve",
        summary="One document, with its ETag",
        tags=TAGS,
        responses={
            200: DocumentOutput,
            304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match."),
        },
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        examples=[OpenApiExample("Document", value=DOCUMENT_EXAMPLE, response_only=True)],
    )
    async def get(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        document = await selectors.adocument_access(
            workspace_id=workspace_id, document_id=document_id
        )
        if none_match(request.headers.get("If-None-Match"), document):
            return _with_etag(Response(status=status.HTTP_304_NOT_MODIFIED), document)
        return _with_etag(Response(DocumentOutput(document).data), document)

    async def _update(
        self, request: Request, workspace_id: UUID, document_id: UUID, changes: dict[str, Any]
    ) -> Response:
        document = await sync_to_async(services.document_update)(
            workspace_id=workspace_id,
            document_id=document_id,
            expected_versions=versions_from_if_match(request.headers.get("If-Match")),
            changes=changes,
        )
        return _with_etag(Response(DocumentOutput(document).data), document)

    @extend_schema(
        operation_id="documentsReplace",
        summary="Replace a document's title, body, status and tags",
        tags=TAGS,
        request=DocumentReplaceInput,
        responses={200: DocumentOutput, 412: STALE},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample("Replace", value=WRITE_EXAMPLE, request_only=True),
            OpenApiExample("Replaced", value=DOCUMENT_EXAMPLE, response_only=True),
            STALE_EXAMPLE,
        ],
    )
    async def put(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        data = DocumentReplaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        return await self._update(request, workspace_id, document_id, dict(data.validated_data))

    @extend_schema(
        operation_id="documentsUpdate",
        summary="Change some of a document's fields",
        tags=TAGS,
        request=DocumentUpdateInput,
        responses={200: DocumentOutput, 412: STALE},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[
            OpenApiExample("Publish", value={"status": "published"}, request_only=True),
            OpenApiExample("Updated", value=DOCUMENT_EXAMPLE, response_only=True),
            STALE_EXAMPLE,
        ],
    )
    async def patch(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        data = DocumentUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        return await self._update(request, workspace_id, document_id, dict(data.validated_data))

    @extend_schema(
        operation_id="documentsDelete",
        summary="Delete a document (its author, or an admin/owner)",
        tags=TAGS,
        responses={204: None, 412: STALE},
        parameters=[IF_MATCH],
        examples=[STALE_EXAMPLE],
    )
    async def delete(self, request: Request, workspace_id: UUID, document_id: UUID) -> Response:
        await sync_to_async(services.document_delete)(
            actor=self.membership,
            document_id=document_id,
            expected_versions=versions_from_if_match(request.headers.get("If-Match")),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
