"""One circuit breaker for every backing service (Redis, PostgreSQL).

After a failure a breaker *opens* for ``open_seconds``: callers skip the
service (falling back, or failing fast) instead of each waiting out a timeout
of its own. When the time is up it lets calls through again; the next failure
opens it again (``tripped`` stays set until ``reset``, for services that
probe before letting calls through). State is per process and deliberately simple (one float):
reads and writes of it are atomic under the GIL, so threads and the event
loop share it safely.
"""

import logging
import math
import time

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, *, open_seconds: float) -> None:
        self.name = name
        self.open_seconds = open_seconds
        self._open_until = 0.0
        self.tripped = False  # since the last reset; the open period may be over

    def available(self) -> bool:
        """True unless a failure in the last ``open_seconds`` opened the breaker."""
        return time.monotonic() >= self._open_until

    def retry_after(self) -> int:
        """Whole seconds until the breaker lets calls through again (at least 1)."""
        return max(1, math.ceil(self._open_until - time.monotonic()))

    def trip(self, error: BaseException, *, message: str = "") -> None:
        """Open the breaker (again) for ``open_seconds`` and log why, once per opening."""
        was_closed = not self.tripped
        self.tripped = True
        self._open_until = time.monotonic() + self.open_seconds
        if was_closed:
            logger.warning(
                message or f"{self.name} unavailable",
                extra={"service": self.name, "error": repr(error)},
            )

    def reset(self) -> None:
        """Close the breaker (tests; or once a probe proved the service is back)."""
        self._open_until = 0.0
        self.tripped = False
