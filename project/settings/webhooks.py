"""Outbound webhooks: timeouts, retries, the SSRF guard."""

from datetime import timedelta

from apps.core.env import env_bool, env_int, env_str, env_timedelta

# Seconds an attempt may take per network operation (connect, send, read).
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)
# Retries after the first attempt, with exponential backoff: base, doubled per
# attempt, capped (keep the cap under CELERY_VISIBILITY_TIMEOUT on Redis).
WEBHOOKS_MAX_RETRIES = env_int("WEBHOOKS_MAX_RETRIES", 8)
WEBHOOKS_BACKOFF_BASE = env_timedelta("WEBHOOKS_BACKOFF_BASE", timedelta(seconds=10))
WEBHOOKS_BACKOFF_MAX = env_timedelta("WEBHOOKS_BACKOFF_MAX", timedelta(minutes=10))
# An endpoint is disabled after this many deliveries in a row failed every attempt.
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 5)
# SSRF guard: only public addresses unless this is on (local development, tests).
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOKS_QUEUE = env_str("WEBHOOKS_QUEUE", "default")
