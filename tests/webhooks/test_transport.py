"""The outbound transport: address checks, pinning to the checked address, signing."""

import base64
import ipaddress
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, override

import pytest
from standardwebhooks import Webhook

from apps.webhooks import signing, transport
from tests.live import PROJECT_ROOT
from tests.webhooks.receiver import Receiver, verify_webhook


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104  (an address checked, not bound)
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:10.0.0.1", False),
        ("ff02::1", False),
        ("2002:7f00:1::1", False),  # 6to4 (here of 127.0.0.1)
        ("2002:5db8:d822::1", False),  # 6to4 of a public address: still a relay away
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
        ("fec0::1", False),  # site-local
        ("64:ff9b::7f00:1", False),  # NAT64
        ("2001:4860:4860::8888", True),
    ],
)
def test_only_public_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert transport.is_public(ipaddress.ip_address(address)) is public


def test_the_request_goes_to_the_checked_address_with_the_name_as_host(
    receiver: Receiver,
) -> None:
    url = receiver.url("/pinned", host="localhost")
    with pytest.raises(transport.UnsafeDestination, match="public addresses only") as refused:
        transport.resolve(url, allow_private=False)
    assert "127.0.0.1" in refused.value.reason  # for the logs, not the caller
    destination = transport.resolve(url, allow_private=True)
    assert destination.address.is_loopback
    secret = signing.new_secret()
    receiver.route("/pinned", secret=secret)
    body = b'{"hello":"world"}'
    timestamp = int(time.time())
    attempt = transport.post(
        destination,
        body=body,
        headers=signing.signed_headers(
            secret=secret, message_id="msg_1", timestamp=timestamp, body=body
        ),
        timeout=5,
    )
    assert attempt.succeeded
    assert attempt.response_excerpt == "ok"
    (received,) = receiver.requests("/pinned")
    assert received.host == f"localhost:{receiver.port}"
    assert received.signature_ok


def test_an_unreachable_address_is_a_failed_attempt_not_an_exception() -> None:
    from apps.core.embedded import free_port

    destination = transport.resolve(f"http://127.0.0.1:{free_port()}/", allow_private=True)
    attempt = transport.post(destination, body=b"{}", headers={}, timeout=2)
    assert not attempt.succeeded
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectError")


def _signed(
    secret: str, body: bytes, *, message_id: str = "msg_2Lq", at: int = 0
) -> dict[str, str]:
    timestamp = at or int(time.time())
    return signing.signed_headers(
        secret=secret, message_id=message_id, timestamp=timestamp, body=body
    )


def test_secrets_are_standard_webhooks_secrets() -> None:
    secret = signing.new_secret()
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
    assert len(signing.secret_key(secret)) == 32
    with pytest.raises(ValueError, match="base64"):
        signing.secret_key("whsec_not*base64")


def test_the_standard_webhooks_library_signs_exactly_like_us() -> None:
    secret, body, timestamp = signing.new_secret(), '{"a":"é"}'.encode(), int(time.time())
    ours = signing.sign(secret=secret, message_id="msg_1", timestamp=timestamp, body=body)
    theirs = Webhook(secret).sign("msg_1", datetime.fromtimestamp(timestamp, UTC), body)
    assert ours == theirs
    assert ours.startswith("v1,")
    digest = base64.b64decode(ours.removeprefix("v1,"), validate=True)
    assert len(digest) == 32  # HMAC-SHA256


def test_the_library_verifies_our_signatures_and_any_change_breaks_them() -> None:
    secret, body = signing.new_secret(), b'{"a":1}'
    headers = _signed(secret, body)
    assert Webhook(secret).verify(body, headers) == {"a": 1}
    assert verify_webhook(secret, headers, body)  # docs/webhooks.md's receiver code
    assert not verify_webhook(secret, headers, b'{"a":2}')
    assert not verify_webhook(signing.new_secret(), headers, body)
    # The id is signed: the same signature under another id is refused.
    assert not verify_webhook(secret, {**headers, signing.ID_HEADER: "msg_other"}, body)
    # Correctly signed, but replayed an hour later.
    assert not verify_webhook(secret, _signed(secret, body, at=int(time.time()) - 3600), body)


def test_a_rotated_header_with_several_signatures_verifies_with_either() -> None:
    old, new, body = signing.new_secret(), signing.new_secret(), b"{}"
    timestamp = int(time.time())
    signatures = " ".join(
        signing.sign(secret=secret, message_id="msg_1", timestamp=timestamp, body=body)
        for secret in (old, new)
    )
    for secret in (old, new):
        assert signing.verify(
            secret=secret, message_id="msg_1", timestamp=timestamp, body=body, signature=signatures
        )


def _docs_python_blocks() -> dict[str, Any]:
    """Every python block of docs/webhooks.md, run in one namespace."""
    text = (PROJECT_ROOT / "docs" / "webhooks.md").read_text()
    namespace: dict[str, Any] = {}
    for block in re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL):
        exec(compile(block, "docs/webhooks.md", "exec"), namespace)  # noqa: S102  (our own docs)
    return namespace


def test_the_docs_verification_code_accepts_real_signatures_only() -> None:
    docs = _docs_python_blocks()
    secret, body = signing.new_secret(), b'{"id":"evt_1"}'
    headers = _signed(secret, body)
    for verify in (docs["verify_webhook"], docs["verify_webhook_by_hand"]):
        assert verify(secret, headers, body), verify.__name__
        assert not verify(secret, headers, body + b" "), verify.__name__
        assert not verify(secret, _signed(secret, body, at=int(time.time()) - 3600), body)


class _Answers(BaseHTTPRequestHandler):
    """Answers POST /<status> with that status and a long body naming it."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = int(self.path.strip("/"))
        body = f"body of a {status}: ".encode() + b"x" * 4000
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "http://10.0.0.1/internal")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @override
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def answers() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "kept"),
    [
        *[(status, True) for status in (200, 202, 400, 404, 410)],
        *[(status, False) for status in (301, 302, 307, 500, 502, 503)],
    ],
)
def test_only_a_short_excerpt_of_a_2xx_or_4xx_answer_is_kept(
    answers: str, status: int, kept: bool
) -> None:
    destination = transport.resolve(f"{answers}/{status}", allow_private=True)
    attempt = transport.post(destination, body=b"{}", headers={}, timeout=5)
    assert attempt.status_code == status
    if kept:
        assert attempt.response_excerpt.startswith(f"body of a {status}: ")
        assert len(attempt.response_excerpt.encode()) == transport.RESPONSE_EXCERPT_BYTES == 256
    else:
        assert attempt.response_excerpt == ""
