"""The webhooks API under /api/v1/workspaces/{workspace_id}/webhooks (admins only).

OpenAPI decoration: ``apps.webhooks.openapi``.
"""

from uuid import UUID

from asgiref.sync import sync_to_async
from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.idempotency import idempotent
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.webhooks import openapi, selectors, services
from apps.webhooks.serializers import (
    DeliveryListQuery,
    WebhookEndpointCreateInput,
    WebhookEndpointUpdateInput,
    delivery_detail_public,
    delivery_public,
    webhook_endpoint_created_public,
    webhook_endpoint_public,
)
from apps.workspaces.models import Role
from apps.workspaces.permissions import WorkspaceScopedView


class WorkspaceAdminView(WorkspaceScopedView):
    """Every webhook route is for the workspace's admins and owners (403 below, 404
    for non-members)."""

    minimum_roles = dict.fromkeys(
        ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), Role.ADMIN
    )


class WebhookEndpointListView(WorkspaceAdminView):
    pagination_class = CursorPagination

    @openapi.webhooks_list
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        endpoints = selectors.webhook_endpoint_list_for(workspace_id=workspace_id)
        return await apaginated_response(self, endpoints, webhook_endpoint_public)

    @openapi.webhooks_create
    @idempotent
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        user = request_user(request)
        data = WebhookEndpointCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = await services.awebhook_endpoint_create(
            workspace_id=workspace_id, actor=user, **data.validated_data
        )
        output = webhook_endpoint_created_public(endpoint)
        location = reverse("webhooks-detail", args=[workspace_id, endpoint.pk])
        return Response(output, status=status.HTTP_201_CREATED, headers={"Location": location})


class WebhookEndpointDetailView(WorkspaceAdminView):
    @openapi.webhooks_retrieve
    async def get(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        return Response(webhook_endpoint_public(endpoint))

    @openapi.webhooks_update
    async def patch(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        data = WebhookEndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = await services.awebhook_endpoint_update(
            endpoint_id=endpoint.pk, **data.validated_data
        )
        return Response(webhook_endpoint_public(endpoint))

    @openapi.webhooks_delete
    async def delete(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        await sync_to_async(services.webhook_endpoint_delete)(endpoint_id=endpoint.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateView(WorkspaceAdminView):
    @openapi.webhooks_rotate_secret
    async def post(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        endpoint = await sync_to_async(services.webhook_endpoint_rotate_secret)(
            endpoint_id=endpoint.pk
        )
        return Response(webhook_endpoint_created_public(endpoint))


class DeliveryListView(WorkspaceAdminView):
    pagination_class = CursorPagination

    @openapi.webhooks_deliveries_list
    async def get(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        query = DeliveryListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        deliveries = selectors.delivery_list_for(endpoint=endpoint, **query.validated_data)
        return await apaginated_response(self, deliveries, delivery_public)


class DeliveryDetailView(WorkspaceAdminView):
    @openapi.webhooks_deliveries_retrieve
    async def get(
        self, request: Request, workspace_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        delivery = await selectors.adelivery_access(endpoint=endpoint, delivery_id=delivery_id)
        return Response(delivery_detail_public(delivery))


class DeliveryRedeliverView(WorkspaceAdminView):
    @openapi.webhooks_deliveries_redeliver
    async def post(
        self, request: Request, workspace_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        original = await selectors.adelivery_access(endpoint=endpoint, delivery_id=delivery_id)
        delivery = await sync_to_async(services.delivery_redeliver)(delivery_id=original.pk)
        location = reverse(
            "webhooks-delivery-detail", args=[workspace_id, endpoint_id, delivery.pk]
        )
        return Response(
            delivery_public(delivery),
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )
