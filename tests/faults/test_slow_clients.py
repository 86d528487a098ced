"""Point 8 of issue #10 (uvicorn): silent and slow clients against the production options.

The API runs with the production command's options (``SERVER_OPTIONS`` in
apps/core/stack.py). A few hundred connections that never send a byte, and
a few that send their headers a byte at a time, are held open while the
mixed load runs. Promises: the other clients see no error and no slowdown
worth the name; and, measured rather than promised, how many of those
connections uvicorn itself closed (none: it has no header timeout; the
proxy in front must, see docs/operations.md and docs/reliability.md).
"""

import socket
import time
from contextlib import ExitStack, suppress

from tests.faults.inject import Window
from tests.faults.load import SteadyLoad, between, percentile
from tests.faults.measure import FaultReport, latency, record, summary
from tests.faults.stack import FaultStack

SILENT = 300
DRIBBLING = 20
HOLD = 5.0
REQUEST = b"GET /api/v1/auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def closed_by_server(sock: socket.socket) -> bool:
    """Whether the server closed this connection (EOF or reset), without blocking."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def test_silent_and_slow_clients_do_not_hold_up_the_others(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    host, port = "127.0.0.1", int(stack.base_url.rsplit(":", 1)[1])
    warmed = time.monotonic()
    mixed_load.wait_for_requests(60, after=warmed)
    before = between(mixed_load.samples, warmed)

    with ExitStack() as sockets:
        window = Window(time.monotonic())
        silent = [
            sockets.enter_context(socket.create_connection((host, port))) for _ in range(SILENT)
        ]
        dribbling = [
            sockets.enter_context(socket.create_connection((host, port))) for _ in range(DRIBBLING)
        ]
        sent = 0
        while window.seconds < HOLD:
            for sock in dribbling:  # one more byte of an endless header each round
                with suppress(OSError):
                    sock.send(REQUEST[sent : sent + 1] if sent < len(REQUEST) else b"x")
            sent += 1
            time.sleep(0.25)  # the dribble's pace: the fault itself
        window.ended = time.monotonic()
        closed_silent = sum(closed_by_server(sock) for sock in silent)
        closed_dribbling = sum(closed_by_server(sock) for sock in dribbling)

    during = between(mixed_load.samples, window.started, window.ended)
    requests, statuses = summary(during)
    record(
        FaultReport(
            fault=f"{SILENT} silent + {DRIBBLING} byte-a-time clients for {HOLD:.0f} s",
            promise="the other clients see no error; the proxy must time these out",
            requests=requests,
            statuses=statuses,
            fault_seconds=window.seconds,
            recovery_seconds=None,
            measures={
                "p95_before_s": latency(before)["p95"],
                "p95_during_s": percentile([s.seconds for s in during], 0.95),
                "silent_closed_by_uvicorn": closed_silent,
                "dribbling_closed_by_uvicorn": closed_dribbling,
            },
        )
    )
    assert during, "the load stopped while the connections were held"
    assert all(sample.ok for sample in during), statuses
