"""The webhook signature: HMAC-SHA256 over ``"{timestamp}.{body}"``.

A receiver verifies a delivery in a few lines (see docs/webhooks.md): recompute the
HMAC with the endpoint's secret over the ``Webhook-Timestamp`` header, a dot
and the raw body, compare it in constant time with ``Webhook-Signature``, and
refuse timestamps older than a few minutes (a replayed request).
"""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Webhook-Signature"
TIMESTAMP_HEADER = "Webhook-Timestamp"
DELIVERY_HEADER = "Webhook-Id"
EVENT_HEADER = "Webhook-Event"
SIGNATURE_SCHEME = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105  (a prefix, not a secret)


def new_secret() -> str:
    """A fresh endpoint secret (shown once, when the endpoint is created)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The ``Webhook-Signature`` header value: ``v1=<hex HMAC-SHA256>``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_SCHEME}={digest}"


def verify(*, secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """True when ``signature`` is ours for this timestamp and body (constant time)."""
    return hmac.compare_digest(sign(secret=secret, timestamp=timestamp, body=body), signature)
