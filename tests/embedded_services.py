"""pytest plugin: real PostgreSQL and Redis for the whole test session.

When ``DATABASE_URL`` / ``REDIS_URL`` are unset, start the embedded servers
(as ``uv run dev`` does) before Django's settings are read and stop them when
the session ends. When they are set (CI, a developer's own services), use
those. Either way the tests talk to real servers.
"""

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_stoppers: list[Callable[[], None]] = []


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    if not os.environ.get("DATABASE_URL"):
        from apps.core.embedded import EmbeddedPostgres

        postgres = EmbeddedPostgres(PROJECT_ROOT / ".data" / "test-postgres")
        _stoppers.append(postgres.stop)
        os.environ["DATABASE_URL"] = postgres.url("app")
    if not os.environ.get("REDIS_URL"):
        from apps.core.embedded import EmbeddedRedis

        redis = EmbeddedRedis(PROJECT_ROOT / ".data" / "test-redis", persist=False)
        _stoppers.append(redis.stop)
        os.environ["REDIS_URL"] = redis.url()
    if not os.environ.get("CELERY_BROKER_URL"):
        # The broker gets a Redis database of its own: tests empty the cache
        # database, which must not drop the queues of running workers.
        os.environ["CELERY_BROKER_URL"] = neighbour_database(os.environ["REDIS_URL"])
    # Fast, local settings for the webhook and export jobs, the same in this
    # process and in the workers it starts (they inherit the environment):
    # short backoffs, few attempts, deliveries to the loopback test receiver.
    for name, value in {
        "WEBHOOKS_MAX_RETRIES": "2",
        "WEBHOOKS_BACKOFF_BASE": "0.05",
        "WEBHOOKS_BACKOFF_MAX": "0.2",
        "WEBHOOKS_TIMEOUT": "1",
        "WEBHOOKS_DISABLE_AFTER_FAILURES": "3",
        "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true",
        "EXPORTS_ROOT": str(PROJECT_ROOT / ".data" / "test-exports"),
        "EXPORTS_QUEUE": "default",
    }.items():
        os.environ.setdefault(name, value)
    # Production-like: DEBUG off, so error bodies and startup checks are the real ones.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")


def neighbour_database(redis_url: str) -> str:
    """The same Redis server, the next database number."""
    parts = urlsplit(redis_url)
    current = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(current + 1) % 16}"))


def pytest_unconfigure(config: pytest.Config) -> None:
    while _stoppers:
        _stoppers.pop()()
