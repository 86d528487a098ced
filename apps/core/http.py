"""Facts about the HTTP client, resolved one way everywhere.

Who the client is gets decided here, and only here: uvicorn is always started
with ``--no-proxy-headers`` (``apps.core.stack.uvicorn_command``, the
documented production command), so ``REMOTE_ADDR`` is the TCP peer, never a
value a client wrote in a header. ``X-Forwarded-For`` counts only when
``TRUSTED_PROXY_COUNT`` proxies are configured and the peer is one of the
``FORWARDED_ALLOW_IPS``.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...] | None:
    """The trusted proxies' networks; None means any peer (``*``)."""
    if "*" in entries:
        return None
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted_proxy(address: str) -> bool:
    """Whether ``address`` (the TCP peer) is one of ``FORWARDED_ALLOW_IPS``."""
    networks = _networks(tuple(settings.FORWARDED_ALLOW_IPS))
    if networks is None:
        return True
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False  # a unix socket path, or nothing
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return any(peer in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address.

    ``REMOTE_ADDR`` (the TCP peer), unless ``TRUSTED_PROXY_COUNT`` proxies sit
    in front of the app and the peer is a trusted one (``FORWARDED_ALLOW_IPS``):
    then the address the outermost trusted proxy saw, taken that many entries
    from the right of ``X-Forwarded-For`` (anything further left is
    client-controlled). A header with fewer entries, or an entry that is not an
    IP address, falls back to the peer.
    """
    address = str(request.META.get("REMOTE_ADDR") or "")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    if proxies > 0 and is_trusted_proxy(address):
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return address or None


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]
