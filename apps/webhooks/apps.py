from typing import override

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "apps.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    @override
    def ready(self) -> None:
        from apps.webhooks.receivers import deliveries_for_workspace_event
        from apps.workspaces.events import workspace_event

        workspace_event.connect(
            deliveries_for_workspace_event, dispatch_uid="webhooks.deliveries_for_workspace_event"
        )
