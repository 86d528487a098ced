"""Webhook endpoints of a workspace and the deliveries sent to them."""

import uuid
from typing import override

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class WebhookEvent(models.TextChoices):
    DOCUMENT_CREATED = "document.created"
    DOCUMENT_UPDATED = "document.updated"
    DOCUMENT_DELETED = "document.deleted"
    MEMBER_JOINED = "member.joined"


class WebhookEndpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    events = ArrayField(models.CharField(max_length=50, choices=WebhookEvent.choices))
    # The HMAC key. Stored as is: signing needs it back (like every webhook
    # provider); shown to the API caller only once, at creation.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["workspace", "is_active"], name="webhook_ep_active")]

    @override
    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # not tried yet
    RETRYING = "retrying", "Retrying"  # failed, another attempt is scheduled
    SUCCEEDED = "succeeded", "Succeeded"  # the receiver answered 2xx
    FAILED = "failed", "Failed"  # every attempt failed
    CANCELLED = "cancelled", "Cancelled"  # not sent: the endpoint was disabled or refused


FINAL_DELIVERY_STATUSES = (
    DeliveryStatus.SUCCEEDED,
    DeliveryStatus.FAILED,
    DeliveryStatus.CANCELLED,
)


class Delivery(models.Model):
    """One event sent to one endpoint (one retried job); a redelivery is a new row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(help_text="The event's id: the same on every endpoint.")
    event = models.CharField(max_length=50, choices=WebhookEvent.choices)
    payload = models.JSONField(help_text="The JSON body sent (the event envelope).")
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    response_excerpt = models.CharField(max_length=1024, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    endpoint_disabled = models.BooleanField(
        default=False, help_text="This delivery's failure disabled the endpoint."
    )
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries"
    )
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_id = models.CharField(
        max_length=128, blank=True, help_text="X-Request-ID of the request that caused the event."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_dlv_recent"),
        ]

    @override
    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint_id} ({self.status})"
