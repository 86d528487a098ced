from django.contrib import admin

from apps.webhooks.models import Delivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ("url", "workspace", "is_active", "consecutive_failures", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url",)
    exclude = ("secret",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("event", "endpoint", "status", "attempts", "response_status_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = [field.name for field in Delivery._meta.fields]
