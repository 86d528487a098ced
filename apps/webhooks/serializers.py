"""Public shapes of the webhooks API."""

from typing import Any, override

from rest_framework import serializers

from apps.core.jsonfield import JsonObjectField
from apps.webhooks import transport
from apps.webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint, WebhookEvent


def _checked_url(value: str) -> str:
    try:
        transport.parse_url(value)
    except transport.UnsafeDestination as exc:
        raise serializers.ValidationError(str(exc)) from exc
    return value


def _events_field(*, required: bool) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.choices),
        required=required,
        help_text="The events this endpoint receives.",
    )


class WebhookEndpointCreateInput(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=2000, help_text="http(s) URL on a public address.")
    events = _events_field(required=True)
    description = serializers.CharField(max_length=200, required=False, default="")

    def validate_url(self, value: str) -> str:
        return _checked_url(value)


class WebhookEndpointUpdateInput(serializers.Serializer[Any]):
    url = serializers.CharField(max_length=2000, required=False)
    events = _events_field(required=False)
    description = serializers.CharField(max_length=200, required=False)
    is_active = serializers.BooleanField(
        required=False, help_text="Turning an endpoint back on clears its failure count."
    )

    def validate_url(self, value: str) -> str:
        return _checked_url(value)


class WebhookEndpointOutput(serializers.Serializer[WebhookEndpoint]):
    id = serializers.UUIDField()
    url = serializers.CharField()
    description = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    is_active = serializers.BooleanField()
    consecutive_failures = serializers.IntegerField(
        help_text="Failed deliveries in a row; the endpoint is disabled at the configured limit."
    )
    disabled_at = serializers.DateTimeField(allow_null=True)
    disabled_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointCreatedOutput(WebhookEndpointOutput):
    secret = serializers.CharField(
        help_text="The signing secret (Standard Webhooks: `whsec_` + base64). Shown only in "
        "this response: store it now."
    )


class WebhookEnvelopeOutput(serializers.Serializer[Any]):
    id = serializers.UUIDField(help_text="The event id (the same on every endpoint).")
    type = serializers.ChoiceField(choices=WebhookEvent.choices)
    created_at = serializers.DateTimeField()
    workspace_id = serializers.UUIDField()

    @override
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "data" would shadow Serializer.data if declared as a class attribute.
        fields = super().get_fields()
        fields["data"] = JsonObjectField(help_text="What changed, e.g. the document.")
        return fields


class DeliveryOutput(serializers.Serializer[Delivery]):
    id = serializers.UUIDField(help_text="Also sent as the `webhook-id` header.")
    event_id = serializers.UUIDField()
    event = serializers.ChoiceField(choices=WebhookEvent.choices)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    response_status_code = serializers.IntegerField(
        allow_null=True, help_text="The last attempt's HTTP status; null when no response."
    )
    latency_ms = serializers.IntegerField(allow_null=True, help_text="The last attempt's.")
    error = serializers.CharField(help_text="Why the last attempt failed; empty on success.")
    next_retry_at = serializers.DateTimeField(allow_null=True)
    endpoint_disabled = serializers.BooleanField(
        help_text="This delivery's failure disabled the endpoint."
    )
    redelivery_of = serializers.UUIDField(source="redelivery_of_id", allow_null=True)
    request_id = serializers.CharField(
        help_text="X-Request-ID of the request that caused the event (or the redelivery); "
        "every log line of its delivery job carries it. Empty when no request did."
    )
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class DeliveryDetailOutput(DeliveryOutput):
    payload = WebhookEnvelopeOutput(help_text="The JSON body sent.")
    response_excerpt = serializers.CharField(
        help_text="The start (at most 256 bytes) of the last answer's body, kept only when it "
        "was a 2xx or a 4xx: empty for a redirect, a server error or a refused attempt."
    )


class DeliveryListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)
