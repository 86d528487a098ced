"""Migration 0002: secrets from before Standard Webhooks keep their HMAC key."""

import base64
import hashlib
import hmac
import importlib

import pytest
from django.apps import apps

from apps.webhooks import signing
from apps.webhooks.models import WebhookEndpoint
from tests.domain_data import make_workspace
from tests.factories import make_user

migration = importlib.import_module("apps.webhooks.migrations.0002_standard_webhooks_secrets")
LEGACY = "whsec_3q2-7wPbT0qY9cGx4mZk1sVnR8aJdLuE5hFyOiWt6Xo"


@pytest.mark.django_db
def test_a_legacy_secret_becomes_base64_of_itself_and_back() -> None:
    owner = make_user()
    endpoint = WebhookEndpoint.objects.create(
        workspace=make_workspace(owner=owner), url="https://hooks.example/x",
        events=["document.created"], secret=LEGACY,
    )  # fmt: skip
    migration.to_standard(apps, None)  # the schema editor is unused
    endpoint.refresh_from_db()
    # A receiver derives it from what it stored: whsec_ + base64(old secret).
    assert endpoint.secret.startswith("whsec_")
    assert signing.secret_key(endpoint.secret) == LEGACY.encode()
    # ... and the HMAC key is the one the old scheme used.
    message = b"msg.1700000000.{}"
    old_digest = hmac.new(LEGACY.encode(), message, hashlib.sha256).digest()
    new = signing.sign(secret=endpoint.secret, message_id="msg", timestamp=1700000000, body=b"{}")
    assert new == "v1," + base64.b64encode(old_digest).decode()

    migration.to_legacy(apps, None)
    endpoint.refresh_from_db()
    assert endpoint.secret == LEGACY
