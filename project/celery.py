"""The Celery application: ``celery -A project worker`` / ``celery -A project beat``.

Configuration comes from Django settings (``CELERY_*``). The queues come from
``JOBS_QUEUES``; the beat schedule comes from the jobs registry (every
``periodic(name, every=...)`` declaration), set once Django is set up.

Logging is Django's ``LOGGING`` (``apps.core.logging``): Celery is told not
to configure its own, and with ``LOG_FORMAT=json`` the worker's start-up
banner (plain text on stdout) becomes one JSON line.
"""

import logging
import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import (
    celeryd_after_setup,
    celeryd_init,
    import_modules,
    setup_logging,
    worker_init,
    worker_process_init,
    worker_process_shutdown,
    worker_shutdown,
)
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


@setup_logging.connect
def _use_django_logging(**kwargs: Any) -> None:
    """Replace Celery's logging setup (root hijack, its own formats) with ``LOGGING``.

    Connecting any receiver makes Celery skip its own setup; the worker and
    beat ``--loglevel`` are then ignored in favour of ``LOG_LEVEL``.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logging.captureWarnings(True)  # warnings as log lines (Django's own setup does the same)


@celeryd_init.connect
def _log_from_the_start(**kwargs: Any) -> None:
    """The worker warns (running as root, ...) before it sets logging up: set it up first."""
    _use_django_logging()


@celeryd_after_setup.connect
def _log_worker_banner(sender: str, instance: Any, **kwargs: Any) -> None:
    """With JSON logs, the worker's start-up banner is one JSON line instead."""
    # instance: celery.apps.worker.Worker (its stub has neither quiet nor concurrency)
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    instance.quiet = True  # the banner is printed right after this signal
    logging.getLogger("celery.worker").info(
        "celery worker starting",
        extra={
            "hostname": sender,
            "concurrency": instance.concurrency,
            "queues": sorted(instance.app.amqp.queues.consume_from),
        },
    )


@worker_init.connect
@worker_process_init.connect
def _metrics_start(**kwargs: Any) -> None:
    """Metrics (when on): the worker and each pool process publish their pool usage."""
    from apps.core.metrics import process

    process.start("celery")


@worker_process_shutdown.connect
@worker_shutdown.connect
def _metrics_end(**kwargs: Any) -> None:
    from apps.core.metrics import process

    process.end()
