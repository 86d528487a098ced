"""``client_ip``: the TCP peer, unless trusted proxies say who they forwarded for.

``X-Forwarded-For`` counts only with ``TRUSTED_PROXY_COUNT`` > 0 and a peer in
``FORWARDED_ALLOW_IPS`` (loopback here); then the entry that many places from
the right is the client, and anything further left (client-written) is ignored.
"""

import ipaddress

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings
from hypothesis import example, given
from hypothesis import strategies as st

from apps.core.http import client_ip, is_trusted_proxy
from tests.robustness import PROPERTY, header_like, header_values

TRUSTED_PEER = "127.0.0.1"
UNTRUSTED_PEER = "203.0.113.9"

addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)
# Text a client may put left of the proxies' entries: no comma, so one entry each.
client_entries = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters=","),
    max_size=40,
)


def request(peer: str, forwarded_for: str | None = None) -> HttpRequest:
    made = RequestFactory().get("/", REMOTE_ADDR=peer)
    if forwarded_for is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return made


@PROPERTY
@given(header=header_like)
def test_without_trusted_proxies_the_peer_is_the_client(header: str) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request(TRUSTED_PEER, header)) == TRUSTED_PEER


@PROPERTY
@given(header=header_like)
def test_an_untrusted_peer_is_the_client_whatever_it_forwards(header: str) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request(UNTRUSTED_PEER, header)) == UNTRUSTED_PEER


@PROPERTY
@given(
    proxies=st.integers(min_value=1, max_value=4),
    written_by_client=st.lists(client_entries, max_size=3),
    forwarded=st.lists(addresses, min_size=4, max_size=4),
)
def test_behind_trusted_proxies_the_client_is_that_many_entries_from_the_right(
    proxies: int, written_by_client: list[str], forwarded: list[str]
) -> None:
    header = ", ".join([*written_by_client, *forwarded])
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        found = client_ip(request(TRUSTED_PEER, header))
    assert found == str(ipaddress.ip_address(forwarded[-proxies]))


@PROPERTY
@given(proxies=st.integers(min_value=2, max_value=5), data=st.data())
def test_fewer_entries_than_proxies_fall_back_to_the_peer(
    proxies: int, data: st.DataObject
) -> None:
    forwarded = data.draw(st.lists(addresses, max_size=proxies - 1))
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        assert client_ip(request(TRUSTED_PEER, ", ".join(forwarded))) == TRUSTED_PEER


@PROPERTY
@given(proxies=st.integers(min_value=1, max_value=3), header=header_values)
@example(proxies=1, header="not-an-address")
@example(proxies=1, header="1.2.3.4, 999.1.1.1")
@example(proxies=2, header=" , ,1.2.3.4,,")
def test_any_header_gives_the_peer_or_a_valid_address(proxies: int, header: str) -> None:
    with override_settings(TRUSTED_PROXY_COUNT=proxies):
        found = client_ip(request(TRUSTED_PEER, header))
    assert found is not None
    assert found == TRUSTED_PEER or str(ipaddress.ip_address(found)) == found


def test_a_trusted_peer_in_its_ipv4_mapped_form_is_trusted() -> None:
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request("::ffff:127.0.0.1", "198.51.100.7")) == "198.51.100.7"


def test_the_forwarded_address_is_returned_in_its_canonical_form() -> None:
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_ip(request(TRUSTED_PEER, "2001:DB8:0:0::1")) == "2001:db8::1"


def test_no_peer_address_is_no_client() -> None:
    assert client_ip(request("")) is None


@pytest.mark.parametrize(
    ("allowed", "peer", "trusted"),
    [
        (["127.0.0.1", "::1"], "127.0.0.1", True),
        (["127.0.0.1", "::1"], "::1", True),
        (["127.0.0.1", "::1"], "127.0.0.2", False),
        (["10.0.0.0/8"], "10.200.3.4", True),
        (["10.0.0.0/8"], "::ffff:10.200.3.4", True),
        (["10.0.0.0/8"], "11.0.0.1", False),
        (["10.0.0.0/8"], "/run/uvicorn.sock", False),
        (["10.0.0.0/8"], "", False),
        (["*"], "/run/uvicorn.sock", True),
    ],
)
def test_which_peers_are_trusted_proxies(allowed: list[str], peer: str, trusted: bool) -> None:
    with override_settings(FORWARDED_ALLOW_IPS=allowed):
        assert is_trusted_proxy(peer) is trusted
