"""``normalize_email``: one stored form per address (NFKC, trimmed, lower case, IDNA domain)."""

import unicodedata

import idna
import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.accounts.models import normalize_email
from tests.robustness import PROPERTY

ascii_labels = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
unicode_labels = st.text(
    alphabet=st.characters(categories=["Ll", "Lu", "Lo", "Nd"]), min_size=1, max_size=12
)
local_parts = st.from_regex(r"[A-Za-z0-9._%+-]{1,20}", fullmatch=True)
ascii_domains = st.lists(ascii_labels, min_size=2, max_size=3).map(".".join)
ascii_addresses = st.builds(lambda local, domain: f"{local}@{domain}", local_parts, ascii_domains)
unicode_domains = st.lists(st.one_of(ascii_labels, unicode_labels), min_size=2, max_size=3).map(
    ".".join
)


def fullwidth(text: str) -> str:
    """``text`` in Unicode's fullwidth forms (look-alikes of ASCII that NFKC maps back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@PROPERTY
@given(address=ascii_addresses)
def test_an_ascii_address_is_its_lower_case(address: str) -> None:
    assert normalize_email(address) == address.lower()


@PROPERTY
@given(address=ascii_addresses, spaces=st.text(alphabet=" \t\n\u3000", max_size=3))
def test_case_width_spaces_and_a_trailing_dot_do_not_make_another_address(
    address: str, spaces: str
) -> None:
    normal = normalize_email(address)
    for spelling in (address.upper(), fullwidth(address), f"{spaces}{address}.{spaces}"):
        assert normalize_email(spelling) == normal, spelling


@PROPERTY
@given(local=local_parts, domain=unicode_domains)
def test_a_unicode_domain_and_its_idna_form_are_one_address(local: str, domain: str) -> None:
    try:
        encoded = idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return  # not an IDNA name: the email validator refuses it at input
    normal = normalize_email(f"{local}@{domain}")
    assert normal == f"{local}@{encoded}".lower()
    assert normalize_email(f"{local}@{encoded}") == normal
    assert normal.isascii()


@PROPERTY
@given(local=local_parts, domain=unicode_domains)
def test_normalising_a_plausible_address_twice_changes_nothing(local: str, domain: str) -> None:
    once = normalize_email(f"{local}@{domain}")
    assert normalize_email(once) == once


@PROPERTY
@given(text=st.text(alphabet=st.characters(exclude_characters="@"), max_size=40))
def test_text_without_an_at_sign_is_only_folded(text: str) -> None:
    assert normalize_email(text) == unicodedata.normalize("NFKC", text).strip().lower()


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("a@b@Example.COM", "a@b@example.com"),  # the last @ separates the domain
        ("@example.com", "@example.com"),
        ("ada@", "ada@"),
        ("ada@EXAMPLE.com...", "ada@example.com"),
        ("ada@bücher.example", "ada@xn--bcher-kva.example"),
        ("ada@BÜCHER.example", "ada@xn--bcher-kva.example"),
        ("ada@exa\u200bmple.com", "ada@example.com"),  # a zero-width space is dropped
        ("Ada@Example.com\uff0e", "ada@example.com"),  # a fullwidth trailing dot
    ],
)
def test_examples(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal
