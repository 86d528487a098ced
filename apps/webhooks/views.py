"""The webhooks API under /api/v1/workspaces/{workspace_id}/webhooks (admins only)."""

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.webhooks import selectors, services
from apps.webhooks.serializers import (
    DeliveryDetailOutput,
    DeliveryListQuery,
    DeliveryOutput,
    WebhookEndpointCreatedOutput,
    WebhookEndpointCreateInput,
    WebhookEndpointOutput,
    WebhookEndpointUpdateInput,
)
from apps.workspaces.models import Role
from apps.workspaces.permissions import WorkspaceScopedView

TAGS = ["webhooks"]
ENDPOINT_EXAMPLE: dict[str, Any] = {
    "id": "5a0c7b1e-3d2f-4e6a-9b8c-7d6e5f4a3b2c",
    "url": "https://hooks.example.com/asyncapi",
    "description": "Search indexer",
    "events": ["document.created", "document.updated"],
    "is_active": True,
    "consecutive_failures": 0,
    "disabled_at": None,
    "disabled_reason": "",
    "created_at": "2026-01-01T12:00:00Z",
    "updated_at": "2026-01-01T12:00:00Z",
}
DELIVERY_EXAMPLE: dict[str, Any] = {
    "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
    "event_id": "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",
    "event": "document.created",
    "status": "retrying",
    "attempts": 2,
    "response_status_code": 503,
    "latency_ms": 84,
    "error": "HTTP 503",
    "next_retry_at": "2026-01-01T12:00:40Z",
    "endpoint_disabled": False,
    "redelivery_of": None,
    "request_id": "3f6c0d2e9b0a4c1e8f7a6b5c4d3e2f1a",
    "created_at": "2026-01-01T12:00:00Z",
    "last_attempt_at": "2026-01-01T12:00:20Z",
    "completed_at": None,
}
DELIVERY_DETAIL_EXAMPLE: dict[str, Any] = {
    **DELIVERY_EXAMPLE,
    "payload": {
        "id": "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",
        "type": "document.created",
        "created_at": "2026-01-01T12:00:00Z",
        "workspace_id": "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
        "data": {"id": "7c6b5a4f-3e2d-4c1b-9a08-f7e6d5c4b3a2", "title": "Roadmap"},
    },
    "response_excerpt": "upstream unavailable",
}
CONFLICT = OpenApiResponse(ErrorResponseSerializer, description="Not possible in this state.")


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class WorkspaceAdminView(WorkspaceScopedView):
    """Every webhook route is for the workspace's admins and owners (403 below, 404
    for non-members)."""

    minimum_roles = dict.fromkeys(
        ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"), Role.ADMIN
    )


def _example(name: str, value: dict[str, Any], code: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])


class WebhookEndpointListView(WorkspaceAdminView):
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="webhooksList",
        summary="The workspace's webhook endpoints (admins)",
        responses={200: WebhookEndpointOutput(many=True)},
        examples=[_example("An endpoint", ENDPOINT_EXAMPLE)],
        tags=TAGS,
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        endpoints = selectors.webhook_endpoint_list_for(workspace_id=workspace_id)
        return await apaginated_response(self, endpoints, WebhookEndpointOutput)

    @extend_schema(
        operation_id="webhooksCreate",
        summary="Add an endpoint; the response holds its signing secret, shown only once",
        request=WebhookEndpointCreateInput,
        responses={201: WebhookEndpointCreatedOutput},
        examples=[
            OpenApiExample(
                "Documents only",
                value={
                    "url": "https://hooks.example.com/asyncapi",
                    "events": ["document.created", "document.updated"],
                    "description": "Search indexer",
                },
                request_only=True,
            ),
            _example(
                "Created",
                {**ENDPOINT_EXAMPLE, "secret": "whsec_3q2-7wPbT0qY9cGx4mZk1sVnR8aJdLuE5hFyOiWt6Xo"},
                "201",
            ),
        ],
        tags=TAGS,
    )
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        user = _user(request)
        data = WebhookEndpointCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = await services.awebhook_endpoint_create(
            workspace_id=workspace_id, actor=user, **data.validated_data
        )
        output = WebhookEndpointCreatedOutput(endpoint).data
        return Response(output, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailView(WorkspaceAdminView):
    @extend_schema(
        operation_id="webhooksRetrieve",
        summary="One endpoint (the secret is never shown again)",
        responses={200: WebhookEndpointOutput},
        examples=[_example("An endpoint", ENDPOINT_EXAMPLE)],
        tags=TAGS,
    )
    async def get(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        return Response(WebhookEndpointOutput(endpoint).data)

    @extend_schema(
        operation_id="webhooksUpdate",
        summary="Change the URL, events or description; turn it off or back on",
        request=WebhookEndpointUpdateInput,
        responses={200: WebhookEndpointOutput},
        examples=[
            OpenApiExample("Turn it back on", value={"is_active": True}, request_only=True),
            _example("Updated", ENDPOINT_EXAMPLE),
        ],
        tags=TAGS,
    )
    async def patch(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        data = WebhookEndpointUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = await services.awebhook_endpoint_update(
            endpoint_id=endpoint.pk, **data.validated_data
        )
        return Response(WebhookEndpointOutput(endpoint).data)

    @extend_schema(
        operation_id="webhooksDelete",
        summary="Delete an endpoint and its delivery log",
        request=None,
        responses={204: None},
        tags=TAGS,
    )
    async def delete(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        await services.awebhook_endpoint_delete(endpoint_id=endpoint.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotateView(WorkspaceAdminView):
    @extend_schema(
        operation_id="webhooksRotateSecret",
        summary="Replace the signing secret; the response holds the new one, shown only once",
        request=None,
        responses={200: WebhookEndpointCreatedOutput},
        examples=[
            _example(
                "Rotated",
                {**ENDPOINT_EXAMPLE, "secret": "whsec_Jq0sV4bN7cX2mZ9kL5tR8wY1uE6hA3dF0gP4iO7nB2c"},
            )
        ],
        tags=TAGS,
    )
    async def post(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        endpoint = await services.awebhook_endpoint_rotate_secret(endpoint_id=endpoint.pk)
        return Response(WebhookEndpointCreatedOutput(endpoint).data)


class DeliveryListView(WorkspaceAdminView):
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="webhooksDeliveriesList",
        summary="The endpoint's delivery log, newest first",
        parameters=[DeliveryListQuery],
        responses={200: DeliveryOutput(many=True)},
        examples=[_example("A delivery being retried", DELIVERY_EXAMPLE)],
        tags=TAGS,
    )
    async def get(self, request: Request, workspace_id: UUID, endpoint_id: UUID) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        query = DeliveryListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        deliveries = selectors.delivery_list_for(endpoint=endpoint, **query.validated_data)
        return await apaginated_response(self, deliveries, DeliveryOutput)


class DeliveryDetailView(WorkspaceAdminView):
    @extend_schema(
        operation_id="webhooksDeliveriesRetrieve",
        summary="One delivery, with the body that was sent",
        responses={200: DeliveryDetailOutput},
        examples=[_example("A delivery being retried", DELIVERY_DETAIL_EXAMPLE)],
        tags=TAGS,
    )
    async def get(
        self, request: Request, workspace_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        delivery = await selectors.adelivery_access(endpoint=endpoint, delivery_id=delivery_id)
        return Response(DeliveryDetailOutput(delivery).data)


class DeliveryRedeliverView(WorkspaceAdminView):
    @extend_schema(
        operation_id="webhooksDeliveriesRedeliver",
        summary="Send a finished delivery's event again (a new delivery, same event id)",
        request=None,
        responses={202: DeliveryOutput, 409: CONFLICT},
        examples=[
            _example(
                "Queued again",
                {
                    **DELIVERY_EXAMPLE,
                    "status": "pending",
                    "attempts": 0,
                    "response_status_code": None,
                    "latency_ms": None,
                    "error": "",
                    "next_retry_at": None,
                    "redelivery_of": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
                    "last_attempt_at": None,
                },
                "202",
            ),
        ],
        tags=TAGS,
    )
    async def post(
        self, request: Request, workspace_id: UUID, endpoint_id: UUID, delivery_id: UUID
    ) -> Response:
        endpoint = await selectors.awebhook_endpoint_access(
            workspace_id=workspace_id, endpoint_id=endpoint_id
        )
        original = await selectors.adelivery_access(endpoint=endpoint, delivery_id=delivery_id)
        delivery = await services.adelivery_redeliver(delivery_id=original.pk)
        return Response(DeliveryOutput(delivery).data, status=status.HTTP_202_ACCEPTED)
