"""A local stand-in for Sentry's ingestion: ``POST /api/<project>/envelope/`` on loopback.

It speaks the envelope protocol the SDK sends (a JSON header line, then
items, each a JSON header line and a payload of ``length`` bytes or up to
the next newline; the body gzip- or brotli-compressed as
``Content-Encoding`` says), keeps every envelope with its raw bytes, and
answers 200 as Sentry does.
"""

import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, override

from apps.core.embedded import free_port


@dataclass
class Envelope:
    raw: bytes  # decompressed, exactly as sent
    headers: dict[str, Any]
    items: list[tuple[dict[str, Any], bytes]]
    auth: str  # the X-Sentry-Auth header

    def payloads(self, item_type: str) -> list[dict[str, Any]]:
        return [json.loads(body) for header, body in self.items if header["type"] == item_type]


def parse_envelope(raw: bytes, auth: str = "") -> Envelope:
    header_line, _, rest = raw.partition(b"\n")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        if "length" in item_header:
            length = item_header["length"]
            payload, rest = rest[:length], rest[length:]
            rest = rest.removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        items.append((item_header, payload))
    return Envelope(raw, json.loads(header_line), items, auth)


def _decompress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":  # the SDK's choice when brotli is installed (a dev dependency's)
        import brotli  # type: ignore[import-untyped]  # ships no type information

        return bytes(brotli.decompress(body))
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


@dataclass
class SentryStandIn:
    port: int
    envelopes: list[Envelope] = field(default_factory=list)
    project: str = "42"

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.port}/{self.project}"

    def events(self) -> list[tuple[Envelope, dict[str, Any]]]:
        return [(env, event) for env in list(self.envelopes) for event in env.payloads("event")]

    def wait_for_event(
        self, matches: Callable[[dict[str, Any]], bool], *, timeout: float = 30.0
    ) -> tuple[Envelope, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope, event in self.events():
                if matches(event):
                    return envelope, event
            time.sleep(0.05)
        raise AssertionError(f"no matching event arrived; got {len(self.envelopes)} envelopes")


@contextmanager
def sentry_stand_in() -> Iterator[SentryStandIn]:
    stand_in = SentryStandIn(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if not (self.path.startswith(f"/api/{stand_in.project}/envelope/")):
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers["Content-Length"]))
            raw = _decompress(body, self.headers.get("Content-Encoding", ""))
            stand_in.envelopes.append(parse_envelope(raw, self.headers.get("X-Sentry-Auth", "")))
            answer = b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        @override
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet

    server = ThreadingHTTPServer(("127.0.0.1", stand_in.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
