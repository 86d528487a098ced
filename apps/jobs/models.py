"""The Job record: one row per dispatched job, the single source of truth."""

import uuid
from typing import Any, override

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
CANCELLABLE_STATUSES = (JobStatus.QUEUED, JobStatus.RETRYING)


class JobBackend(models.TextChoices):
    NATIVE = "native", "django.tasks"
    CELERY = "celery", "Celery"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="jobs",
        help_text="Who dispatched it; empty for system jobs.",
    )
    name = models.CharField(max_length=100)
    backend = models.CharField(max_length=10, choices=JobBackend.choices)
    queue = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    kwargs = models.JSONField(default=dict)
    request_id = models.CharField(
        max_length=128, blank=True, help_text="X-Request-ID of the request that dispatched it."
    )
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=1)
    # For chains: [{"name", "status", "attempts", "error"}], and the index of the
    # step that runs (or runs next).
    steps = models.JSONField(default=list)
    current_step = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error_type = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the runner every JOBS_HEARTBEAT_INTERVAL while the body runs.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How often the job was found lost with its worker and put back in its queue.
    recoveries = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["owner", "-created_at", "-id"], name="job_owner_recent"),
            models.Index(fields=["status", "created_at"], name="job_status_age"),
        ]

    @override
    def __str__(self) -> str:
        return f"{self.name} {self.id} ({self.status})"

    @property
    def error(self) -> dict[str, Any] | None:
        if not self.error_type:
            return None
        return {"type": self.error_type, "message": self.error_message}
