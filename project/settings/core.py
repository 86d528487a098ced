"""Django itself: apps, middleware, templates, auth model, i18n, static files."""

from pathlib import Path

import django_stubs_ext

from apps.core.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_path_prefix,
    env_str,
)
from project.settings.devstack import DEV_STACK

# Lets generic Django classes be subscripted at runtime (ModelAdmin[User], ...).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSECURE_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-deploy"  # noqa: S105

DEBUG = env_bool("DEBUG", False)
# A running `uv run dev` fills in what is unset (project.settings.devstack).
SECRET_KEY = env_str("SECRET_KEY", DEV_STACK.get("SECRET_KEY", INSECURE_DEV_SECRET_KEY))
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [host for host in DEV_STACK.get("ALLOWED_HOSTS", "").split(",") if host]
)

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
    # Before django_tasks_db: its db_worker command is replaced by ours
    # (apps/jobs/management/commands/db_worker.py); the first app wins.
    "apps.jobs",
    "django_tasks_db",
    "apps.notifications",
    "django.contrib.postgres",
    "apps.workspaces",
    "apps.documents",
    "apps.webhooks",
    "apps.exports",
]

# Every entry is async-capable and makes no thread hop on an API request:
# the request-id and CORS middleware are native async, SecurityMiddleware is
# made hop-free in CoreConfig.ready(), the CSP middleware (Django's, with a
# policy for HTML pages) runs its hooks inline, and the session/auth/messages
# stack only runs for the admin (see apps.core.middleware).
MIDDLEWARE = [
    "apps.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "apps.core.middleware.AdminSessionMiddleware",
    "apps.core.middleware.AdminAuthenticationMiddleware",
    "apps.core.middleware.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.app"
WSGI_APPLICATION = None
# Where the Django admin lives ("backoffice/", ...); empty turns it off (no
# route, and the admin-only session middleware never runs).
ADMIN_URL = env_path_prefix("ADMIN_URL", "admin/")
if ADMIN_URL.split("/")[0] in {"api", "static", "healthz", "readyz"}:
    raise ConfigurationError(f"ADMIN_URL must not shadow the API's own paths, got {ADMIN_URL!r}")
ADMIN_URL_PREFIX = f"/{ADMIN_URL}" if ADMIN_URL else ""

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
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

# knox's own migrations create its stock token table even when the model is
# swapped for ours; without migrations the swapped model gets no table.
MIGRATION_MODULES = {"knox": None}

# Benchmark-only twins of hot endpoints (apps.benchmark), routed under
# /api/v1/bench/ only when this is on. Only the load test runner turns it on;
# never set it in production.
BENCHMARK_ENDPOINTS = env_bool("BENCHMARK_ENDPOINTS", False)
