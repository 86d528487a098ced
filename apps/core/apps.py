from typing import override

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    @override
    def ready(self) -> None:
        from django.middleware.clickjacking import XFrameOptionsMiddleware
        from django.middleware.security import SecurityMiddleware

        from apps.core import checks, jsonfield, metrics  # noqa: F401  (system checks, schema extension)
        from apps.core.middleware import inline_acall
        from apps.core.sentry import init_sentry

        # These two middlewares' hooks only read settings and set headers;
        # Django would run each hook in a thread (a hop per hook per request).
        # They stay listed under their own names so `check --deploy` still
        # inspects them.
        for middleware in (SecurityMiddleware, XFrameOptionsMiddleware):
            middleware.__acall__ = inline_acall  # type: ignore[method-assign]
        init_sentry()  # error tracking, only when SENTRY_DSN is set
        metrics.setup()  # only when METRICS_ENABLED
