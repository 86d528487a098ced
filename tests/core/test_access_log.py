"""The access log's direct line is the line the logging path writes, byte for byte.

``apps.core.access_log`` writes its line itself when our JSON console handler
is the only thing the record would reach (tests/core/test_log_format.py sees
such lines from a real uvicorn). Here both paths write to one stream under
the same conditions and the lines must be the same, time aside (taken a
moment apart) and its format included; and with anything else listening
(another handler, a filter, the plain format) the record goes through logging.
"""

import io
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import override

import pytest

from apps.core import access_log
from apps.core.context import request_id_var
from apps.core.logging import console_handler

TIME = re.compile(r'^\{"time": "\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", ')


@contextmanager
def only_json_console() -> Iterator[io.StringIO]:
    """The root logger with only the JSON console handler, writing to a string.

    Entered in the test body: pytest adds its log capture handlers to the root
    logger around each test's call, after fixtures ran.
    """
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    handler = console_handler("json")
    assert isinstance(handler, logging.StreamHandler)
    output = io.StringIO()
    handler.setStream(output)
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield output
    finally:
        root.handlers[:] = saved
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[str]:
    written = stream.getvalue().splitlines()
    stream.seek(0)
    stream.truncate()
    return written


class Listener(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class _Pass(logging.Filter):
    """A filter that lets everything through: its presence alone forbids the direct line."""


@pytest.mark.parametrize(
    ("method", "path", "status", "seconds"),
    [
        ("GET", "/api/v1/auth/me", 200, 0.0123456),
        ("POST", "/api/v1/caf\u00e9/\u2603", 413, 0.5),  # escaped as the formatter does
        ("GET", "/healthz", None, 1.0),  # the client left before a response started
    ],
)
def test_the_direct_line_is_the_logging_line(
    method: str, path: str, status: int | None, seconds: float
) -> None:
    request_id_var.set("req-1")
    with only_json_console() as stream:
        assert access_log._direct_handler() is not None
        access_log.write_line(method, path, status, seconds)
        access_log.logger.addFilter(pass_filter := _Pass())  # forces the logging path
        try:
            assert access_log._direct_handler() is None
            access_log.write_line(method, path, status, seconds)
        finally:
            access_log.logger.removeFilter(pass_filter)
        direct, logged = lines(stream)
    assert TIME.match(direct), direct
    assert TIME.sub("", direct) == TIME.sub("", logged)
    assert json.loads(direct)["message"] == f"{method} {path} {status or '-'}"


def test_anything_else_listening_gets_the_record() -> None:
    listener = Listener()
    seen = listener.records
    with only_json_console() as stream:
        assert access_log._direct_handler() is not None
        access_log.logger.addHandler(listener)
        try:
            access_log.write_line("GET", "/healthz", 200, 0.001)
        finally:
            access_log.logger.removeHandler(listener)
        assert [record.getMessage() for record in seen] == ["GET /healthz 200"]
        assert len(lines(stream)) == 1  # and the console still got its line

        root = logging.getLogger()
        root.handlers.append(listener)
        assert access_log._direct_handler() is None
        root.handlers[:] = [console_handler("plain")]
        assert access_log._direct_handler() is None
        root.handlers[:] = [console_handler("json")]
        root.handlers[0].setFormatter(logging.Formatter("%(message)s"))
        assert access_log._direct_handler() is None
