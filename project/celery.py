"""The Celery application: ``celery -A project worker`` / ``celery -A project beat``.

Configuration comes from Django settings (``CELERY_*``). The queues and the
beat schedule are built here from the jobs settings, so that every app can
add periodic jobs to ``JOBS_PERIODIC`` (project.settings.jobs).

Logging is Django's ``LOGGING`` (``apps.core.logging``): Celery is told not
to configure its own, and with ``LOG_FORMAT=json`` the worker's start-up
banner (plain text on stdout) becomes one JSON line.
"""

import logging
import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import celeryd_after_setup, celeryd_init, setup_logging
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
    # instance: celery.apps.worker.Worker (its stub has neither quiet nor concurrency)
    """With JSON logs, the worker's start-up banner is one JSON line instead."""
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
