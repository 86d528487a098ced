"""One log format for every process: the API, Celery's worker and beat, ``db_worker``.

Each line has ``time``, ``level``, ``logger``, ``message`` and ``request_id``
(the id of the request being served, or of the request that dispatched the
job being run), then the record's extras. ``LOG_FORMAT`` chooses how a line
is written:

- ``json`` (production): one JSON object per line (python-json-logger);
- ``plain`` (development): ``time level logger [request id] message key=value``,
  the level coloured when the stream is a terminal (colorlog).

The same handler serves Django's ``LOGGING`` (``project.settings.logging``),
uvicorn's ``--log-config`` file (``project/uvicorn_logging.json``, for the
lines its supervisor writes before any app is loaded) and Celery (which is
told not to configure logging itself: ``project.celery``).
"""

import logging
import sys
from typing import Any, override

from colorlog import ColoredFormatter
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from apps.core.context import request_id_var
from apps.core.env import env_choice

LOG_FORMATS = ("json", "plain")
# The JSON handler carries its formatter under this name: the access log may
# then write its line directly in that format (apps.core.access_log).
DIRECT_JSON = "access_log_direct_formatter"
_FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}
# Extras that repeat the message: uvicorn's coloured copy of it.
_HIDDEN = ("color_message",)
# Attributes every record has, and those the formats already print.
_NOT_EXTRAS = frozenset([*RESERVED_ATTRS, *_HIDDEN, "request_id", "log_color"])


class RequestIdFilter(logging.Filter):
    """Attach the id of the request being served (or None) to every record.

    Django's request loggers also pass the request object as the ``request``
    extra, whose repr has the full path with its query string (signed links
    carry tokens there): it is written as method and path only.
    """

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        request = record.__dict__.get("request")
        if request is not None and isinstance(getattr(request, "path", None), str):
            record.request = f"{getattr(request, 'method', '')} {request.path}"
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields=_FIELDS,
        reserved_attrs=[*RESERVED_ATTRS, *_HIDDEN],
    )


class PlainFormatter(ColoredFormatter):
    """``time level logger [request id] message key=value ...`` for a developer's terminal."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__(
            "%(asctime)s %(log_color)s%(levelname)-7s%(reset)s %(name)s"
            " [%(request_id)s] %(message)s",
            datefmt="%H:%M:%S",
            stream=stream,
        )

    @override
    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        extras = [
            f"{key}={value}" for key, value in record.__dict__.items() if key not in _NOT_EXTRAS
        ]
        return f"{line} {' '.join(extras)}" if extras else line


def console_handler(log_format: str | None = None) -> logging.Handler:
    """The one handler every process logs through: stderr, in ``log_format``.

    Without an argument (uvicorn's ``--log-config`` file) it reads
    ``LOG_FORMAT`` as ``project.settings.logging`` does: uvicorn loads that
    file in each worker before the worker answers its supervisor's health
    check, too early to import the settings (seconds on a busy machine, and
    the supervisor kills a worker that stays silent for 5 s).
    """
    if log_format is None:
        log_format = env_choice("LOG_FORMAT", "json", LOG_FORMATS)
    if log_format not in LOG_FORMATS:
        raise ValueError(f"unknown log format {log_format!r}; expected one of {LOG_FORMATS}")
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    formatter = json_formatter() if log_format == "json" else PlainFormatter(stream=sys.stderr)
    handler.setFormatter(formatter)
    if log_format == "json":
        setattr(handler, DIRECT_JSON, formatter)
    return handler
