"""Wiring across apps: workspace events become webhook deliveries."""

from typing import Any

from apps.webhooks.services import webhook_event_fan_out


def deliveries_for_workspace_event(
    sender: Any, *, workspace_id: Any, event: str, payload: dict[str, Any], **kwargs: Any
) -> None:
    """Receiver of ``workspace_event`` (sent inside the write's transaction)."""
    webhook_event_fan_out(workspace_id=workspace_id, event=event, payload=payload)
