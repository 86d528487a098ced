"""OpenAPI decoration of the job status API (``apps.jobs.views``): one per operation."""

from drf_spectacular.utils import extend_schema

from apps.core.openapi import error_example, error_response, response_example
from apps.jobs.serializers import JobListQuery, JobOutput

TAGS = ["jobs"]
JOB_EXAMPLE = response_example(
    "A chain on its second step",
    {
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
)
CANCELLED_EXAMPLE = response_example(
    "Cancelled",
    {
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
    "200",
)

jobs_list = extend_schema(
    operation_id="jobsList",
    description="Jobs the caller started (exports, ...), with their status, attempts and "
    "steps. Filter by `status` or `name`.",
    summary="The caller's jobs, newest first",
    parameters=[JobListQuery],
    responses={200: JobOutput(many=True)},
    examples=[JOB_EXAMPLE],
    tags=TAGS,
)

jobs_retrieve = extend_schema(
    operation_id="jobsRetrieve",
    description="Status (`queued`, `running`, `retrying`, `succeeded`, `failed`, "
    "`cancelled`), attempts, the last error and, for a chain, each step. Another "
    "user's job answers 404.",
    summary="One of the caller's jobs (poll it until its status is final)",
    responses={200: JobOutput},
    examples=[JOB_EXAMPLE],
    tags=TAGS,
)

jobs_cancel = extend_schema(
    operation_id="jobsCancel",
    description="A job that already started or finished answers 409; a cancelled job never runs.",
    summary="Cancel a job that has not started (queued, or waiting to retry)",
    request=None,
    responses={200: JobOutput, 409: error_response("The job already started.")},
    examples=[
        CANCELLED_EXAMPLE,
        error_example(
            "Already running",
            status_code="409",
            code="conflict",
            detail="A running job cannot be cancelled.",
        ),
    ],
    tags=TAGS,
)
