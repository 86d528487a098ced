from typing import override

from django.apps import AppConfig
from django.conf import settings


class JobsConfig(AppConfig):
    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Background jobs"

    @override
    def ready(self) -> None:
        # Every app's jobs.py declares its jobs at import: load them all so the
        # registry is complete in the API, the Celery worker and the db_worker.
        from apps.jobs.registry import load_job_modules

        load_job_modules()
        from apps.jobs import signals  # noqa: F401  (connects the worker-start relay)

        if settings.METRICS_ENABLED:
            from apps.core.metrics.views import at_scrape
            from apps.jobs.metrics import outbox_metrics

            at_scrape(outbox_metrics)
