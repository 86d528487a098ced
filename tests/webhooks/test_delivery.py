"""Events become signed deliveries, sent by a retried Celery job to a real
receiver: none lost, none completed twice, failures logged, endpoints disabled."""

import uuid
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import AsyncClient
from django.utils import timezone

from apps.accounts.models import User
from apps.webhooks import transport
from apps.webhooks.models import Delivery, DeliveryStatus, WebhookEndpoint
from apps.webhooks.services import webhook_endpoint_create
from apps.workspaces.events import publish
from apps.workspaces.models import Workspace
from tests.domain_data import make_workspace
from tests.factories import auth_headers, login, make_user
from tests.webhooks.receiver import Receiver
from tests.workers import Worker, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FINAL = (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)


def _setup() -> tuple[User, Workspace]:
    owner = make_user()
    return owner, make_workspace(owner=owner)


def _endpoint(
    workspace: Workspace,
    owner: User,
    receiver: Receiver,
    path: str,
    events: list[str],
    **route: Any,
) -> WebhookEndpoint:
    endpoint = webhook_endpoint_create(
        workspace_id=workspace.pk, actor=owner, url=receiver.url(path), events=events
    )
    receiver.route(path, secret=endpoint.secret, **route)
    return endpoint


def _fire(workspace: Workspace, event: str, **data: Any) -> None:
    """One committed write that publishes ``event`` (as a document service does)."""
    with transaction.atomic():
        publish(workspace.pk, event, {"workspace_id": str(workspace.pk), **data})


def _wait_all_final(workers: tuple[Worker, ...], timeout: float = 60) -> None:
    wait_for(
        lambda: not Delivery.objects.exclude(status__in=FINAL).exists(),
        what="every delivery to finish",
        workers=workers,
        timeout=timeout,
    )


def test_every_event_is_delivered_signed_and_completed_exactly_once(
    celery_worker: Worker, receiver: Receiver
) -> None:
    owner, workspace = _setup()
    docs = _endpoint(
        workspace, owner, receiver, "/docs", ["document.created", "document.updated"], fail_first=2
    )
    members = _endpoint(workspace, owner, receiver, "/members", ["member.joined"])
    fired: dict[str, list[str]] = {"/docs": [], "/members": []}
    for number in range(12):
        document_id = str(uuid.uuid4())
        event = "document.created" if number % 2 else "document.updated"
        _fire(workspace, event, id=document_id, title=f"Doc {number}")
        fired["/docs"].append(document_id)
        if number % 4 == 0:
            _fire(workspace, "member.joined", user_id=number, role="member")
            fired["/members"].append(str(number))
        _fire(workspace, "document.deleted", id=document_id)  # nobody subscribed

    _wait_all_final((celery_worker,))

    deliveries = list(Delivery.objects.all())
    assert len(deliveries) == 12 + 3
    assert {d.status for d in deliveries} == {DeliveryStatus.SUCCEEDED}
    for path, endpoint, attempts in (("/docs", docs, 3), ("/members", members, 1)):
        mine = [d for d in deliveries if d.endpoint_id == endpoint.pk]
        completed = receiver.completed(path)
        # Each delivery completed exactly once, and only those.
        assert completed == {str(d.pk): 1 for d in mine}
        assert all(d.attempts == attempts for d in mine)
        assert all(d.response_status_code == 200 and d.latency_ms is not None for d in mine)
        received = [r for r in receiver.requests(path) if r.status == 200]
        data_ids = sorted(
            str(r.body["data"].get("id", r.body["data"].get("user_id"))) for r in received
        )
        assert data_ids == sorted(fired[path])
    assert all(r.signature_ok for r in receiver.requests())
    assert not any(r.event == "document.deleted" for r in receiver.requests())
    body = receiver.requests("/members")[0].body
    assert set(body) == {"id", "type", "created_at", "workspace_id", "data"}
    assert body["workspace_id"] == str(workspace.pk)


def test_a_rolled_back_write_sends_nothing(celery_worker: Worker, receiver: Receiver) -> None:
    owner, workspace = _setup()
    _endpoint(workspace, owner, receiver, "/a", ["document.created"])

    class Boom(Exception):
        pass

    def write_then_fail() -> None:
        with transaction.atomic():
            publish(workspace.pk, "document.created", {"id": "rolled-back"})
            raise Boom

    with pytest.raises(Boom):
        write_then_fail()
    assert not Delivery.objects.exists()

    _fire(workspace, "document.created", id="committed")
    _wait_all_final((celery_worker,))
    wait_for(lambda: len(receiver.requests("/a")) == 1, what="the committed event")
    assert [r.body["data"]["id"] for r in receiver.requests("/a")] == ["committed"]


async def test_the_delivery_log_shows_failures_and_the_endpoint_is_disabled(
    api: AsyncClient, celery_worker: Worker, receiver: Receiver
) -> None:
    from asgiref.sync import sync_to_async

    owner, workspace = await sync_to_async(_setup)()
    endpoint = await sync_to_async(_endpoint)(
        workspace, owner, receiver, "/down", ["document.created"], always_fail=True
    )
    limit = settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    for number in range(limit):
        await sync_to_async(_fire)(workspace, "document.created", id=f"doc-{number}")
    await sync_to_async(_wait_all_final)((celery_worker,))

    headers = auth_headers(await login(api, owner))
    base = f"/api/v1/workspaces/{workspace.pk}/webhooks/{endpoint.pk}"
    state = (await api.get(base, headers=headers)).json()
    assert state["is_active"] is False
    assert state["disabled_reason"] == f"Disabled after {limit} consecutive failed deliveries."
    log = (await api.get(f"{base}/deliveries", headers=headers)).json()["results"]
    assert len(log) == limit
    attempts = settings.WEBHOOKS_MAX_RETRIES + 1
    for entry in log:
        assert entry["status"] == "failed"
        assert entry["attempts"] == attempts
        assert entry["response_status_code"] == 503
        assert entry["error"] == "HTTP 503"
        assert entry["latency_ms"] is not None
        assert entry["next_retry_at"] is None
    assert [entry["endpoint_disabled"] for entry in log].count(True) == 1
    assert len(receiver.requests("/down")) == limit * attempts

    # A disabled endpoint gets no new deliveries, and cannot be redelivered to.
    await sync_to_async(_fire)(workspace, "document.created", id="while-disabled")
    assert await Delivery.objects.filter(endpoint=endpoint).acount() == limit
    redeliver = f"{base}/deliveries/{log[0]['id']}/redeliver"
    refused = await api.post(redeliver, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "conflict"

    # Back on, the receiver fixed: a redelivery carries the same event and succeeds.
    receiver.route("/down", secret=endpoint.secret)
    on = await api.patch(
        base, {"is_active": True}, content_type="application/json", headers=headers
    )
    assert on.json()["consecutive_failures"] == 0
    again = await api.post(redeliver, headers=headers)
    assert again.status_code == 202, again.content
    new_id = again.json()["id"]
    assert again.json()["redelivery_of"] == log[0]["id"]
    assert again.json()["event_id"] == log[0]["event_id"]
    await sync_to_async(_wait_all_final)((celery_worker,))
    detail = (await api.get(f"{base}/deliveries/{new_id}", headers=headers)).json()
    assert detail["status"] == "succeeded"
    assert detail["attempts"] == 1
    assert detail["payload"]["id"] == log[0]["event_id"]
    assert receiver.completed("/down") == {new_id: 1}


def test_retrying_deliveries_show_their_next_retry(
    celery_worker: Worker, receiver: Receiver
) -> None:
    owner, workspace = _setup()
    _endpoint(workspace, owner, receiver, "/flaky", ["document.created"], always_fail=True)
    _fire(workspace, "document.created", id="x")
    wait_for(
        lambda: (
            Delivery.objects.filter(status=DeliveryStatus.RETRYING).exists()
            or Delivery.objects.filter(status__in=FINAL).exists()
        ),
        what="a failed attempt",
        workers=(celery_worker,),
    )
    seen = Delivery.objects.get()
    if seen.status == DeliveryStatus.RETRYING:  # caught between attempts
        assert seen.next_retry_at is not None
        assert seen.last_attempt_at is not None
        assert seen.next_retry_at > seen.last_attempt_at
        assert seen.next_retry_at - seen.last_attempt_at <= settings.WEBHOOKS_BACKOFF_MAX
    _wait_all_final((celery_worker,))
    assert Delivery.objects.get().next_retry_at is None


def test_redirects_are_not_followed(celery_worker: Worker, receiver: Receiver) -> None:
    owner, workspace = _setup()
    target = _endpoint(workspace, owner, receiver, "/elsewhere", ["member.joined"])
    _endpoint(
        workspace,
        owner,
        receiver,
        "/moved",
        ["document.created"],
        redirect_to=receiver.url("/elsewhere"),
    )
    _fire(workspace, "document.created", id="r")
    _wait_all_final((celery_worker,))
    delivery = Delivery.objects.exclude(endpoint=target).get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status_code == 302
    assert "redirects are not followed" in delivery.error
    assert receiver.requests("/elsewhere") == []


def test_a_slow_receiver_times_out(celery_worker: Worker, receiver: Receiver) -> None:
    owner, workspace = _setup()
    _endpoint(
        workspace,
        owner,
        receiver,
        "/slow",
        ["document.created"],
        delay=settings.WEBHOOKS_TIMEOUT + 2,
    )
    _fire(workspace, "document.created", id="s")
    _wait_all_final((celery_worker,))
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "Timed out."
    assert delivery.response_status_code is None
    assert delivery.latency_ms is not None
    assert delivery.latency_ms >= settings.WEBHOOKS_TIMEOUT * 1000


def test_the_address_is_checked_again_when_sending(receiver: Receiver) -> None:
    """An endpoint accepted earlier (or whose name now resolves elsewhere) is refused
    at send time, with no request made."""
    from apps.webhooks.services import DeliveryFailed, delivery_attempt

    owner, workspace = _setup()
    endpoint = _endpoint(workspace, owner, receiver, "/inside", ["document.created"])
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id=uuid.uuid4(),
        event="document.created",
        payload={
            "id": "e",
            "type": "document.created",
            "created_at": "",
            "workspace_id": "",
            "data": {},
        },
    )
    settings_before = settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    try:
        with pytest.raises(DeliveryFailed, match="public addresses only"):
            delivery_attempt(delivery_id=str(delivery.pk), attempt=1, retry_in=None)
    finally:
        settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = settings_before
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    # The same refusal as at creation: nothing says what the name resolved to.
    assert delivery.error == transport.refusal_message()
    assert "127.0.0.1" not in delivery.error
    assert delivery.completed_at is not None
    assert delivery.completed_at <= timezone.now()
    assert receiver.requests() == []
