"""Workspace exports: one row per requested archive."""

import uuid
from typing import override

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


class Export(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Every status is written: the build's job marks its export FAILED when it
    # fails for good or is cancelled (the job's on_failure hook).
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.BUILDING
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document_count = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=300, blank=True, help_text="Name in the storage.")
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="export_ws_recent"),
            models.Index(fields=["status", "expires_at"], name="export_status_expiry"),
        ]

    @override
    def __str__(self) -> str:
        return f"export {self.id} ({self.status})"

    @property
    def state(self) -> str:
        """The status as the API shows it: a build whose job is gone (deleted by
        hand) can never finish, so it shows ``failed``."""
        if self.status == ExportStatus.BUILDING and self.job_id is None:
            return ExportStatus.FAILED
        return self.status
