"""A real HTTP receiver for webhooks: ``http.server`` on loopback, in a thread.

It verifies every request with the Standard Webhooks reference library (the
``standardwebhooks`` package from PyPI), as docs/webhooks.md tells receivers to,
answers what each route is told to (succeed, fail the first N attempts of each
delivery, always fail, redirect, answer too slowly), and records everything,
so tests can count what arrived and what completed.
"""

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, override

from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def verify_webhook(secret: str, headers: Any, body: bytes) -> bool:
    """docs/webhooks.md's verification: the reference library, with the secret as given."""
    try:
        Webhook(secret).verify(body, dict(headers.items()))
    except WebhookVerificationError:
        return False
    return True


@dataclass
class Route:
    secret: str = ""
    fail_first: int = 0  # fail the first N attempts of every delivery (503)
    always_fail: bool = False
    redirect_to: str | None = None
    delay: float = 0.0  # answer after this long (beyond the sender's timeout)


@dataclass(frozen=True)
class Received:
    path: str
    delivery_id: str
    event: str
    body: dict[str, Any]
    host: str
    signature_ok: bool
    status: int


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    routes: dict[str, Route] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def route(self, path: str, **behaviour: Any) -> Route:
        with self.lock:
            self.routes[path] = Route(**behaviour)
            return self.routes[path]

    def requests(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.received if path is None or r.path == path]

    def completed(self, path: str) -> Counter[str]:
        """How many times each delivery id was answered 2xx on ``path``."""
        return Counter(r.delivery_id for r in self.requests(path) if 200 <= r.status < 300)

    def _attempts_so_far(self, path: str, delivery_id: str) -> int:
        return sum(1 for r in self.received if r.path == path and r.delivery_id == delivery_id)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    @override
    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_POST(self) -> None:
        receiver = self.server.receiver
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        path = self.path
        delivery_id = self.headers.get("webhook-id", "")
        with receiver.lock:
            route = receiver.routes.get(path, Route())
            previous = receiver._attempts_so_far(path, delivery_id)
        signature_ok = bool(route.secret) and verify_webhook(route.secret, self.headers, body)
        location = None
        if not signature_ok:
            status = 400
        elif route.redirect_to is not None:
            status, location = 302, route.redirect_to
        elif route.always_fail or previous < route.fail_first:
            status = 503
        else:
            status = 200
        if route.delay:
            receiver.released.wait(route.delay)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        with receiver.lock:
            receiver.received.append(
                Received(
                    path,
                    delivery_id,
                    self.headers.get("webhook-event", ""),
                    parsed,
                    self.headers.get("Host", ""),
                    signature_ok,
                    status,
                )
            )
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        reply = b"ok" if status == 200 else b"upstream unavailable"
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    server = _Server(("127.0.0.1", 0), _Handler)
    receiver = Receiver(server)
    server.receiver = receiver
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.released.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
