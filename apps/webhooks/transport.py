"""Outbound HTTP for webhooks: SSRF-safe, pinned to the checked address, no redirects.

A URL is resolved once; every address it resolves to must be public unless
``WEBHOOKS_ALLOW_PRIVATE_NETWORKS`` is on (loopback, private, link-local,
shared, reserved, multicast and unspecified addresses are refused, and so
are 6to4, Teredo, NAT64 and site-local IPv6). A refusal says the same
whatever failed and names no address (``refusal_message``). The
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
# What is kept of a receiver's answer: the start of a 2xx or 4xx body (the
# receiver's word to the sender), nothing of a redirect or a server error.
RESPONSE_EXCERPT_BYTES = 256
# IPv6 ranges refused although Python may call them global: they carry or
# reach an IPv4 address (6to4, Teredo, NAT64: a relay or translator may take
# the request to a private IPv4 address), or are scoped to a site (fec0::/10,
# deprecated but still routed on some networks).
REFUSED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "2002::/16",
        "2001::/32",
        "fec0::/10",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        # IANA: not globally reachable, though older Pythons' is_global says so.
        "192.0.0.0/24",
        "3fff::/20",
    )
)
REFUSED = "This URL cannot receive webhooks: its host must resolve to public addresses only."


def refusal_message() -> str:
    """The one answer to a URL refused for where its host points (or does not).

    It names no address and does not say which check failed (no such host, or
    a non-public address), so the check cannot be used to learn what a name
    resolves to from the server's network (a DNS oracle). Every refusal, at
    creation and at delivery, uses it.
    """
    return REFUSED


class UnsafeDestination(ValueError):
    """The URL is malformed, does not resolve, or points at a non-public address.

    ``str()`` is safe to show the caller; ``reason`` (for the server's logs
    only) may name the host and its address.
    """

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


def _refused(reason: str) -> UnsafeDestination:
    return UnsafeDestination(refusal_message(), reason=reason)


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address that reaches no private network."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in REFUSED_NETWORKS):
        return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
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
        raise _refused(f"{url.host} does not resolve")
    if not allow_private:
        refused = [address for address in addresses if not is_public(address)]
        if refused:
            raise _refused(f"{url.host} resolves to a non-public address ({refused[0]})")
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
        raise _refused(f"{parsed.host} does not resolve ({exc})") from exc
    return Destination(parsed, _checked(parsed, list(infos), allow_private=allow_private))


async def aresolve(url: str, *, allow_private: bool) -> Destination:
    """``resolve`` for async code (the event loop's resolver, no blocking)."""
    parsed = parse_url(url)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            parsed.host, _port(parsed), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as exc:
        raise _refused(f"{parsed.host} does not resolve ({exc})") from exc
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


def keeps_excerpt(status: int) -> bool:
    """Whether an answer's body is worth keeping the start of: a success, or an
    error the receiver meant for the sender (4xx). Never a redirect (its body
    comes from wherever the receiver points) nor a server error (its body may
    be anything the receiver's own infrastructure says)."""
    return 200 <= status < 300 or 400 <= status < 500


def _excerpt(response: httpx.Response) -> str:
    """At most ``RESPONSE_EXCERPT_BYTES`` of the body, read no further, as text."""
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= RESPONSE_EXCERPT_BYTES:
            break
    return data[:RESPONSE_EXCERPT_BYTES].decode(errors="replace")


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
            status = response.status_code
            excerpt = _excerpt(response) if keeps_excerpt(status) else ""
            latency = int((time.monotonic() - started) * 1000)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
            if 300 <= status < 400:
                error = f"HTTP {status}: redirects are not followed"
            return Attempt(status, latency, error, excerpt)
    except httpx.TimeoutException:
        return Attempt(None, int((time.monotonic() - started) * 1000), "Timed out.", "")
    except httpx.HTTPError as exc:
        latency = int((time.monotonic() - started) * 1000)
        return Attempt(None, latency, f"{type(exc).__name__}: {exc}"[:500], "")
