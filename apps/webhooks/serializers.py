"""Public shapes of the webhooks API."""

from typing import Any, override

from rest_framework import serializers

from apps.core.jsonfield import JsonObjectField
from apps.core.outputs import iso_datetime, output_of, uuid_str
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


@output_of(WebhookEndpointOutput)
def webhook_endpoint_public(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """``WebhookEndpointOutput`` built directly (never the secret)."""
    return {
        "id": str(endpoint.id),
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "is_active": endpoint.is_active,
        "consecutive_failures": endpoint.consecutive_failures,
        "disabled_at": iso_datetime(endpoint.disabled_at),
        "disabled_reason": endpoint.disabled_reason,
        "created_at": iso_datetime(endpoint.created_at),
        "updated_at": iso_datetime(endpoint.updated_at),
    }


@output_of(WebhookEndpointCreatedOutput)
def webhook_endpoint_created_public(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """``WebhookEndpointCreatedOutput`` built directly: the endpoint and its secret."""
    return {**webhook_endpoint_public(endpoint), "secret": endpoint.secret}


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


@output_of(WebhookEnvelopeOutput)
def webhook_envelope_public(payload: dict[str, Any]) -> dict[str, Any]:
    """``WebhookEnvelopeOutput`` built directly from a stored envelope."""
    return {
        "id": str(payload["id"]),
        "type": payload["type"],
        "created_at": payload["created_at"],
        "workspace_id": str(payload["workspace_id"]),
        "data": payload["data"],
    }


@output_of(DeliveryOutput)
def delivery_public(delivery: Delivery) -> dict[str, Any]:
    """``DeliveryOutput`` built directly (no payload: list pages defer it)."""
    return {
        "id": str(delivery.id),
        "event_id": str(delivery.event_id),
        "event": delivery.event,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "response_status_code": delivery.response_status_code,
        "latency_ms": delivery.latency_ms,
        "error": delivery.error,
        "next_retry_at": iso_datetime(delivery.next_retry_at),
        "endpoint_disabled": delivery.endpoint_disabled,
        "redelivery_of": uuid_str(delivery.redelivery_of_id),
        "request_id": delivery.request_id,
        "created_at": iso_datetime(delivery.created_at),
        "last_attempt_at": iso_datetime(delivery.last_attempt_at),
        "completed_at": iso_datetime(delivery.completed_at),
    }


@output_of(DeliveryDetailOutput)
def delivery_detail_public(delivery: Delivery) -> dict[str, Any]:
    """``DeliveryDetailOutput`` built directly: with the body sent."""
    return {
        **delivery_public(delivery),
        "payload": webhook_envelope_public(delivery.payload),
        "response_excerpt": delivery.response_excerpt,
    }


class DeliveryListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, required=False)
    event = serializers.ChoiceField(choices=WebhookEvent.choices, required=False)
