"""Store every user's email in its normalised form (NFKC, lower-case, IDNA domain).

Two accounts whose addresses normalise to the same form are not merged: the
migration stops before changing anything and lists them. Resolve each pair
(give one account another address in the admin or the shell, or delete the
one nobody uses) and migrate again. See docs/security.md.

The normalisation is a copy frozen here, as migrations must not change when
app code does (``apps.accounts.models.normalize_email`` is the live one).
"""

import contextlib
import unicodedata
from collections import defaultdict

import idna
from django.db import migrations


def normalized(email: str) -> str:
    text = unicodedata.normalize("NFKC", email).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    domain = domain.rstrip(".")
    with contextlib.suppress(idna.IDNAError, UnicodeError):  # not an IDNA name: as it is
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}".lower()


class EmailCollision(Exception):
    pass


def collisions_message(groups: dict[str, list[tuple[int, str]]]) -> str:
    lines = [
        "These accounts' emails are one address once normalised (NFKC, lower case, IDNA "
        "domain); nothing was changed. Give all but one of each group another address "
        "(or delete the unused account), then migrate again:"
    ]
    for address, accounts in sorted(groups.items()):
        listed = ", ".join(f"id {pk} <{email}>" for pk, email in accounts)
        lines.append(f"  {address}: {listed}")
    return "\n".join(lines)


def normalize_user_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        groups[normalized(email)].append((pk, email))
    shared = {address: accounts for address, accounts in groups.items() if len(accounts) > 1}
    if shared:
        raise EmailCollision(collisions_message(shared))
    for address, [(pk, email)] in groups.items():
        if email != address:
            User.objects.filter(pk=pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_authtoken_transport"),
    ]

    operations = [
        migrations.RunPython(normalize_user_emails, migrations.RunPython.noop, elidable=True),
    ]
