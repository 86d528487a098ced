"""Webhook signatures exactly as the Standard Webhooks specification defines them.

Every attempt carries three headers:

- ``webhook-id``: the message id (our delivery id: the same on every retry of
  that delivery, so a receiver can de-duplicate on it);
- ``webhook-timestamp``: the attempt's time in Unix seconds (a receiver
  refuses old ones: a replayed request);
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256>`` of ``{id}.{timestamp}.{body}``
  keyed with the secret's bytes; several space-separated signatures may
  appear (a receiver accepts any one that matches).

A secret is ``whsec_`` + the base64 of 32 random bytes, so every Standard
Webhooks library (``standardwebhooks`` on PyPI and npm, Svix's) verifies a
delivery with the endpoint's secret as given (tests/webhooks checks real
deliveries with the PyPI one). ``webhook-event`` is ours, beside the standard
three.
"""

import base64
import binascii
import hashlib
import hmac
import secrets

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_HEADER = "webhook-event"
SIGNATURE_VERSION = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh endpoint secret (shown once, when the endpoint is created or rotated)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_<base64>`` secret. ValueError if it is not one."""
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("A webhook secret is 'whsec_' followed by base64.") from exc


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``."""
    message = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), message, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def signed_headers(*, secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt."""
    return {
        ID_HEADER: message_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(
            secret=secret, message_id=message_id, timestamp=timestamp, body=body
        ),
    }


def verify(*, secret: str, message_id: str, timestamp: int, body: bytes, signature: str) -> bool:
    """True when one of the space-separated signatures is ours for this message (constant time)."""
    expected = sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
    # Bytes: compare_digest refuses a str with non-ASCII characters (TypeError).
    expected_bytes = expected.encode()
    return any(
        hmac.compare_digest(expected_bytes, given.encode("utf-8", "surrogatepass"))
        for given in signature.split(" ")
    )
