"""The job status API: poll one job, list the caller's jobs, cancel a queued one."""

from uuid import UUID

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.views import AsyncAPIView
from apps.jobs.selectors import ajob_access, job_list_for
from apps.jobs.serializers import JobListQuery, JobOutput
from apps.jobs.services import ajob_cancel

JOB_EXAMPLE = OpenApiExample(
    "A chain on its second step",
    value={
        "id": "0b7e5c1e-4a4f-4f5e-9d7a-2f0c1d2e3f40",
        "name": "exports.build",
        "status": "running",
        "attempts": 2,
        "max_attempts": 4,
        "current_step": 1,
        "steps": [
            {"name": "collect", "status": "succeeded", "attempts": 1, "error": None},
            {"name": "render", "status": "running", "attempts": 1, "error": None},
            {"name": "upload", "status": "queued", "attempts": 0, "error": None},
        ],
        "result": None,
        "error": None,
        "created_at": "2026-01-01T12:00:00Z",
        "started_at": "2026-01-01T12:00:01Z",
        "finished_at": None,
        "updated_at": "2026-01-01T12:00:03Z",
    },
    response_only=True,
)
CANCELLED_EXAMPLE = OpenApiExample(
    "Cancelled",
    value={
        "id": "0b7e5c1e-4a4f-4f5e-9d7a-2f0c1d2e3f40",
        "name": "webhooks.deliver",
        "status": "cancelled",
        "attempts": 0,
        "max_attempts": 1,
        "current_step": None,
        "steps": [],
        "result": None,
        "error": None,
        "created_at": "2026-01-01T12:00:00Z",
        "started_at": None,
        "finished_at": "2026-01-01T12:00:05Z",
        "updated_at": "2026-01-01T12:00:05Z",
    },
    response_only=True,
    status_codes=["200"],
)


class JobListView(AsyncAPIView):
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="jobsList",
        summary="The caller's jobs, newest first",
        parameters=[JobListQuery],
        responses={200: JobOutput(many=True)},
        examples=[JOB_EXAMPLE],
        tags=["jobs"],
    )
    async def get(self, request: Request) -> Response:
        query = JobListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        jobs = job_list_for(owner=request.user, **query.validated_data)  # type: ignore[arg-type]
        return await apaginated_response(self, jobs, JobOutput)


class JobDetailView(AsyncAPIView):
    @extend_schema(
        operation_id="jobsRetrieve",
        summary="One of the caller's jobs (poll it until its status is final)",
        responses={200: JobOutput},
        examples=[JOB_EXAMPLE],
        tags=["jobs"],
    )
    async def get(self, request: Request, job_id: UUID) -> Response:
        job = await ajob_access(job_id=job_id, owner=request.user)  # type: ignore[arg-type]
        return Response(JobOutput(job).data)


class JobCancelView(AsyncAPIView):
    @extend_schema(
        operation_id="jobsCancel",
        summary="Cancel a job that has not started (queued, or waiting to retry)",
        request=None,
        responses={
            200: JobOutput,
            409: OpenApiResponse(ErrorResponseSerializer, description="The job already started."),
        },
        examples=[
            CANCELLED_EXAMPLE,
            OpenApiExample(
                "Already running",
                value={
                    "type": "client_error",
                    "errors": [
                        {
                            "code": "conflict",
                            "detail": "A running job cannot be cancelled.",
                            "attr": None,
                        }
                    ],
                    "request_id": "3f6c0d2e9b0a4c1e8f7a6b5c4d3e2f1a",
                },
                response_only=True,
                status_codes=["409"],
            ),
        ],
        tags=["jobs"],
    )
    async def post(self, request: Request, job_id: UUID) -> Response:
        job = await ajob_cancel(job_id=job_id, owner=request.user)  # type: ignore[arg-type]
        return Response(JobOutput(job).data)
