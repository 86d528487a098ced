"""Error tracking and metrics.

Sentry is off unless ``SENTRY_DSN`` is set (``apps.core.sentry``). Metrics
(``apps.core.metrics``) are off unless ``METRICS_ENABLED``; the scrape
endpoint ``/metrics`` then needs ``METRICS_TOKEN`` (the server refuses to start
without one). ``PROMETHEUS_MULTIPROC_DIR`` is read by prometheus-client itself
when it is imported; it is read here too so that a missing directory is a
clear error at startup (``apps.core.checks``) rather than a failure of the
first request that counts something.
"""

from apps.core.env import env_bool, env_float, env_str

SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_RELEASE = env_str("SENTRY_RELEASE")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0, minimum=0.0, maximum=1.0)

METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_MULTIPROCESS_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
