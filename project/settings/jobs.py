"""Jobs: the dispatcher's queues, the outbox relay, retention, Celery and django.tasks."""

from datetime import timedelta

from apps.core.env import env_int, env_list, env_str, env_timedelta
from project.settings.core import TIME_ZONE

# Named queues. Every declared job names one; workers consume them all unless
# started with -Q (Celery) or --queue-name (db_worker) to split them out.
JOBS_QUEUES = env_list("JOBS_QUEUES", ["default", "long"])
# Prefix of every Celery queue name, so environments can share one broker.
JOBS_QUEUE_PREFIX = env_str("JOBS_QUEUE_PREFIX", "")
# Extra modules that declare jobs (besides every app's jobs.py).
JOBS_EXTRA_MODULES = env_list("JOBS_EXTRA_MODULES")
# A queued Celery job that never reached the broker is re-sent after this.
JOBS_RELAY_AFTER = env_timedelta("JOBS_RELAY_AFTER", timedelta(minutes=1))
# A queued Celery job sent this long ago that no worker started is sent again
# when its broker queue is empty (the broker lost the message).
JOBS_RELAY_RESEND_AFTER = env_timedelta("JOBS_RELAY_RESEND_AFTER", timedelta(minutes=5))
JOBS_RELAY_INTERVAL = env_timedelta("JOBS_RELAY_INTERVAL", timedelta(minutes=1))
JOBS_RELAY_BATCH = env_int("JOBS_RELAY_BATCH", 500)
# Finished jobs and native task results are deleted after this.
JOBS_RETENTION = env_timedelta("JOBS_RETENTION", timedelta(days=14))
JOBS_PRUNE_INTERVAL = env_timedelta("JOBS_PRUNE_INTERVAL", timedelta(hours=1))
# Seconds a publish may wait on the broker (connect, and each read or write)
# before leaving the job to the relay.
JOBS_PUBLISH_TIMEOUT = env_int("JOBS_PUBLISH_TIMEOUT", 2)
# A running job writes a heartbeat this often; one whose heartbeat is older
# than JOBS_LEASE while no worker holds its lock was lost with its worker and
# is put back in its queue (at most JOBS_MAX_RECOVERIES times, then failed).
# The reaper looks every JOBS_REAPER_INTERVAL (Celery beat and each db_worker).
JOBS_HEARTBEAT_INTERVAL = env_timedelta("JOBS_HEARTBEAT_INTERVAL", timedelta(seconds=10))
JOBS_LEASE = env_timedelta("JOBS_LEASE", timedelta(seconds=60))
JOBS_REAPER_INTERVAL = env_timedelta("JOBS_REAPER_INTERVAL", timedelta(seconds=30))
JOBS_MAX_RECOVERIES = env_int("JOBS_MAX_RECOVERIES", 3)
# The longest a db_worker waits between tries while the database is down.
JOBS_WORKER_BACKOFF_MAX = env_timedelta("JOBS_WORKER_BACKOFF_MAX", timedelta(seconds=10))

# Native jobs: django.tasks with the database backend (django-tasks-db);
# `manage.py db_worker --queue-name "*"` runs them.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": JOBS_QUEUES,
    }
}

# Celery jobs. JSON only; at-least-once delivery (a message is acknowledged
# after the job ran, and put back if the worker dies); one message prefetched
# per process so a long job never holds others hostage; no result backend
# (the Job row is the truth). The broker itself is in project.settings.redis.
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = f"{JOBS_QUEUE_PREFIX}default"
CELERY_TASK_CREATE_MISSING_QUEUES = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Celery beat's schedule is built from the periodic jobs declared in the
# registry (apps.jobs.api.periodic) in project/celery.py.
