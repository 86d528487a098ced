"""JSON logging helpers: every record carries the current request id."""

import logging
from typing import override

from apps.core.context import request_id_var


class RequestIdFilter(logging.Filter):
    """Attach the id of the request being served (or None) to every record."""

    @override
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
