"""The outbound transport: address checks, pinning to the checked address, signing."""

import ipaddress
import time

import pytest

from apps.webhooks import signing, transport
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
    ],
)
def test_only_public_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert transport.is_public(ipaddress.ip_address(address)) is public


def test_the_request_goes_to_the_checked_address_with_the_name_as_host(
    receiver: Receiver,
) -> None:
    url = receiver.url("/pinned", host="localhost")
    with pytest.raises(transport.UnsafeDestination, match="non-public"):
        transport.resolve(url, allow_private=False)
    destination = transport.resolve(url, allow_private=True)
    assert destination.address.is_loopback
    secret = signing.new_secret()
    receiver.route("/pinned", secret=secret)
    body = b'{"hello":"world"}'
    timestamp = int(time.time())
    attempt = transport.post(
        destination,
        body=body,
        headers={
            signing.TIMESTAMP_HEADER: str(timestamp),
            signing.SIGNATURE_HEADER: signing.sign(secret=secret, timestamp=timestamp, body=body),
        },
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


def test_signatures_verify_and_any_change_breaks_them() -> None:
    secret, body, timestamp = signing.new_secret(), b'{"a":1}', int(time.time())
    signature = signing.sign(secret=secret, timestamp=timestamp, body=body)
    headers = {"Webhook-Timestamp": str(timestamp), "Webhook-Signature": signature}
    assert signing.verify(secret=secret, timestamp=timestamp, body=body, signature=signature)
    assert verify_webhook(secret, headers, body)  # docs/webhooks.md's receiver code
    assert not verify_webhook(secret, headers, b'{"a":2}')
    assert not verify_webhook(signing.new_secret(), headers, body)
    old = timestamp - 3600  # correctly signed, but replayed an hour later
    stale = {
        "Webhook-Timestamp": str(old),
        "Webhook-Signature": signing.sign(secret=secret, timestamp=old, body=body),
    }
    assert not verify_webhook(secret, stale, body)
