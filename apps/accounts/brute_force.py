"""django-axes integration for the JSON login."""

from typing import Any

from django.http import HttpRequest

from apps.accounts.models import normalize_email


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The login name axes counts failures for: the normalised email.

    Axes calls this with ``credentials=None`` for request-only lookups, and with
    ``{"username": ...}`` after a successful login.
    """
    if not credentials:
        return None
    value = credentials.get("email") or credentials.get("username")
    return normalize_email(str(value)) if value else None
