"""A periodic job that fails with secrets around it, for a real Celery worker
started with ``JOBS_EXTRA_MODULES`` naming this module (tests/core/test_sentry.py)."""

import json
from datetime import timedelta

from django.conf import settings

from apps.jobs.api import periodic

LEAKED_PASSWORD = "celery-job-password-c7f1"
LEAKED_TOKEN = f"{settings.TOKEN_PREFIX}{'5e' * 32}"
NAME = "test.sentry_explode"


@periodic(NAME, every=timedelta(days=365))  # sent by the test, never by a beat
def explode() -> None:
    payload = {"email": "someone@example.com", "password": LEAKED_PASSWORD}
    body = json.dumps(payload)  # the secret in text, under an innocent name
    raise RuntimeError(f"job could not call the API with {LEAKED_TOKEN} ({len(body)} bytes)")
