"""Store invitation emails in their normalised form (as accounts' are).

Open invitations of one workspace whose addresses are one once normalised
are not two invitations: all but the newest are revoked (the rule the API
applies when an address is invited again).
"""

import contextlib
import unicodedata
from collections import defaultdict

import idna
from django.db import migrations
from django.utils import timezone


def normalized(email: str) -> str:
    # A frozen copy of apps.accounts.models.normalize_email.
    text = unicodedata.normalize("NFKC", email).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    domain = domain.rstrip(".")
    with contextlib.suppress(idna.IDNAError, UnicodeError):  # not an IDNA name: as it is
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}".lower()


def normalize_invitation_emails(apps, schema_editor):
    Invitation = apps.get_model("workspaces", "Invitation")
    now = timezone.now()
    open_ones = defaultdict(list)
    rows = Invitation.objects.order_by("created_at", "pk").values_list(
        "pk", "workspace_id", "email", "accepted_at", "revoked_at"
    )
    for pk, workspace_id, email, accepted_at, revoked_at in rows:
        address = normalized(email)
        if accepted_at is None and revoked_at is None:
            open_ones[(workspace_id, address)].append(pk)
    for pks in open_ones.values():
        if len(pks) > 1:  # oldest first: keep the newest
            Invitation.objects.filter(pk__in=pks[:-1]).update(revoked_at=now)
    for pk, _, email, _, _ in rows:
        address = normalized(email)
        if email != address:
            Invitation.objects.filter(pk=pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [
        ("workspaces", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalize_invitation_emails, migrations.RunPython.noop, elidable=True),
    ]
