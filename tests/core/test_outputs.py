"""Every output-building function equals its DRF serializer's output, byte for byte.

The serializers document the API in the schema; the views answer with the
functions registered by ``apps.core.outputs.output_of``. For each output
serializer of every app, on real rows of every kind (``sample_data``), the
function's body rendered by ``ORJSONRenderer`` must be the bytes DRF's own
``JSONRenderer`` writes for ``Serializer(...).data``.
"""

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.accounts.models import AuthToken, User
from apps.accounts.serializers import LoginOutput, UserOutput
from apps.core.outputs import OUTPUT_BUILDERS, iso_datetime
from apps.core.renderers import ORJSONRenderer
from apps.documents.models import Document
from apps.exports.models import Export
from apps.jobs.models import Job
from apps.webhooks.models import Delivery, WebhookEndpoint
from apps.workspaces.models import Invitation, Membership
from tests.core.sample_data import build

pytestmark = pytest.mark.django_db(transaction=True)

APPS = Path(__file__).resolve().parents[2] / "apps"
Serializer = type[serializers.BaseSerializer[Any]]


def _output_serializers() -> set[Serializer]:
    found: set[Serializer] = set()
    for path in APPS.glob("*/serializers.py"):
        module = importlib.import_module(f"apps.{path.parent.name}.serializers")
        for name, value in inspect.getmembers(module, inspect.isclass):
            if (
                value.__module__ == module.__name__
                and name.endswith("Output")
                and issubclass(value, serializers.BaseSerializer)
            ):
                found.add(value)
    return found


def test_every_output_serializer_has_a_builder() -> None:
    serializers_found = _output_serializers()
    assert len(serializers_found) >= 15
    missing = sorted(s.__name__ for s in serializers_found - set(OUTPUT_BUILDERS))
    assert missing == [], f"register a builder with @output_of for {missing}"


def _request(user: User) -> Request:
    request = Request(APIRequestFactory().get("/api/v1/anything"))
    request.user = user
    return request


Pair = tuple[Any, Any]  # (built body, serializer data)


def _pairs() -> Iterator[tuple[str, Pair]]:
    """(serializer name, (the builder's body, the serializer's data)) for every row."""
    owner = User.objects.order_by("pk").first()
    assert owner is not None
    sessions = list(AuthToken.objects.filter(user=owner))
    current = sessions[0].digest

    def both(serializer: Serializer, *args: Any, context: dict[str, Any] | None = None,
             **kwargs: Any) -> tuple[str, Pair]:  # fmt: skip
        built = OUTPUT_BUILDERS[serializer](*args, **kwargs)
        return serializer.__name__, (built, serializer(args[0], context=context or {}).data)

    for user in User.objects.all():
        yield both(UserOutput, user)
    for session in sessions:
        yield both(
            _serializer("accounts", "SessionOutput"),
            session,
            context={"current_digest": current},
            current_digest=current,
        )
    session = sessions[0]
    for token, csrf_token in (("aa_" + "0" * 64, None), (None, "csrf-token-value")):
        login_body = {
            "token": token,
            "expiry": session.expiry,
            "session_id": session.public_id,
            "transport": session.transport,
            "csrf_token": csrf_token,
            "user": UserOutput(owner).data,
        }
        built = OUTPUT_BUILDERS[LoginOutput](
            token=token, session=session, csrf_token=csrf_token, user=owner
        )
        yield "LoginOutput", (built, LoginOutput(login_body).data)
    csrf = _serializer("accounts", "CsrfOutput")
    yield (
        "CsrfOutput",
        (OUTPUT_BUILDERS[csrf]("csrf-token-value"), csrf({"csrf_token": "csrf-token-value"}).data),
    )
    detail = _serializer("accounts", "DetailOutput")
    text = "Check your email ☕."
    yield "DetailOutput", (OUTPUT_BUILDERS[detail](text), detail({"detail": text}).data)
    for membership in Membership.objects.select_related("workspace", "user"):
        yield both(_serializer("workspaces", "WorkspaceOutput"), membership)
        yield both(_serializer("workspaces", "MemberOutput"), membership)
    for invitation in Invitation.objects.all():
        yield both(_serializer("workspaces", "InvitationOutput"), invitation)
    for document in Document.objects.all():
        yield both(_serializer("documents", "DocumentSummaryOutput"), document)
        yield both(_serializer("documents", "DocumentOutput"), document)
    for endpoint in WebhookEndpoint.objects.all():
        yield both(_serializer("webhooks", "WebhookEndpointOutput"), endpoint)
        yield both(_serializer("webhooks", "WebhookEndpointCreatedOutput"), endpoint)
    for delivery in Delivery.objects.all():
        yield both(_serializer("webhooks", "DeliveryOutput"), delivery)
        yield both(_serializer("webhooks", "DeliveryDetailOutput"), delivery)
        yield both(_serializer("webhooks", "WebhookEnvelopeOutput"), delivery.payload)
    request = _request(owner)
    for export in Export.objects.select_related("job"):
        yield both(
            _serializer("exports", "ExportOutput"), export, context={"request": request},
            request=request,
        )  # fmt: skip
    for job in Job.objects.all():
        yield both(_serializer("jobs", "JobOutput"), job)
        yield both(_serializer("jobs", "JobErrorOutput"), job.error or {"type": "E", "message": ""})
        for step in job.steps:
            yield both(_serializer("jobs", "JobStepOutput"), step)


def _serializer(app: str, name: str) -> Serializer:
    serializer: Serializer = getattr(importlib.import_module(f"apps.{app}.serializers"), name)
    return serializer


def _compare() -> list[str]:
    build()
    drf, ours = JSONRenderer(), ORJSONRenderer()
    covered = []
    for name, (built, data) in _pairs():
        assert built == data, name
        assert ours.render(built) == drf.render(data), name
        covered.append(name)
    return covered


async def test_every_builder_renders_what_its_serializer_renders() -> None:
    covered = await sync_to_async(_compare)()
    assert set(covered) == {serializer.__name__ for serializer in OUTPUT_BUILDERS}
    assert len(covered) > 40


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T09:00:00+00:00",
        "2026-01-01T09:00:00.123456+02:00",
        "1999-12-31T23:59:59.999999-11:30",
    ],
)
def test_iso_datetime_is_drfs_format(value: str) -> None:
    from datetime import datetime

    moment = datetime.fromisoformat(value)
    assert iso_datetime(moment) == serializers.DateTimeField().to_representation(moment)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/St_Johns"])
def test_build_all_writes_each_time_in_the_time_zone_current_when_it_started(zone: str) -> None:
    """``build_all`` looks the current time zone up once per list, with the same result."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from apps.core.outputs import build_all

    moments = [datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 7, 1, 9, 30, tzinfo=UTC)]
    with timezone.override(zone):
        built = build_all(iso_datetime, moments)
        expected = [serializers.DateTimeField().to_representation(m) for m in moments]
    assert built == expected
    assert build_all(iso_datetime, moments) == [
        serializers.DateTimeField().to_representation(m) for m in moments
    ]  # and back to the default zone once the list is built


def test_the_renderer_writes_drfs_bytes_for_awkward_values() -> None:
    import uuid
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.utils.translation import gettext_lazy

    awkward: dict[Any, Any] = {
        "text": 'line\u2028para\u2029 ☕ "quoted" \\ \n',
        "when": datetime(2026, 1, 1, 9, 0, tzinfo=UTC),
        "day": date(2026, 1, 1),
        "id": uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        "lazy": gettext_lazy("Not found."),
        "amount": Decimal("1.50"),
        "nested": [{"a": None, "b": True, "c": 1.25}, (1, 2)],
        1: "integer key",
        "big": 2**70,
    }
    assert ORJSONRenderer().render(awkward) == JSONRenderer().render(awkward)
    indented = "application/json; indent=4"
    assert ORJSONRenderer().render({"a": 1}, indented) == JSONRenderer().render({"a": 1}, indented)
