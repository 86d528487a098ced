from typing import override

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    @override
    def ready(self) -> None:
        from apps.core import checks, jsonfield, metrics  # noqa: F401  (system checks, schema extension)
        from apps.core.sentry import init_sentry
        from apps.core.upstream.middleware import install_inline_acall

        # Django's security and clickjacking middleware hooks only read settings
        # and set headers: run them inline instead of a thread hop per hook.
        install_inline_acall()
        init_sentry()  # error tracking, only when SENTRY_DSN is set
        metrics.setup()  # only when METRICS_ENABLED
