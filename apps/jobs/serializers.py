"""Public shapes of the job API."""

from typing import Any

from rest_framework import serializers

from apps.core.jsonfield import JsonObjectField
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


class JobListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=JobStatus.choices, required=False)
    name = serializers.CharField(max_length=100, required=False)
