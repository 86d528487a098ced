"""Reads on webhooks, always scoped to a workspace the caller administers."""

from uuid import UUID

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from apps.accounts.models import User
from apps.webhooks.models import Delivery, WebhookEndpoint
from apps.workspaces.access import aget_membership, require_role
from apps.workspaces.models import Role


async def aworkspace_admin_check(*, user: User, workspace_id: UUID) -> None:
    """404 for a non-member, 403 for a member below admin."""
    membership = await aget_membership(user, workspace_id)
    require_role(membership, Role.ADMIN)


def webhook_endpoint_list_for(*, workspace_id: UUID) -> QuerySet[WebhookEndpoint]:
    """The workspace's endpoints, newest first (lazy; paginate it)."""
    return WebhookEndpoint.objects.filter(workspace_id=workspace_id).order_by("-created_at", "-id")


async def awebhook_endpoint_access(
    *, user: User, workspace_id: UUID, endpoint_id: UUID
) -> WebhookEndpoint:
    """An endpoint of a workspace the caller administers; 404 if it is not in it."""
    await aworkspace_admin_check(user=user, workspace_id=workspace_id)
    endpoint = await WebhookEndpoint.objects.filter(
        pk=endpoint_id, workspace_id=workspace_id
    ).afirst()
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


async def adelivery_access(*, endpoint: WebhookEndpoint, delivery_id: UUID) -> Delivery:
    """One delivery of the endpoint, or 404."""
    delivery = await Delivery.objects.filter(pk=delivery_id, endpoint=endpoint).afirst()
    if delivery is None:
        raise NotFound()
    return delivery
