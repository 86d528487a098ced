"""The webhook SSRF check (``is_public``) against the IANA special-purpose registries.

Every address in a range IANA marks as not globally reachable is refused, and
so is every IPv6 form that carries or reaches an IPv4 address (IPv4-mapped,
IPv4-compatible, SIIT, 6to4, Teredo, NAT64), whatever IPv4 address it wraps.
Addresses from ranges allocated to real networks are accepted.
"""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.webhooks.transport import IPAddress, is_public
from tests.robustness import PROPERTY

# IANA IPv4 and IPv6 Special-Purpose Address Registries: the entries that are
# not globally reachable, plus multicast and the IPv6 forms that reach IPv4
# (IPv4-mapped addresses are judged by the address they map: see below).
NOT_PUBLIC = [
    "0.0.0.0/8",  # this network
    "10.0.0.0/8",  # private
    "100.64.0.0/10",  # shared address space (carrier-grade NAT)
    "127.0.0.0/8",  # loopback
    "169.254.0.0/16",  # link-local (cloud metadata services)
    "172.16.0.0/12",  # private
    "192.0.0.0/29",  # IPv4 service continuity prefix (DS-Lite)
    "192.0.0.170/31",  # NAT64/DNS64 discovery
    "192.0.2.0/24",  # documentation
    "192.168.0.0/16",  # private
    "198.18.0.0/15",  # benchmarking
    "198.51.100.0/24",  # documentation
    "203.0.113.0/24",  # documentation
    "224.0.0.0/4",  # multicast
    "240.0.0.0/4",  # reserved, and the limited broadcast address
    "::/128",  # unspecified
    "::1/128",  # loopback
    "::/96",  # IPv4-compatible (deprecated)
    "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
    "64:ff9b::/96",  # NAT64, well-known prefix
    "64:ff9b:1::/48",  # NAT64, local use
    "100::/64",  # discard-only
    "2001::/23",  # IETF protocol assignments (Teredo within)
    "2001:db8::/32",  # documentation
    "2002::/16",  # 6to4
    "5f00::/16",  # SRv6 SIDs
    "fc00::/7",  # unique local
    "fe80::/10",  # link-local
    "fec0::/10",  # site-local (deprecated, still routed on some networks)
    "ff00::/8",  # multicast
]
# Allocated to real networks: an address in one of these is a public destination.
PUBLIC = [
    "8.0.0.0/8",
    "93.184.0.0/16",
    "151.101.0.0/16",
    "2606:2800::/32",
    "2a00:1450::/32",
    "2001:4860::/32",
]


def addresses_in(networks: list[str]) -> st.SearchStrategy[IPAddress]:
    return st.sampled_from(networks).flatmap(lambda network: st.ip_addresses(network=network))


not_public_v4 = st.sampled_from([n for n in NOT_PUBLIC if "." in n]).flatmap(
    lambda network: st.ip_addresses(network=network)
)


def v6(number: int) -> ipaddress.IPv6Address:
    return ipaddress.IPv6Address(number)


def wrappings(v4: ipaddress.IPv4Address, suffix: int) -> dict[str, ipaddress.IPv6Address]:
    """The IPv6 forms that carry ``v4`` (``suffix`` fills the bits each form leaves free)."""
    embedded = int(v4)
    return {
        "IPv4-mapped": v6((0xFFFF << 32) | embedded),
        "IPv4-compatible": v6(embedded),
        "SIIT": v6((0xFFFF << 48) | embedded),
        "NAT64": v6((0x64FF9B << 96) | embedded),
        "local NAT64": v6((0x64FF9B0001 << 80) | (suffix & (0xFFFF << 32)) | embedded),
        "6to4": v6((0x2002 << 112) | (embedded << 80) | (suffix & (2**80 - 1))),
        # Teredo: server address in bits 64-95, the client's address inverted in 0-31.
        "Teredo": v6((0x20010000 << 96) | ((suffix & (2**64 - 1)) << 32) | (embedded ^ 0xFFFFFFFF)),
    }


@PROPERTY
@given(address=addresses_in(NOT_PUBLIC))
def test_no_address_of_a_special_purpose_range_is_public(address: IPAddress) -> None:
    assert not is_public(address), address


@PROPERTY
@given(address=addresses_in(PUBLIC))
def test_addresses_of_allocated_networks_are_public(address: IPAddress) -> None:
    assert is_public(address), address


@PROPERTY
@given(v4=not_public_v4, suffix=st.integers(min_value=0, max_value=2**80 - 1))
def test_no_ipv6_form_of_a_non_public_ipv4_address_is_public(
    v4: ipaddress.IPv4Address, suffix: int
) -> None:
    for form, address in wrappings(v4, suffix).items():
        assert not is_public(address), (form, address)


@PROPERTY
@given(v4=addresses_in(PUBLIC[:3]), suffix=st.integers(min_value=0, max_value=2**80 - 1))
def test_only_the_plain_mapped_form_of_a_public_ipv4_address_is_public(
    v4: ipaddress.IPv4Address, suffix: int
) -> None:
    # A relay or translator decides where the others go: refused whatever they wrap.
    forms = wrappings(v4, suffix)
    assert is_public(forms.pop("IPv4-mapped"))
    for form, address in forms.items():
        assert not is_public(address), (form, address)


@PROPERTY
@given(address=st.ip_addresses())
def test_a_public_address_is_one_python_calls_global_unicast(address: IPAddress) -> None:
    if is_public(address):
        # The plain IPv4-mapped form of a public address is judged as that address.
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        assert address.is_global
        assert not address.is_private
        assert not address.is_reserved
        assert not address.is_multicast
        assert not address.is_loopback
        assert not address.is_link_local
        assert not address.is_unspecified


@PROPERTY
@given(v4=st.ip_addresses(v=4))
def test_an_ipv4_address_and_its_mapped_form_are_judged_alike(v4: ipaddress.IPv4Address) -> None:
    assert is_public(v4) is is_public(ipaddress.IPv6Address(f"::ffff:{v4}"))


@pytest.mark.parametrize(
    "address",
    [
        "169.254.169.254",  # cloud metadata
        "::ffff:169.254.169.254",
        "::ffff:7f00:1",
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "fd00:ec2::254",  # AWS metadata over IPv6 (unique local)
        "0.0.0.0",  # noqa: S104  (an address checked, not bound)
        "255.255.255.255",
    ],
)
def test_well_known_internal_destinations_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
