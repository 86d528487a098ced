from typing import override

from django.apps import AppConfig


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
