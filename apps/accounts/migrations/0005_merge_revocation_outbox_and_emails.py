# Two branches each added migrations after 0002: the revocation outbox (0003)
# and the token transport + email normalisation (0003, 0004). Independent
# of each other; this joins them so there is one leaf again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_token_revocation_outbox"),
        ("accounts", "0004_normalize_emails"),
    ]

    operations = []
