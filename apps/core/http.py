"""Facts about the HTTP client, resolved one way everywhere."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies sit in front of the
    app, in which case the address that the outermost trusted proxy saw, taken
    from the right of ``X-Forwarded-For`` (anything further left is client-controlled).
    """
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    address: object = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]
