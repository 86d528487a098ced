"""OpenAPI decoration of the document API (``apps.documents.views``): one per operation."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from apps.core.errors import PreconditionFailed
from apps.core.openapi import (
    create_parameters,
    create_responses,
    error_example,
    error_response,
    request_example,
    response_example,
)
from apps.documents.serializers import (
    DocumentCreateInput,
    DocumentListQuery,
    DocumentOutput,
    DocumentReplaceInput,
    DocumentSummaryOutput,
    DocumentUpdateInput,
)

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
STALE = error_response("If-Match names a version that is no longer current.")
STALE_EXAMPLE = error_example(
    "Stale version",
    status_code="412",
    code=PreconditionFailed.default_code,
    detail=PreconditionFailed.default_detail,
)

documents_list = extend_schema(
    operation_id="documentsList",
    description="Cursor-paginated; filter by `status`, `tag`, `author` and `updated_since`. "
    '`q` is a full-text search in web-search syntax (`"a phrase"`, `-word`, '
    "`or`), ordered by relevance (the title weighs more than the body).",
    summary="The workspace's documents (newest first, or by relevance with q)",
    tags=TAGS,
    parameters=[DocumentListQuery],
    responses={200: DocumentSummaryOutput(many=True)},
    examples=[response_example("Documents", SUMMARY_EXAMPLE)],
)

documents_create = extend_schema(
    operation_id="documentsCreate",
    description="Any member may create one. The response carries the document's `ETag` and "
    "`Location`. Send `Idempotency-Key` to make retries safe.",
    summary="Create a document; the caller is its author",
    tags=TAGS,
    request=DocumentCreateInput,
    responses=create_responses({201: DocumentOutput}),
    parameters=create_parameters(ETAG_HEADER),
    examples=[
        request_example("Create", WRITE_EXAMPLE),
        response_example("Created", {**DOCUMENT_EXAMPLE, "version": 1}, "201"),
    ],
)

documents_retrieve = extend_schema(
    operation_id="documentsRetrieve",
    description="With `If-None-Match` naming the current ETag the answer is 304 with no body.",
    summary="One document, with its ETag",
    tags=TAGS,
    responses={
        200: DocumentOutput,
        304: OpenApiResponse(description="Unchanged since the ETag in If-None-Match."),
    },
    parameters=[IF_NONE_MATCH, ETAG_HEADER],
    examples=[response_example("Document", DOCUMENT_EXAMPLE)],
)

documents_replace = extend_schema(
    operation_id="documentsReplace",
    description="Every field is sent; those left out get their defaults. With `If-Match`, a "
    "document changed since that version answers 412 and nothing is written.",
    summary="Replace a document's title, body, status and tags",
    tags=TAGS,
    request=DocumentReplaceInput,
    responses={200: DocumentOutput, 412: STALE},
    parameters=[IF_MATCH, ETAG_HEADER],
    examples=[
        request_example("Replace", WRITE_EXAMPLE),
        response_example("Replaced", DOCUMENT_EXAMPLE),
        STALE_EXAMPLE,
    ],
)

documents_update = extend_schema(
    operation_id="documentsUpdate",
    description="Only the fields sent change (an empty body is valid). With `If-Match`, a "
    "document changed since that version answers 412 and nothing is written.",
    summary="Change some of a document's fields",
    tags=TAGS,
    request=DocumentUpdateInput,
    responses={200: DocumentOutput, 412: STALE},
    parameters=[IF_MATCH, ETAG_HEADER],
    examples=[
        request_example("Publish", {"status": "published"}),
        response_example("Updated", DOCUMENT_EXAMPLE),
        STALE_EXAMPLE,
    ],
)

documents_delete = extend_schema(
    operation_id="documentsDelete",
    description="With `If-Match`, a document changed since that version answers 412 and stays.",
    summary="Delete a document (its author, or an admin/owner)",
    tags=TAGS,
    responses={204: None, 412: STALE},
    parameters=[IF_MATCH],
    examples=[STALE_EXAMPLE],
)
