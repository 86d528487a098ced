"""Errors that explain themselves with DEBUG on, and stay generic with it off."""

from pathlib import Path

import httpx
import psutil
import pytest
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from apps.core.devserver import dev_environment, machine_hosts
from apps.webhooks.models import WebhookEndpoint
from project.asgi import app
from tests.domain_data import amake_workspace
from tests.factories import amake_user, auth_headers, login

LOOPBACK_RECEIVER = "http://127.0.0.1:9/hook"


async def _create_endpoint(api: AsyncClient, url: str) -> dict[str, object]:
    owner = await amake_user()
    workspace = await amake_workspace(owner=owner)
    response = await api.post(
        f"/api/v1/workspaces/{workspace.pk}/webhooks",
        {"url": url, "events": ["document.created"]},
        content_type="application/json",
        headers=auth_headers(await login(api, owner)),
    )
    assert response.status_code == 400, response.content
    assert not await WebhookEndpoint.objects.aexists()
    error: dict[str, object] = response.json()["errors"][0]
    assert error["attr"] == "url"
    return error


@pytest.mark.django_db(transaction=True)
async def test_a_refused_local_receiver_names_the_setting_with_debug_on(
    api: AsyncClient, settings: Settings
) -> None:
    settings.DEBUG = True
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    error = await _create_endpoint(api, LOOPBACK_RECEIVER)
    assert "WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true" in str(error["detail"])


@pytest.mark.django_db(transaction=True)
async def test_other_refusals_get_no_hint_even_with_debug_on(
    api: AsyncClient, settings: Settings
) -> None:
    settings.DEBUG = True
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    error = await _create_endpoint(api, "http://does-not-exist.invalid/hook")
    assert "WEBHOOKS_ALLOW_PRIVATE_NETWORKS" not in str(error["detail"])


@pytest.mark.django_db(transaction=True)
async def test_a_refused_local_receiver_names_no_setting_with_debug_off(
    api: AsyncClient, settings: Settings
) -> None:
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    error = await _create_endpoint(api, LOOPBACK_RECEIVER)
    assert "WEBHOOKS_ALLOW_PRIVATE_NETWORKS" not in str(error["detail"])


def phone() -> httpx.AsyncClient:
    """A client whose Host is the name a phone on the LAN would use (through the ASGI app)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://phone-test.local:8000"
    )


async def test_a_bad_host_says_which_allowed_hosts_would_accept_it_with_debug_on(
    settings: Settings,
) -> None:
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    async with phone() as client:
        response = await client.get("/healthz")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["type"] == "client_error"
    assert body["request_id"] == response.headers["X-Request-ID"]
    [error] = body["errors"]
    assert error["code"] == "bad_request"
    assert "ALLOWED_HOSTS=localhost,127.0.0.1,phone-test.local would accept it" in error["detail"]


async def test_a_bad_host_stays_generic_with_debug_off(settings: Settings) -> None:
    settings.DEBUG = False
    async with phone() as client:
        response = await client.get("/healthz")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "bad_request", "detail": "Bad request.", "attr": None}
    ]


def test_dev_on_every_interface_allows_the_machines_addresses(tmp_path: Path) -> None:
    local = dev_environment({}, tmp_path, host="127.0.0.1")
    assert local["ALLOWED_HOSTS"] == "localhost,127.0.0.1,[::1]"

    everywhere = dev_environment({}, tmp_path, host="0.0.0.0")  # noqa: S104
    allowed = everywhere["ALLOWED_HOSTS"].split(",")
    assert allowed[:3] == ["localhost", "127.0.0.1", "[::1]"]
    assert set(machine_hosts()) <= set(allowed)
    lan_ipv4 = [
        address.address
        for addresses in psutil.net_if_addrs().values()
        for address in addresses
        if address.family.name == "AF_INET" and not address.address.startswith("127.")
    ]
    assert set(lan_ipv4) <= set(allowed)
    # An ALLOWED_HOSTS the developer set is kept, and extended.
    mine = dev_environment({"ALLOWED_HOSTS": "api.test"}, tmp_path, host="0.0.0.0")  # noqa: S104
    assert mine["ALLOWED_HOSTS"].split(",")[0] == "api.test"
