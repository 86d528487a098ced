"""Redis: the cache (token cache, throttles) and, by default, the Celery broker."""

from apps.core.env import env_int, env_str
from project.settings.devstack import DEV_STACK

REDIS_URL = env_str("REDIS_URL", DEV_STACK.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "api"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", DEV_STACK.get("CELERY_BROKER_URL", REDIS_URL))
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Redis has no acknowledgements: an unacknowledged message comes back after
# the visibility timeout. It must exceed the longest job (plus its retry
# countdown), or a job still running is delivered again (the runner then
# drops the duplicate).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Sweep for abandoned messages every tenth of the timeout (at least 1 s).
    "unacked_restore_interval": max(1, CELERY_VISIBILITY_TIMEOUT // 10),
    "unacked_restore_throttle": 1,
    # Bound every socket operation of the workers' own publishes (retries,
    # chain steps) and connections: a stalled broker never hangs a worker.
    # (Dispatches use the tighter JOBS_PUBLISH_TIMEOUT, apps.jobs.backends.)
    "socket_timeout": 10,
    "socket_connect_timeout": 5,
}
