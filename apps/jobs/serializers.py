"""Public shapes of the job API."""

from typing import Any

from rest_framework import serializers

from apps.core.jsonfield import JsonObjectField
from apps.core.outputs import iso_datetime, output_of
from apps.jobs.models import Job, JobStatus


class JobErrorOutput(serializers.Serializer[Any]):
    type = serializers.CharField(help_text="The error's class name, e.g. TimeoutError.")
    message = serializers.CharField()


class JobStepOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    attempts = serializers.IntegerField()
    error = JobErrorOutput(allow_null=True)


class JobOutput(serializers.Serializer[Job]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    attempts = serializers.IntegerField(help_text="Attempts started so far.")
    max_attempts = serializers.IntegerField()
    current_step = serializers.IntegerField(
        allow_null=True, help_text="For chains: index of the step running or next to run."
    )
    steps = JobStepOutput(many=True, help_text="For chains: each step's status; else empty.")
    result = JsonObjectField(allow_null=True, help_text="The job's small JSON result summary.")
    error = JobErrorOutput(allow_null=True, help_text="The last failure; never a traceback.")
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


@output_of(JobErrorOutput)
def job_error_public(error: dict[str, Any] | None) -> dict[str, Any] | None:
    """``JobErrorOutput`` built directly (None stays None)."""
    if error is None:
        return None
    return {"type": str(error["type"]), "message": str(error["message"])}


@output_of(JobStepOutput)
def job_step_public(step: dict[str, Any]) -> dict[str, Any]:
    """``JobStepOutput`` built directly from a stored step."""
    return {
        "name": str(step["name"]),
        "status": step["status"],
        "attempts": int(step["attempts"]),
        "error": job_error_public(step["error"]),
    }


@output_of(JobOutput)
def job_public(job: Job) -> dict[str, Any]:
    """``JobOutput`` built directly."""
    return {
        "id": str(job.id),
        "name": job.name,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "current_step": job.current_step,
        "steps": [job_step_public(step) for step in job.steps],
        "result": job.result,
        "error": job_error_public(job.error),
        "created_at": iso_datetime(job.created_at),
        "started_at": iso_datetime(job.started_at),
        "finished_at": iso_datetime(job.finished_at),
        "updated_at": iso_datetime(job.updated_at),
    }


class JobListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    name = serializers.CharField(max_length=100, required=False)
