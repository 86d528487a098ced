"""Model fields shared by the apps."""

from collections.abc import Sequence
from typing import Any

from django.core.checks import CheckMessage
from django.db import models


class StoredGeneratedField(models.GeneratedField):
    """A ``GeneratedField`` stored in its row (``db_persist=True``), checked offline.

    Django 6 runs model checks against every configured database, and
    ``GeneratedField``'s support check first asks whether the server has
    *virtual* generated columns (PostgreSQL 18 does), which opens a
    connection. Every management command with system checks (``spectacular``,
    ``makemigrations``) then needs a live database. Stored generated columns
    exist on every PostgreSQL we support, so there is nothing to ask.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("db_persist", True):
            raise ValueError("StoredGeneratedField is always stored (db_persist=True).")
        kwargs["db_persist"] = True
        super().__init__(*args, **kwargs)

    def _check_supported(self, databases: Sequence[str]) -> list[CheckMessage]:
        return []  # Django's private check; not in the type stubs, hence no @override
