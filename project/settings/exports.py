"""Workspace exports: where archives live, how long, how they are built."""

from datetime import timedelta

from apps.core.env import env_int, env_str, env_timedelta
from project.settings.core import BASE_DIR

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
