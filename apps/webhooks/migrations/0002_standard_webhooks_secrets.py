"""Secrets become Standard Webhooks secrets without changing their key.

A secret used to be ``whsec_<urlsafe text>`` whose UTF-8 bytes were the HMAC
key; a Standard Webhooks secret is ``whsec_<base64 of the key>``. Each stored
secret becomes ``whsec_`` + base64 of its old text: the same key, so a
receiver computes its new secret from the one it stored (docs/webhooks.md)
instead of rotating.
"""

import base64

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

PREFIX = "whsec_"


def to_standard(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    endpoint_model = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in endpoint_model.objects.only("secret"):
        endpoint.secret = PREFIX + base64.b64encode(endpoint.secret.encode()).decode()
        endpoint.save(update_fields=["secret"])


def to_legacy(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    endpoint_model = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in endpoint_model.objects.only("secret"):
        key = base64.b64decode(endpoint.secret.removeprefix(PREFIX))
        if key.startswith(PREFIX.encode()):  # converted by to_standard
            endpoint.secret = key.decode()
            endpoint.save(update_fields=["secret"])


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [migrations.RunPython(to_standard, to_legacy)]
