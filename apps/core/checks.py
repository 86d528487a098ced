"""Refuse to serve with an unsafe configuration.

``assert_safe_configuration`` runs when a server process starts (the ASGI app,
the Celery worker); the same rules are a ``--deploy`` system check.
"""

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


def configuration_problems() -> list[str]:
    if settings.DEBUG:
        return []
    problems = []
    if settings.SECRET_KEY == settings.INSECURE_DEV_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        problems.append(
            "SECRET_KEY is unset or the development default; set SECRET_KEY to a random "
            "string of at least 50 characters."
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            "ALLOWED_HOSTS is empty; set ALLOWED_HOSTS to the host names this API serves "
            "(comma-separated)."
        )
    return problems


def metrics_problems() -> list[str]:
    """Metrics on without a token, or with a multiprocess directory that is not there."""
    if not settings.METRICS_ENABLED:
        return []
    problems = []
    if not settings.METRICS_TOKEN:
        problems.append(
            "METRICS_ENABLED is on without METRICS_TOKEN; set METRICS_TOKEN to a random "
            "string (the scraper sends it as Authorization: Bearer <token>)."
        )
    directory = settings.METRICS_MULTIPROCESS_DIR
    if directory and not (os.path.isdir(directory) and os.access(directory, os.W_OK)):
        problems.append(
            f"PROMETHEUS_MULTIPROC_DIR={directory} is not a writable directory; create it "
            "(empty) before starting the processes that share it."
        )
    return problems


def throttle_problems() -> list[str]:
    """A throttle rate that does not parse would answer 500 on every throttled request."""
    from apps.core.throttling import parse_rate

    problems = []
    for scope, rate in settings.THROTTLE_RATES.items():
        try:
            parse_rate(rate)
        except ValueError as exc:
            problems.append(f"the {scope} throttle rate is {exc}.")
    return problems


def assert_safe_configuration() -> None:
    metrics = metrics_problems() + throttle_problems()
    if metrics:
        raise ImproperlyConfigured("Refusing to start:\n- " + "\n- ".join(metrics))
    problems = configuration_problems()
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG off and an unsafe configuration:\n- "
            + "\n- ".join(problems)
        )


@register(Tags.security, deploy=True)
def check_safe_configuration(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return [Error(problem, id="core.E001") for problem in configuration_problems()]


@register(Tags.security)
def check_metrics_configuration(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return [Error(problem, id="core.E004") for problem in metrics_problems()]


@register()
def check_throttle_rates(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    return [Error(problem, id="core.E005") for problem in throttle_problems()]


@register(Tags.security, deploy=True)
def check_not_borrowed_from_dev(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.DEV_STACK:
        return []
    return [
        Error(
            f"The settings took {', '.join(sorted(settings.DEV_STACK))} from the `uv run dev` "
            f"running on {settings.DEV_DATA_DIR} (pid {settings.DEV_STACK_PID}), because "
            "DATABASE_URL or REDIS_URL is unset.",
            hint="Set DATABASE_URL and REDIS_URL (and the rest) explicitly in production.",
            id="core.E002",
        )
    ]


@register(Tags.security, deploy=True)
def check_dev_mailbox_off(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.DEV_MAILBOX:
        return []
    return [
        Error(
            "DEV_MAILBOX is on: /dev/mailbox/ shows every email sent, reset links included.",
            hint="Unset DEV_MAILBOX outside `uv run dev`.",
            id="core.E003",
        )
    ]


@register(Tags.security, deploy=True)
def check_benchmark_endpoints_off(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.BENCHMARK_ENDPOINTS:
        return []
    return [
        Warning(
            "BENCHMARK_ENDPOINTS is on: the load tests' comparison endpoints (an "
            "unauthenticated twin of /me, stock knox) are routed under /api/v1/bench/.",
            hint="Unset BENCHMARK_ENDPOINTS outside load test runs.",
            id="core.W001",
        )
    ]
