"""The Celery application: ``celery -A project worker`` / ``celery -A project beat``.

Configuration comes from Django settings (``CELERY_*``). The queues and the
beat schedule are built here from the jobs settings, so that every app can
add periodic jobs to ``JOBS_PERIODIC`` (project.settings.jobs).
"""

import os
from typing import Any

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule(periodic: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Celery beat entries: each runs ``jobs.periodic`` with a function's dotted path."""
    return {
        name: {"task": "jobs.periodic", "schedule": every.total_seconds(), "args": [path]}
        for name, (path, every) in periodic.items()
    }


@app.on_after_configure.connect
def _configure_jobs(sender: Celery, **kwargs: Any) -> None:
    from django.conf import settings

    prefix = settings.JOBS_QUEUE_PREFIX
    sender.conf.task_queues = [Queue(f"{prefix}{name}") for name in settings.JOBS_QUEUES]
    sender.conf.beat_schedule = beat_schedule(settings.JOBS_PERIODIC)
