"""The project's settings with the routes of ``tests.core.sentry_urls``."""

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.core.sentry_urls"
