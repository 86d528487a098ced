"""``token_from_header``: the token of ``Authorization: Bearer <token>``.

None for no header or another scheme (another authenticator's business);
``AuthenticationFailed`` for a Bearer header that is malformed or carries
something that cannot be one of our tokens (``aa_`` + 64 lower-case hex).
"""

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework.exceptions import AuthenticationFailed

from apps.accounts.authentication import token_from_header
from tests.robustness import PROPERTY, header_like

OUR_TOKEN = re.compile(r"aa_[0-9a-f]{64}")
hex_bodies = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
tokens = hex_bodies.map(lambda body: "aa_" + body)
schemes = st.sampled_from(["Bearer", "bearer", "BEARER", "bEaReR"])
separators = st.text(alphabet=" \t", min_size=1, max_size=3)
padding = st.text(alphabet=" \t", max_size=3)


@PROPERTY
@given(token=tokens, scheme=schemes, separator=separators, before=padding, after=padding)
def test_a_well_formed_bearer_header_gives_its_token(
    token: str, scheme: str, separator: str, before: str, after: str
) -> None:
    assert token_from_header(f"{before}{scheme}{separator}{token}{after}") == token


@PROPERTY
@given(header=header_like)
@example(header="Bearer \x85aa_" + "0" * 64)
@example(header="\xa0")
@example(header="Bearer\xa0aa_" + "0" * 64)
def test_any_header_gives_none_our_token_or_authentication_failed(header: str) -> None:
    try:
        token = token_from_header(header)
    except AuthenticationFailed:
        return
    assert token is None or OUR_TOKEN.fullmatch(token), token


@PROPERTY
@given(
    scheme=st.text(alphabet=st.characters(exclude_characters=" \t"), min_size=1, max_size=12),
    rest=st.text(max_size=80),
)
def test_another_scheme_is_not_ours_to_judge(scheme: str, rest: str) -> None:
    if scheme.lower() == "bearer":
        scheme += "x"
    assert token_from_header(f"{scheme} {rest}") is None


@PROPERTY
@given(body=hex_bodies, position=st.integers(min_value=0, max_value=63), data=st.data())
def test_a_token_off_by_one_character_is_refused(
    body: str, position: int, data: st.DataObject
) -> None:
    wrong = data.draw(st.characters(exclude_characters="0123456789abcdef \t"))
    token = "aa_" + body[:position] + wrong + body[position + 1 :]
    with pytest.raises(AuthenticationFailed):
        token_from_header(f"Bearer {token}")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",  # no token
        "Bearer  ",
        "Bearer aa_" + "0" * 63,  # short
        "Bearer aa_" + "0" * 65,  # long
        "Bearer aa_" + "A" * 64,  # upper-case hex
        "Bearer bb_" + "0" * 64,  # not our prefix
        "Bearer " + "0" * 67,
        "Bearer aa_" + "0" * 64 + " extra",
        " \t ",  # blank
    ],
)
def test_a_malformed_bearer_header_is_refused(header: str) -> None:
    with pytest.raises(AuthenticationFailed):
        token_from_header(header)


@pytest.mark.parametrize("header", [None, "", "Basic dXNlcjpwYXNz", "Token aa_" + "0" * 64])
def test_no_header_or_another_scheme_is_none(header: str | None) -> None:
    assert token_from_header(header) is None
