"""The Celery application: ``celery -A project worker`` / ``celery -A project beat``.

Configuration comes from Django settings (``CELERY_*``). The queues come from
``JOBS_QUEUES``; the beat schedule comes from the jobs registry (every
``periodic(name, every=...)`` declaration), set once Django is set up.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import import_modules
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat entries: each declared periodic job runs ``jobs.periodic`` by name."""
    from apps.jobs.registry import all_periodic

    return {
        spec.name: {
            "task": "jobs.periodic",
            "schedule": spec.every.total_seconds(),
            "args": [spec.name],
        }
        for spec in all_periodic()
    }


@app.on_after_configure.connect
def _configure_queues(sender: Celery, **kwargs: Any) -> None:
    from django.conf import settings

    prefix = settings.JOBS_QUEUE_PREFIX
    sender.conf.task_queues = [Queue(f"{prefix}{name}") for name in settings.JOBS_QUEUES]


def _configure_beat(sender: Any = None, **kwargs: Any) -> None:
    # Celery's Django fixup calls django.setup() on this signal (it connected
    # first, when the app was created), which loads every app's jobs.py; beat
    # creates its scheduler, which reads the schedule, only after it.
    app.conf.beat_schedule = beat_schedule()


import_modules.connect(_configure_beat, sender=app)
