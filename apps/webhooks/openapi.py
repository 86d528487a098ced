"""OpenAPI decoration of the webhooks API (``apps.webhooks.views``): one per operation."""

from typing import Any

from drf_spectacular.utils import extend_schema

from apps.core.openapi import (
    LOCATION_HEADER,
    create_parameters,
    create_responses,
    error_response,
    request_example,
    response_example,
)
from apps.webhooks.serializers import (
    DeliveryDetailOutput,
    DeliveryListQuery,
    DeliveryOutput,
    WebhookEndpointCreatedOutput,
    WebhookEndpointCreateInput,
    WebhookEndpointOutput,
    WebhookEndpointUpdateInput,
)

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
    # A 503: its body is not kept (only a 2xx's or a 4xx's, 256 bytes at most).
    "response_excerpt": "",
}
CONFLICT = error_response("Not possible in this state.")

webhooks_list = extend_schema(
    operation_id="webhooksList",
    description="Endpoints without their secrets. Members get 403; non-members 404.",
    summary="The workspace's webhook endpoints (admins)",
    responses={200: WebhookEndpointOutput(many=True)},
    examples=[response_example("An endpoint", ENDPOINT_EXAMPLE, "200")],
    tags=TAGS,
)

webhooks_create = extend_schema(
    operation_id="webhooksCreate",
    description="The URL must be public http(s) (400 otherwise). The response holds the "
    "signing secret (`whsec_...`, Standard Webhooks); store it now. `Location` is"
    " the endpoint's path. Send `Idempotency-Key` to make retries safe.",
    summary="Add an endpoint; the response holds its signing secret, shown only once",
    request=WebhookEndpointCreateInput,
    responses=create_responses({201: WebhookEndpointCreatedOutput}),
    parameters=create_parameters(),
    examples=[
        request_example(
            "Documents only",
            {
                "url": "https://hooks.example.com/asyncapi",
                "events": ["document.created", "document.updated"],
                "description": "Search indexer",
            },
        ),
        response_example(
            "Created",
            {**ENDPOINT_EXAMPLE, "secret": "whsec_myF6j7ze/01GmMijQQR+DwbwjER3dOtolyJxYh2OrUI="},
            "201",
        ),
    ],
    tags=TAGS,
)

webhooks_retrieve = extend_schema(
    operation_id="webhooksRetrieve",
    description="The endpoint, its events and whether it is active (or why it was turned off).",
    summary="One endpoint (the secret is never shown again)",
    responses={200: WebhookEndpointOutput},
    examples=[response_example("An endpoint", ENDPOINT_EXAMPLE, "200")],
    tags=TAGS,
)

webhooks_update = extend_schema(
    operation_id="webhooksUpdate",
    description="Only the fields sent change. `is_active: true` turns a disabled endpoint "
    "back on and resets its failure count.",
    summary="Change the URL, events or description; turn it off or back on",
    request=WebhookEndpointUpdateInput,
    responses={200: WebhookEndpointOutput},
    examples=[
        request_example("Turn it back on", {"is_active": True}),
        response_example("Updated", ENDPOINT_EXAMPLE, "200"),
    ],
    tags=TAGS,
)

webhooks_delete = extend_schema(
    operation_id="webhooksDelete",
    description="Pending deliveries are not sent.",
    summary="Delete an endpoint and its delivery log",
    request=None,
    responses={204: None},
    tags=TAGS,
)

webhooks_rotate_secret = extend_schema(
    operation_id="webhooksRotateSecret",
    description="Every attempt from now on, retries of earlier deliveries included, is signed"
    " with the new secret.",
    summary="Replace the signing secret; the response holds the new one, shown only once",
    request=None,
    responses={200: WebhookEndpointCreatedOutput},
    examples=[
        response_example(
            "Rotated",
            {**ENDPOINT_EXAMPLE, "secret": "whsec_xrcKDzfggKsLoRCOxHtIW7B2yLrFSfZvC2qk1wxB9gc="},
            "200",
        )
    ],
    tags=TAGS,
)

webhooks_deliveries_list = extend_schema(
    operation_id="webhooksDeliveriesList",
    description="Each delivery's status, attempts, last HTTP status, latency, error and next "
    "retry. Filter by `status` or `event`.",
    summary="The endpoint's delivery log, newest first",
    parameters=[DeliveryListQuery],
    responses={200: DeliveryOutput(many=True)},
    examples=[response_example("A delivery being retried", DELIVERY_EXAMPLE, "200")],
    tags=TAGS,
)

webhooks_deliveries_retrieve = extend_schema(
    operation_id="webhooksDeliveriesRetrieve",
    description="Everything in the log entry plus the exact body sent and the start of the "
    "last response.",
    summary="One delivery, with the body that was sent",
    responses={200: DeliveryDetailOutput},
    examples=[response_example("A delivery being retried", DELIVERY_DETAIL_EXAMPLE, "200")],
    tags=TAGS,
)

webhooks_deliveries_redeliver = extend_schema(
    operation_id="webhooksDeliveriesRedeliver",
    description="Only a finished delivery (409 while it is still being attempted, or if the "
    "endpoint is off). Answers 202 with the new delivery; `Location` is its path.",
    summary="Send a finished delivery's event again (a new delivery, same event id)",
    request=None,
    responses={202: DeliveryOutput, 409: CONFLICT},
    parameters=[LOCATION_HEADER],
    examples=[
        response_example(
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
