"""``manage.py db_worker``: django-tasks-db's worker, made to survive.

The stock worker (django_tasks_db 0.13) exits on the first database error
(a PostgreSQL restart takes it down), exits when the row of the task it ran
disappeared, and never reclaims a task whose worker was killed. This command
keeps its name and options (apps.jobs comes before django_tasks_db in
INSTALLED_APPS, so Django picks this one) and adds:

- a database error in the polling loop is logged and the loop starts again
  after a backoff (``JOBS_WORKER_BACKOFF_MAX`` at most), with fresh
  connections, instead of ending the process;
- a database error while recording a task's outcome is logged, not fatal
  (the lease below settles the row);
- a recovery thread runs ``jobs_recover`` and ``native_tasks_reclaim`` every
  ``JOBS_REAPER_INTERVAL`` (see apps.jobs.recovery): a task claimed by a
  worker that died goes back to the queue after ``JOBS_LEASE``, broker or not.
"""

import contextlib
import logging
import threading
import time
from typing import Any, override

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections
from django_tasks_db.management.commands import db_worker

from apps.core.metrics import process as metrics_process

logger = logging.getLogger("apps.jobs.worker")


def recover_once() -> None:
    """One recovery pass (both functions), never raising."""
    from apps.jobs.recovery import jobs_recover, native_tasks_reclaim

    try:
        recovered, reclaimed = jobs_recover(), native_tasks_reclaim()
    except DatabaseError as exc:
        logger.warning("recovery pass failed", extra={"error": repr(exc)})
    else:
        if recovered or reclaimed:
            logger.info("recovery pass", extra={"recovered": recovered, "reclaimed": reclaimed})
    finally:
        close_old_connections()


class RecoveryThread(threading.Thread):
    def __init__(self) -> None:
        super().__init__(name="db-worker-recovery", daemon=True)
        self.stopped = threading.Event()

    @override
    def run(self) -> None:
        interval = settings.JOBS_REAPER_INTERVAL.total_seconds()
        while not self.stopped.wait(interval):
            recover_once()


class SurvivingWorker(db_worker.Worker):  # django_tasks_db is untyped (Any)
    """The stock worker, restarted in-process after a database error."""

    @override
    def run(self) -> None:
        failures = 0
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks: the stock loop ended normally
            except (OperationalError, InterfaceError) as exc:
                if time.monotonic() - started > settings.JOBS_WORKER_BACKOFF_MAX.total_seconds():
                    failures = 0  # it worked for a while: start the backoff afresh
                delay = min(settings.JOBS_WORKER_BACKOFF_MAX.total_seconds(), 0.5 * 2**failures)
                failures += 1
                logger.warning(
                    "database unavailable; the worker waits and tries again",
                    extra={"error": repr(exc), "retry_in": delay},
                )
                self._forget_connections()
                time.sleep(delay)
                self.startup_delay = False

    @override
    def run_task(self, db_task_result: Any) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            # The outcome could not be recorded (database gone, or the row
            # deleted meanwhile). The Job row has the truth; the lease settles
            # the task row once the database answers again.
            logger.warning(
                "task outcome not recorded",
                extra={"task": str(db_task_result.id), "error": repr(exc)},
            )
            self._forget_connections()

    @staticmethod
    def _forget_connections() -> None:
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(DatabaseError):  # already broken: fine
                connection.close()


class Command(db_worker.Command):
    help = (
        "Run the native (django.tasks) worker: recovers from database errors, reclaims lost tasks"
    )

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        original = db_worker.Worker
        # The stock handle() builds its worker by this module-level name.
        db_worker.Worker = SurvivingWorker  # type: ignore[misc]
        recovery = RecoveryThread()
        recovery.start()
        metrics_process.start("db_worker")
        try:
            super().handle(*args, **options)
        finally:
            metrics_process.end()
            recovery.stopped.set()
            db_worker.Worker = original  # type: ignore[misc]
