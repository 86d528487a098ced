from django.urls import path

from apps.webhooks import views

prefix = "workspaces/<uuid:workspace_id>/webhooks"
urlpatterns = [
    path(prefix, views.WebhookEndpointListView.as_view(), name="webhooks-list"),
    path(
        f"{prefix}/<uuid:endpoint_id>",
        views.WebhookEndpointDetailView.as_view(),
        name="webhooks-detail",
    ),
    path(
        f"{prefix}/<uuid:endpoint_id>/deliveries",
        views.DeliveryListView.as_view(),
        name="webhooks-deliveries",
    ),
    path(
        f"{prefix}/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>",
        views.DeliveryDetailView.as_view(),
        name="webhooks-delivery-detail",
    ),
    path(
        f"{prefix}/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver",
        views.DeliveryRedeliverView.as_view(),
        name="webhooks-delivery-redeliver",
    ),
]
