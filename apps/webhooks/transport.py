"""Outbound HTTP for webhooks: SSRF-safe, pinned to the checked address, no redirects.

A URL is resolved once; every address it resolves to must be public unless
``WEBHOOKS_ALLOW_PRIVATE_NETWORKS`` is on (loopback, private, link-local,
shared, reserved, multicast and unspecified addresses are refused). The
request then connects to the address that was checked, never to a second
lookup of the name (no DNS-rebinding gap): the URL's host is replaced by the
address, ``Host`` keeps the name, and TLS still verifies the certificate for
the name (SNI). Redirects are never followed, and proxies from the
environment are ignored (a proxy would resolve the name itself).
"""

import asyncio
import ipaddress
import socket
import time
from dataclasses import dataclass

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOWED_SCHEMES = ("http", "https")
RESPONSE_EXCERPT_BYTES = 1024


class UnsafeDestination(ValueError):
    """The URL is malformed, does not resolve, or points at a non-public address."""


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def parse_url(url: str) -> httpx.URL:
    """The URL if its form is acceptable for a webhook (http/https, a host, no credentials)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UnsafeDestination(f"Not a valid URL: {exc}") from exc
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeDestination("The URL must start with http:// or https://.")
    if not parsed.host:
        raise UnsafeDestination("The URL has no host.")
    if parsed.userinfo:
        raise UnsafeDestination("Credentials in the URL are not supported; verify the signature.")
    return parsed


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _checked(url: httpx.URL, infos: list[tuple[object, ...]], *, allow_private: bool) -> IPAddress:
    addresses: list[IPAddress] = []
    for info in infos:
        sockaddr = info[4]
        assert isinstance(sockaddr, tuple)
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeDestination(f"The host {url.host} does not resolve.")
    if not allow_private:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise UnsafeDestination(
                f"The host {url.host} resolves to a non-public address ({refused[0]}); "
                "webhooks are only sent to public addresses."
            )
    return addresses[0]


@dataclass(frozen=True)
class Destination:
    """A webhook URL and the one address (checked) that the request connects to."""

    url: httpx.URL
    address: IPAddress


def resolve(url: str, *, allow_private: bool) -> Destination:
    """Parse, resolve once and check ``url``; ``UnsafeDestination`` when refused."""
    parsed = parse_url(url)
    try:
        infos = socket.getaddrinfo(parsed.host, _port(parsed), type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeDestination(f"The host {parsed.host} does not resolve.") from exc
    return Destination(parsed, _checked(parsed, list(infos), allow_private=allow_private))


async def aresolve(url: str, *, allow_private: bool) -> Destination:
    """``resolve`` for async code (the event loop's resolver, no blocking)."""
    parsed = parse_url(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parsed.host, _port(parsed), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as exc:
        raise UnsafeDestination(f"The host {parsed.host} does not resolve.") from exc
    return Destination(parsed, _checked(parsed, list(infos), allow_private=allow_private))


@dataclass(frozen=True)
class Attempt:
    """What one POST did: a status code (None when no response), latency, an error."""

    status_code: int | None
    latency_ms: int
    error: str
    response_excerpt: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(
    destination: Destination, *, body: bytes, headers: dict[str, str], timeout: float
) -> Attempt:
    """POST ``body`` to the checked address; never follows a redirect, never raises
    for network errors (they are the attempt's ``error``)."""
    url = destination.url
    pinned = url.copy_with(host=str(destination.address))
    request_headers = {**headers, "Host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    started = time.monotonic()
    try:
        with (
            httpx.Client(follow_redirects=False, trust_env=False, timeout=timeout) as client,
            client.stream(
                "POST", pinned, content=body, headers=request_headers, extensions=extensions
            ) as response,
        ):
            excerpt = b""
            for chunk in response.iter_bytes():
                excerpt += chunk
                if len(excerpt) >= RESPONSE_EXCERPT_BYTES:
                    break
            latency = int((time.monotonic() - started) * 1000)
            status = response.status_code
            error = "" if 200 <= status < 300 else f"HTTP {status}"
            if 300 <= status < 400:
                error = f"HTTP {status}: redirects are not followed"
            return Attempt(
                status, latency, error, excerpt[:RESPONSE_EXCERPT_BYTES].decode(errors="replace")
            )
    except httpx.TimeoutException:
        return Attempt(None, int((time.monotonic() - started) * 1000), "Timed out.", "")
    except httpx.HTTPError as exc:
        latency = int((time.monotonic() - started) * 1000)
        return Attempt(None, latency, f"{type(exc).__name__}: {exc}"[:500], "")
