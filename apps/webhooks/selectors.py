"""Reads on webhooks, always scoped to one workspace.

Who may read is decided before these run: the views are ``WorkspaceScopedView``s
(membership, 404 otherwise; the admin role, 403 otherwise).
"""

from uuid import UUID

from django.db.models import QuerySet

from apps.core.aquery import afirst
from apps.core.errors import NotFound
from apps.webhooks.models import Delivery, WebhookEndpoint


def webhook_endpoint_list_for(*, workspace_id: UUID) -> QuerySet[WebhookEndpoint]:
    """The workspace's endpoints, newest first (lazy; paginate it)."""
    return WebhookEndpoint.objects.filter(workspace_id=workspace_id).order_by("-created_at", "-id")


def webhook_endpoint_detail_for(
    *, workspace_id: UUID, endpoint_id: UUID
) -> QuerySet[WebhookEndpoint]:
    """The endpoint if it is in the workspace (lazy)."""
    return WebhookEndpoint.objects.filter(pk=endpoint_id, workspace_id=workspace_id)


async def awebhook_endpoint_access(*, workspace_id: UUID, endpoint_id: UUID) -> WebhookEndpoint:
    """An endpoint of the workspace; 404 if it is not in it (async pool, no thread hop)."""
    endpoint = await afirst(
        webhook_endpoint_detail_for(workspace_id=workspace_id, endpoint_id=endpoint_id)
    )
    if endpoint is None:
        raise NotFound()
    return endpoint


def delivery_list_for(
    *, endpoint: WebhookEndpoint, status: str | None = None, event: str | None = None
) -> QuerySet[Delivery]:
    """The endpoint's delivery log, newest first (lazy; paginate it)."""
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    if event:
        deliveries = deliveries.filter(event=event)
    return deliveries.defer("payload", "response_excerpt").order_by("-created_at", "-id")


def delivery_detail_for(*, endpoint: WebhookEndpoint, delivery_id: UUID) -> QuerySet[Delivery]:
    """The delivery (with its payload) if it is the endpoint's (lazy)."""
    return Delivery.objects.filter(pk=delivery_id, endpoint=endpoint)


async def adelivery_access(*, endpoint: WebhookEndpoint, delivery_id: UUID) -> Delivery:
    """One delivery of the endpoint, or 404 (async pool, no thread hop)."""
    delivery = await afirst(delivery_detail_for(endpoint=endpoint, delivery_id=delivery_id))
    if delivery is None:
        raise NotFound()
    return delivery
