"""Seed hook: ``python -m loadtests.seed`` creates what the scenarios need and prints it as JSON.

Runs in its own process with the server's environment, once per run:

- the benchmark user (``bench@example.com``) with ``SESSIONS`` live knox
  tokens issued by the accounts service; the newest is the token every
  authenticated phase sends (our /me, stock knox, FastAPI's cached lookup,
  session listing). Earlier runs' tokens are revoked first, so the data is
  the same every run;
- ``BURST_ACCOUNTS`` login-burst accounts ``burst-<n>@example.com`` sharing
  one password, with their sessions and axes failure records cleared.
"""

import json
import os
import secrets
from typing import Any

import django

SESSIONS = 10
BURST_ACCOUNTS = 1000
BURST_EMAIL = "burst-{}@example.com"


def seed() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    django.setup()
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import AuthToken, User
    from apps.accounts.services import token_issue
    from apps.benchmark.views import BENCH_USER_EMAIL

    user, _ = User.objects.update_or_create(
        email=BENCH_USER_EMAIL,
        defaults={"full_name": "Bench User", "email_verified": True, "is_active": True},
    )
    AuthToken.objects.filter(user=user).delete()
    tokens = [
        token_issue(user=user, client_name=f"bench {n}", user_agent="loadtests", ip_address=None)
        for n in range(SESSIONS)
    ]

    burst_password = secrets.token_urlsafe(16)
    encoded = make_password(burst_password)  # hashed once: hashing is slow by design
    emails = [BURST_EMAIL.format(n) for n in range(BURST_ACCOUNTS)]
    User.objects.bulk_create(
        [User(email=email, password=encoded, email_verified=True) for email in emails],
        ignore_conflicts=True,
    )
    User.objects.filter(email__in=emails).update(password=encoded, is_active=True)
    AuthToken.objects.filter(user__email__in=emails).delete()
    AccessAttempt.objects.filter(username__in=emails).delete()
    return {
        "token": tokens[-1].token,
        "user_id": user.pk,
        "sessions": SESSIONS,
        "burst_password": burst_password,
        "burst_accounts": BURST_ACCOUNTS,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
