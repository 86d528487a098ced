"""Webhook endpoints and deliveries for the workspace isolation test
(see tests/workspaces/isolation_ids.py)."""

import uuid
from typing import Any

from apps.accounts.models import User
from apps.webhooks.models import Delivery, WebhookEndpoint
from apps.webhooks.signing import new_secret
from apps.workspaces.models import Workspace
from tests.workspaces.isolation_ids import victim_id


@victim_id("endpoint_id")
async def endpoint(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    created = await WebhookEndpoint.objects.acreate(
        workspace=workspace,
        url="https://hooks.example.com/secret",
        events=["document.created"],
        secret=new_secret(),
        created_by=owner,
    )
    return created.pk


@victim_id("delivery_id")
async def delivery(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    event_id = uuid.uuid4()
    created = await Delivery.objects.acreate(
        endpoint_id=ids["endpoint_id"],
        event_id=event_id,
        event="document.created",
        # A real envelope: the test of read paths renders it.
        payload={
            "id": str(event_id),
            "type": "document.created",
            "created_at": "2026-01-01T12:00:00Z",
            "workspace_id": str(workspace.pk),
            "data": {"title": "Roadmap"},
        },
        status="failed",
    )
    return created.pk
