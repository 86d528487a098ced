"""``Idempotency-Key`` values: 1 to 255 printable ASCII characters, scoped to the caller.

An invalid key is refused (400 ``invalid_idempotency_key``) before anything
runs or the store is asked; only valid keys reach Redis, so they are checked
here against the rule alone.
"""

import string
from typing import Any

import pytest
from django.test import RequestFactory
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.idempotency import (
    HEADER,
    MAX_KEY_LENGTH,
    InvalidIdempotencyKey,
    _store_key,
    _valid,
    idempotent,
)
from tests.robustness import PROPERTY, header_values

PRINTABLE_ASCII = "".join(chr(code) for code in range(0x20, 0x7F))
valid_keys = st.text(alphabet=PRINTABLE_ASCII, min_size=1, max_size=MAX_KEY_LENGTH)


def follows_the_rule(key: str) -> bool:
    return 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= c <= "~" for c in key)


@PROPERTY
@given(key=valid_keys)
def test_printable_ascii_keys_up_to_the_limit_are_valid(key: str) -> None:
    assert _valid(key)


@PROPERTY
@given(key=st.one_of(header_values, st.text(max_size=300)))
@example(key="")
@example(key="a" * (MAX_KEY_LENGTH + 1))
@example(key="key\x7f")
@example(key="clé")
@example(key="\t")
def test_a_key_is_valid_exactly_when_it_follows_the_rule(key: str) -> None:
    assert _valid(key) is follows_the_rule(key)


class View:
    """A stand-in for the view a handler is a method of."""

    def __init__(self) -> None:
        self.calls = 0

    @idempotent
    async def post(self, request: Request) -> Response:
        self.calls += 1
        return Response({"created": True}, status=201)


def post_with(headers: dict[str, Any]) -> Request:
    return Request(RequestFactory().post("/api/v1/things", headers=headers))


@pytest.mark.parametrize(
    "key", ["", "a" * (MAX_KEY_LENGTH + 1), "naïve", "tab\there", "\x00", "del\x7f"]
)
async def test_an_invalid_key_is_refused_before_the_handler_runs(key: str) -> None:
    view = View()
    with pytest.raises(InvalidIdempotencyKey) as refused:
        await view.post(post_with({HEADER: key}))
    assert refused.value.code == "invalid_idempotency_key"
    assert view.calls == 0


async def test_without_a_key_the_handler_just_runs() -> None:
    view = View()
    response = await view.post(post_with({}))
    assert response.status_code == 201
    assert view.calls == 1


scopes = st.tuples(
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(["POST", "PUT"]),
    st.text(alphabet=string.ascii_lowercase + "/\n", min_size=1, max_size=20).map("/".__add__),
    valid_keys,
)


def store_key(scope: tuple[int, str, str, str]) -> str:
    user_id, method, path, key = scope
    request = Request(RequestFactory().generic(method, path))
    request.user = User(pk=user_id)
    return _store_key(request, key)


@PROPERTY
@given(first=scopes, second=scopes)
def test_keys_of_different_callers_or_urls_never_meet(
    first: tuple[int, str, str, str], second: tuple[int, str, str, str]
) -> None:
    assert (store_key(first) == store_key(second)) is (first == second)
