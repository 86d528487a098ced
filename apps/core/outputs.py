"""Response bodies built directly: one function per output type, no serializer per request.

A DRF serializer deep-copies its fields on every instantiation and walks
them per row; for a page of 50 documents that is most of the request's CPU.
Each app builds its bodies with plain functions instead (``document_public``,
``workspace_public``, ...) next to the serializer that documents the same
shape in the schema; ``output_of`` records which serializer each function
stands for, and ``tests/core/test_outputs.py`` checks every one equal to its
serializer's ``.data`` (and that no output serializer lacks a function).
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID

from django.utils import timezone
from rest_framework import serializers
from rest_framework.settings import api_settings

if api_settings.DATETIME_FORMAT != "iso-8601":  # iso_datetime writes only that format
    raise RuntimeError("apps.core.outputs expects REST_FRAMEWORK DATETIME_FORMAT iso-8601")

Builder = Callable[..., Any]
OUTPUT_BUILDERS: dict[type[serializers.BaseSerializer[Any]], Builder] = {}

_DATETIME = serializers.DateTimeField()
# The current time zone while a list of bodies is built (``build_all``): Django's
# ``get_current_timezone()`` reads an asgiref ``Local`` (1.7 us), twice per row.
_time_zone: ContextVar[tzinfo | None] = ContextVar("output_time_zone", default=None)


def output_of[F: Builder](serializer: type[serializers.BaseSerializer[Any]]) -> Callable[[F], F]:
    """Record that the decorated function builds what ``serializer(...).data`` holds."""

    def register(builder: F) -> F:
        OUTPUT_BUILDERS[serializer] = builder
        return builder

    return register


def iso_datetime(value: datetime | None) -> str | None:
    """``serializers.DateTimeField().to_representation(value)``: ISO 8601 in the
    current time zone, ``Z`` for UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return str(_DATETIME.to_representation(value))
    text = value.astimezone(_time_zone.get() or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def uuid_str(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def build_all[T](build: Callable[[T], Any], rows: Iterable[T]) -> list[Any]:
    """``[build(row) for row in rows]``, looking the current time zone up once."""
    token = _time_zone.set(timezone.get_current_timezone())
    try:
        return [build(row) for row in rows]
    finally:
        _time_zone.reset(token)
