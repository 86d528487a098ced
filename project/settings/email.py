"""Outgoing email: the backend (MAILERS, Django 6.1) and the links emails carry."""

from apps.core.env import env_bool, env_int, env_str
from project.settings.core import BASE_DIR
from project.settings.devstack import DEV_STACK

# Base of the links in emails (verification, password reset, invitations).
FRONTEND_URL = env_str("FRONTEND_URL", "http://localhost:3000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")

_mail_backend = env_str(
    "EMAIL_BACKEND",
    DEV_STACK.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"),
)
# Folder of the file backends (Django's, and apps.notifications.mailbox's .eml files).
MAIL_FILES_DIR = env_str(
    "EMAIL_FILE_PATH", DEV_STACK.get("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
)
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
elif _mail_backend.endswith(("filebased.EmailBackend", "apps.notifications.mailbox.EmailBackend")):
    _mail_options = {"file_path": MAIL_FILES_DIR}
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}

# The development mailbox page (/dev/mailbox/, apps.notifications.mailbox_views) over
# the files of apps.notifications.mailbox.EmailBackend. `uv run dev` turns it on; never
# in production (`check --deploy` fails).
DEV_MAILBOX = env_bool("DEV_MAILBOX", False)
