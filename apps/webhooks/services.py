"""Writes on webhooks: endpoints, the fan-out of events into deliveries, the
delivery attempt itself (the job body), redelivery."""

import json
import logging
import time
import uuid
from datetime import timedelta
from typing import Any, TypedDict
from uuid import UUID

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.core import metrics
from apps.core.context import request_id_var
from apps.core.errors import Conflict, InvalidInput
from apps.jobs.api import dispatch
from apps.webhooks import signing, transport
from apps.webhooks.models import (
    FINAL_DELIVERY_STATUSES,
    Delivery,
    DeliveryStatus,
    WebhookEndpoint,
)

logger = logging.getLogger(__name__)

DELIVER_JOB = "webhooks.deliver"
USER_AGENT = "AsyncAPI-Webhooks/1"


class DeliveryFailed(Exception):
    """An attempt got no 2xx answer; the job is retried (or fails when out of attempts)."""


class Envelope(TypedDict):
    id: str
    type: str
    created_at: str
    workspace_id: str
    data: dict[str, Any]


# --- endpoints ---------------------------------------------------------------


async def aurl_check(url: str) -> None:
    """Refuse (400, on ``url``) a URL that is malformed, does not resolve, or
    resolves to a non-public address while private networks are not allowed."""
    try:
        await transport.aresolve(url, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS)
    except transport.UnsafeDestination as exc:
        logger.info("webhook URL refused", extra={"reason": exc.reason})
        raise InvalidInput({"url": [str(exc) + await _alocal_receiver_hint(url)]}) from exc


LOCAL_RECEIVER_HINT = (
    " In development (DEBUG on): set WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true to allow "
    "receivers on loopback and private networks."
)


async def _alocal_receiver_hint(url: str) -> str:
    """With DEBUG on, which setting would accept ``url``, when a local address is the only problem.

    Empty with DEBUG off: production errors say nothing about configuration.
    """
    if not settings.DEBUG or settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS:
        return ""
    try:
        await transport.aresolve(url, allow_private=True)
    except transport.UnsafeDestination:
        return ""  # refused for another reason (form, does not resolve)
    return LOCAL_RECEIVER_HINT


@transaction.atomic
def webhook_endpoint_create(
    *, workspace_id: UUID, actor: User, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Create an active endpoint with a new secret (the caller shows it once)."""
    return WebhookEndpoint.objects.create(
        workspace_id=workspace_id,
        url=url,
        events=sorted(set(events)),
        description=description,
        secret=signing.new_secret(),
        created_by=actor,
    )


async def awebhook_endpoint_create(
    *, workspace_id: UUID, actor: User, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Check the URL (SSRF guard), then create the endpoint."""
    await aurl_check(url)
    return await sync_to_async(webhook_endpoint_create)(
        workspace_id=workspace_id, actor=actor, url=url, events=events, description=description
    )


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint_id: UUID,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint. Turning it back on clears its failure count."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    if url is not None:
        endpoint.url = url
    if events is not None:
        endpoint.events = sorted(set(events))
    if description is not None:
        endpoint.description = description
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        endpoint.consecutive_failures = 0
        if is_active:
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
        else:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = "Disabled by an admin."
    endpoint.save()
    return endpoint


async def awebhook_endpoint_update(
    *,
    endpoint_id: UUID,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    if url is not None:
        await aurl_check(url)
    return await sync_to_async(webhook_endpoint_update)(
        endpoint_id=endpoint_id,
        url=url,
        events=events,
        description=description,
        is_active=is_active,
    )


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint_id: UUID) -> WebhookEndpoint:
    """Replace the signing secret (the caller shows the new one once). Attempts
    from now on, retries of earlier deliveries included, are signed with it."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint_id: UUID) -> None:
    """Delete an endpoint and its delivery log; pending deliveries are dropped."""
    WebhookEndpoint.objects.filter(pk=endpoint_id).delete()


# --- events -> deliveries ----------------------------------------------------


def _dispatch_delivery(delivery: Delivery) -> None:
    job = dispatch(DELIVER_JOB, kwargs={"delivery_id": str(delivery.pk)})
    delivery.job = job
    delivery.save(update_fields=["job"])


def webhook_event_fan_out(
    *, workspace_id: UUID | str, event: str, payload: dict[str, Any]
) -> list[Delivery]:
    """One delivery (and one retried job) per active endpoint subscribed to ``event``.

    Runs in the caller's transaction (the write that caused the event): the
    deliveries and their jobs commit with it or not at all, and the jobs are
    sent to the broker after the commit, so no event is lost.
    """
    endpoints = list(
        WebhookEndpoint.objects.filter(
            workspace_id=workspace_id, is_active=True, events__contains=[event]
        ).order_by("created_at")
    )
    if not endpoints:
        return []
    envelope: Envelope = {
        "id": str(uuid.uuid4()),
        "type": event,
        "created_at": timezone.now().isoformat().replace("+00:00", "Z"),
        "workspace_id": str(workspace_id),
        "data": payload,
    }
    deliveries = []
    with transaction.atomic():
        for endpoint in endpoints:
            delivery = Delivery.objects.create(
                endpoint=endpoint,
                event_id=UUID(envelope["id"]),
                event=event,
                payload=dict(envelope),
                request_id=request_id_var.get() or "",
            )
            _dispatch_delivery(delivery)
            deliveries.append(delivery)
    return deliveries


@transaction.atomic
def delivery_redeliver(*, delivery_id: UUID) -> Delivery:
    """Send a finished delivery's event again, as a new delivery (same event id)."""
    original = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    if original.status not in FINAL_DELIVERY_STATUSES:
        raise Conflict("This delivery is still being attempted.")
    if not original.endpoint.is_active:
        raise Conflict("The endpoint is disabled; enable it before redelivering.")
    delivery = Delivery.objects.create(
        endpoint=original.endpoint,
        event_id=original.event_id,
        event=original.event,
        payload=original.payload,
        redelivery_of=original,
        request_id=request_id_var.get() or "",
    )
    _dispatch_delivery(delivery)
    return delivery


# --- one attempt (the job body) ----------------------------------------------


def delivery_body(delivery: Delivery) -> bytes:
    """The exact bytes sent (and signed): the envelope as compact JSON."""
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()


@transaction.atomic
def _record(
    delivery_id: UUID, outcome: transport.Attempt, *, attempt: int, retry_in: float | None
) -> None:
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None or delivery.status in FINAL_DELIVERY_STATUSES:
        return
    now = timezone.now()
    delivery.attempts = max(delivery.attempts + 1, attempt)
    delivery.response_status_code = outcome.status_code
    delivery.latency_ms = outcome.latency_ms
    delivery.error = outcome.error[:500]
    delivery.response_excerpt = outcome.response_excerpt[: transport.RESPONSE_EXCERPT_BYTES]
    delivery.last_attempt_at = now
    delivery.next_retry_at = None
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.completed_at = now
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(consecutive_failures=0)
    elif retry_in is None:
        delivery.status = DeliveryStatus.FAILED
        delivery.completed_at = now
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        endpoint.consecutive_failures = F("consecutive_failures") + 1
        endpoint.save(update_fields=["consecutive_failures", "updated_at"])
        endpoint.refresh_from_db(fields=["consecutive_failures"])
        limit = settings.WEBHOOKS_DISABLE_AFTER_FAILURES
        if endpoint.is_active and endpoint.consecutive_failures >= limit:
            endpoint.is_active = False
            endpoint.disabled_at = now
            endpoint.disabled_reason = (
                f"Disabled after {endpoint.consecutive_failures} consecutive failed deliveries."
            )
            endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
            delivery.endpoint_disabled = True
    else:
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_retry_at = now + timedelta(seconds=retry_in)
    delivery.save()
    metrics.count_webhook_attempt(delivery.status)


def _cancel(delivery_id: UUID, reason: str) -> None:
    cancelled = (
        Delivery.objects.filter(pk=delivery_id)
        .exclude(status__in=FINAL_DELIVERY_STATUSES)
        .update(
            status=DeliveryStatus.CANCELLED,
            error=reason,
            completed_at=timezone.now(),
            next_retry_at=None,
        )
    )
    if cancelled:
        metrics.count_webhook_attempt(DeliveryStatus.CANCELLED)


def delivery_attempt(*, delivery_id: str, attempt: int, retry_in: float | None) -> dict[str, Any]:
    """Send one delivery once (the body of the ``webhooks.deliver`` job).

    ``attempt`` and ``retry_in`` come from the job's context: the attempt
    number, and the wait before the next attempt if this one fails (None when
    it is the last). Idempotent: a delivery already finished is not sent
    again; one whose endpoint was disabled meanwhile is cancelled without a
    request. A failed attempt is recorded (status code, latency, error, next
    retry) and raises ``DeliveryFailed`` so the job is retried; the last
    failure counts towards disabling the endpoint.
    """
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return {"skipped": "the endpoint was deleted"}
    if delivery.status in FINAL_DELIVERY_STATUSES:
        return {"skipped": f"already {delivery.status}"}
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _cancel(delivery.pk, "The endpoint is disabled.")
        return {"skipped": "the endpoint is disabled"}
    body = delivery_body(delivery)
    try:
        destination = transport.resolve(
            endpoint.url, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS
        )
    except transport.UnsafeDestination as exc:
        # What the check found (the address) is for the server's log only.
        logger.info(
            "webhook delivery refused", extra={"delivery": str(delivery.pk), "reason": exc.reason}
        )
        outcome = transport.Attempt(None, 0, str(exc), "")
    else:
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            signing.EVENT_HEADER: delivery.event,
            **signing.signed_headers(
                secret=endpoint.secret, message_id=str(delivery.pk), timestamp=timestamp, body=body
            ),
        }
        outcome = transport.post(
            destination, body=body, headers=headers, timeout=settings.WEBHOOKS_TIMEOUT
        )
    _record(delivery.pk, outcome, attempt=attempt, retry_in=retry_in)
    if not outcome.succeeded:
        raise DeliveryFailed(outcome.error or "The delivery failed.")
    return {"status_code": outcome.status_code, "latency_ms": outcome.latency_ms}
