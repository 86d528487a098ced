"""Webhook endpoints through the API: admins only, secret shown once, SSRF guard."""

from typing import Any

import pytest
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from apps.webhooks.models import WebhookEndpoint
from apps.workspaces.models import Role, Workspace
from tests.domain_data import aadd_member, amake_workspace
from tests.factories import amake_user, auth_headers, login
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = ["document.created", "document.updated"]


async def _admin_session(api: AsyncClient) -> tuple[Workspace, dict[str, str]]:
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    return workspace, auth_headers(await login(api, owner))


def _path(workspace: Workspace, rest: str = "") -> str:
    return f"/api/v1/workspaces/{workspace.pk}/webhooks{rest}"


async def _create(
    api: AsyncClient, workspace: Workspace, headers: dict[str, str], **body: Any
) -> Any:
    return await api.post(_path(workspace), body, content_type="application/json", headers=headers)


async def test_admin_creates_an_endpoint_and_sees_the_secret_only_once(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, headers = await _admin_session(api)
    created = await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == EVENTS
    assert body["is_active"] is True

    again = await api.get(_path(workspace, f"/{body['id']}"), headers=headers)
    assert again.status_code == 200
    assert "secret" not in again.json()
    listed = await api.get(_path(workspace), headers=headers)
    assert [item["id"] for item in listed.json()["results"]] == [body["id"]]
    assert "secret" not in listed.json()["results"][0]
    stored = await WebhookEndpoint.objects.aget(pk=body["id"])
    assert stored.secret == body["secret"]


async def test_members_below_admin_get_403_and_outsiders_404(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, _ = await _admin_session(api)
    member, outsider = await amake_user(), await amake_user()
    await aadd_member(workspace, member, Role.MEMBER)
    member_headers = auth_headers(await login(api, member))
    outsider_headers = auth_headers(await login(api, outsider))

    for headers, expected in ((member_headers, 403), (outsider_headers, 404)):
        listed = await api.get(_path(workspace), headers=headers)
        created = await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)
        assert (listed.status_code, created.status_code) == (expected, expected)
        assert created.json()["errors"][0]["code"] in {"permission_denied", "not_found"}
    assert not await WebhookEndpoint.objects.aexists()


async def test_an_admin_member_may_manage_endpoints(api: AsyncClient, receiver: Receiver) -> None:
    workspace, _ = await _admin_session(api)
    admin = await amake_user()
    await aadd_member(workspace, admin, Role.ADMIN)
    headers = auth_headers(await login(api, admin))
    created = await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)
    assert created.status_code == 201


REFUSED = "This URL cannot receive webhooks: its host must resolve to public addresses only."


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        # Where the host points (or that it points nowhere): one answer, no address.
        ("http://127.0.0.1:9/hook", REFUSED),
        ("http://localhost:9/hook", REFUSED),
        ("http://10.1.2.3/hook", REFUSED),
        ("http://169.254.169.254/latest/meta-data", REFUSED),
        ("http://[::1]:9/hook", REFUSED),
        ("http://[::ffff:127.0.0.1]/hook", REFUSED),
        ("http://0.0.0.0/hook", REFUSED),
        ("http://[2002:7f00:1::1]/hook", REFUSED),  # 6to4 of 127.0.0.1
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", REFUSED),  # Teredo
        ("http://[fec0::1]/hook", REFUSED),  # site-local
        ("http://[64:ff9b::a01:203]/hook", REFUSED),  # NAT64 of 10.1.2.3
        ("http://does-not-exist.invalid/hook", REFUSED),
        # What the URL itself says: its own message.
        ("ftp://example.com/hook", "The URL must start with http:// or https://."),
        (
            "https://user:pass@example.com/hook",
            "Credentials in the URL are not supported; verify the signature.",
        ),
        ("not a url", "The URL must start with http:// or https://."),
    ],
)
async def test_urls_on_private_networks_are_refused_without_saying_where_they_point(
    api: AsyncClient, settings: Settings, url: str, detail: str
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    workspace, headers = await _admin_session(api)
    response = await _create(api, workspace, headers, url=url, events=EVENTS)
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["attr"] == "url"
    assert error["detail"] == detail
    assert not await WebhookEndpoint.objects.aexists()


async def test_invalid_input_is_a_400_in_the_standard_shape(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, headers = await _admin_session(api)
    for body, attr in (
        ({"url": receiver.url("/a"), "events": []}, "events"),
        ({"url": receiver.url("/a"), "events": ["document.exploded"]}, "events.0"),
        ({"events": EVENTS}, "url"),
    ):
        response = await _create(api, workspace, headers, **body)
        assert response.status_code == 400
        assert response.json()["type"] == "validation_error"
        assert response.json()["errors"][0]["attr"] == attr


async def test_update_turns_an_endpoint_off_and_back_on_clearing_failures(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, headers = await _admin_session(api)
    created = (await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)).json()
    detail = _path(workspace, f"/{created['id']}")

    off = await api.patch(
        detail, {"is_active": False}, content_type="application/json", headers=headers
    )
    assert off.status_code == 200
    assert off.json()["is_active"] is False
    assert off.json()["disabled_reason"] == "Disabled by an admin."
    await WebhookEndpoint.objects.filter(pk=created["id"]).aupdate(consecutive_failures=3)

    on = await api.patch(
        detail,
        {"is_active": True, "events": ["member.joined"]},
        content_type="application/json",
        headers=headers,
    )
    assert on.status_code == 200
    assert on.json()["is_active"] is True
    assert on.json()["consecutive_failures"] == 0
    assert on.json()["disabled_at"] is None
    assert on.json()["events"] == ["member.joined"]


async def test_delete_removes_the_endpoint(api: AsyncClient, receiver: Receiver) -> None:
    workspace, headers = await _admin_session(api)
    created = (await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)).json()
    detail = _path(workspace, f"/{created['id']}")
    assert (await api.delete(detail, headers=headers)).status_code == 204
    assert (await api.get(detail, headers=headers)).status_code == 404


async def test_an_endpoint_is_invisible_from_another_workspace(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, headers = await _admin_session(api)
    created = (await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)).json()
    owner = await amake_user()
    other = await amake_workspace(owner=owner)
    other_headers = auth_headers(await login(api, owner))
    for path in (f"/{created['id']}", f"/{created['id']}/deliveries"):
        assert (await api.get(_path(other, path), headers=other_headers)).status_code == 404


async def test_rotating_the_secret_shows_the_new_one_once(
    api: AsyncClient, receiver: Receiver
) -> None:
    workspace, headers = await _admin_session(api)
    created = (await _create(api, workspace, headers, url=receiver.url("/a"), events=EVENTS)).json()
    rotated = await api.post(_path(workspace, f"/{created['id']}/rotate-secret"), headers=headers)
    assert rotated.status_code == 200
    secret = rotated.json()["secret"]
    assert secret.startswith("whsec_")
    assert secret != created["secret"]
    assert (await WebhookEndpoint.objects.aget(pk=created["id"])).secret == secret
    assert (
        "secret"
        not in (await api.get(_path(workspace, f"/{created['id']}"), headers=headers)).json()
    )
