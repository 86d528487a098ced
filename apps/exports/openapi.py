"""OpenAPI decoration of the exports API (``apps.exports.views``): one per operation."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema

from apps.core.openapi import create_parameters, create_responses, error_response, response_example
from apps.exports.serializers import DownloadQuery, ExportOutput

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

exports_list = extend_schema(
    operation_id="exportsList",
    description="Every export of the workspace with its status; a ready one has a signed "
    "`download_url` for the caller.",
    summary="The workspace's exports, newest first",
    responses={200: ExportOutput(many=True)},
    examples=[response_example("Ready", EXPORT_EXAMPLE)],
    tags=TAGS,
)

exports_create = extend_schema(
    operation_id="exportsCreate",
    summary="Start an export: a chained job (collect, render, zip, store, notify)",
    description="Answers 202 with the export and its `job_id`; poll `GET /api/v1/jobs/{id}` "
    "for each step, or this export until `status` is `ready` (the requester is also "
    "emailed). One build at a time per workspace (409 while one runs).",
    request=None,
    responses=create_responses(
        {
            202: ExportOutput,
            409: error_response(
                "A build is running, or a request with this Idempotency-Key is still running."
            ),
        }
    ),
    parameters=create_parameters(),
    examples=[response_example("Started", BUILDING_EXAMPLE, "202")],
    tags=TAGS,
)

exports_retrieve = extend_schema(
    operation_id="exportsRetrieve",
    description="`status` is `building`, `ready` or `failed`; a ready export's `download_url`"
    " is signed for the caller and expires.",
    summary="One export; when ready, with a signed download link for the caller",
    responses={200: ExportOutput},
    examples=[response_example("Ready", EXPORT_EXAMPLE)],
    tags=TAGS,
)

exports_download = extend_schema(
    operation_id="exportsDownload",
    summary="Download a ready export (the signed download_url)",
    parameters=[DownloadQuery],
    responses={
        (200, "application/zip"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The zip archive."
        ),
        403: error_response("The link is invalid or expired."),
    },
    tags=TAGS,
)
