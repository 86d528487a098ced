"""Seed hook: ``python -m loadtests.seed`` creates what the scenarios need and prints it as JSON.

Runs in its own process with the server's environment. Phase 1 seeds the
benchmark user and a Redis-cached token entry for the FastAPI comparison;
phase 2 adds real users and knox tokens (cached through the accounts app) and
returns their keys here.
"""

import json
import os
import secrets
from typing import Any

import django


def seed() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    django.setup()
    from django.conf import settings
    from redis import Redis

    from apps.accounts.models import User
    from apps.benchmark.views import BENCH_USER_EMAIL
    from loadtests.fastapi_app import TOKEN_CACHE_PREFIX

    user, _ = User.objects.update_or_create(
        email=BENCH_USER_EMAIL,
        defaults={"full_name": "Bench User", "email_verified": True, "is_active": True},
    )
    token = secrets.token_hex(32)
    entry = {
        "user": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "email_verified": user.email_verified,
            "date_joined": user.date_joined.isoformat().replace("+00:00", "Z"),
        }
    }
    with Redis.from_url(settings.REDIS_URL) as redis:
        redis.set(TOKEN_CACHE_PREFIX + token, json.dumps(entry), ex=3600)
    return {"token": token, "user_id": user.pk}


if __name__ == "__main__":
    print(json.dumps(seed()))
