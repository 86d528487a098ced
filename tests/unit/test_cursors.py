"""Cursors: what a page link encodes decodes back; anything else is a 400 ``invalid_cursor``.

A cursor is opaque but not signed, so a client can send any text, or a
well-formed cursor around any position: decoding and the position check
(``check_cursor_position``) refuse with the project's error, never another.
"""

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.db.models import QuerySet
from django.test import RequestFactory
from hypothesis import example, given
from hypothesis import strategies as st
from rest_framework.pagination import Cursor
from rest_framework.request import Request

from apps.core.errors import InvalidInput
from apps.core.pagination import CursorPagination, check_cursor_position
from apps.documents.models import Document
from tests.robustness import PROPERTY

BASE_URL = "http://testserver/api/v1/workspaces"
# Positions are the text of a row's ordering value: any text a URL can carry.
position_text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
cursors = st.builds(
    Cursor,
    offset=st.integers(min_value=0, max_value=CursorPagination.offset_cutoff),
    reverse=st.booleans(),
    position=st.one_of(st.none(), position_text),
)


def decoded(query: dict[str, str]) -> Cursor | None:
    request = Request(RequestFactory().get("/api/v1/workspaces", query))
    return CursorPagination().decode_cursor(request)


def encoded(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


def documents() -> QuerySet[Document]:
    return Document.objects.all()  # lazy: only its model and database alias are used


@PROPERTY
@given(cursor=cursors)
def test_a_cursor_decodes_to_what_was_encoded(cursor: Cursor) -> None:
    paginator = CursorPagination()
    paginator.base_url = BASE_URL
    link = paginator.encode_cursor(cursor)
    assert link.startswith(BASE_URL + "?cursor=")
    request = Request(RequestFactory().get(link))
    assert paginator.decode_cursor(request) == cursor


@PROPERTY
@given(offset=st.integers(min_value=CursorPagination.offset_cutoff, max_value=10**30))
def test_a_large_offset_is_capped(offset: int) -> None:
    cursor = decoded({"cursor": encoded(f"o={offset}")})
    assert cursor == Cursor(offset=CursorPagination.offset_cutoff, reverse=False, position=None)


def refusal_of(check: Callable[[], object]) -> InvalidInput | None:
    """The error ``check`` raised, if it was the project's (anything else propagates)."""
    try:
        check()
    except InvalidInput as error:
        return error
    return None


def decodes_or_is_refused(value: str) -> Cursor | None:
    refused = refusal_of(lambda: decoded({"cursor": value}))
    if refused is not None:
        assert refused.code == "invalid_cursor"
        return None
    cursor = decoded({"cursor": value})
    assert cursor is not None
    assert 0 <= cursor.offset <= CursorPagination.offset_cutoff
    assert isinstance(cursor.reverse, bool)
    return cursor


@PROPERTY
@given(value=st.text(max_size=80))
@example(value="")
@example(value="====")
@example(value="é")
def test_any_text_as_a_cursor_decodes_or_is_an_invalid_cursor(value: str) -> None:
    decodes_or_is_refused(value)


@PROPERTY
@given(
    offset=st.one_of(st.integers(-(10**6), 10**30).map(str), st.text(max_size=8)),
    reverse=st.one_of(st.sampled_from(["0", "1", "2", "-1"]), st.text(max_size=4)),
    position=position_text,
)
@example(offset="-1", reverse="0", position="")
@example(offset="1" * 5000, reverse="0", position="")
def test_a_tampered_cursor_decodes_or_is_an_invalid_cursor(
    offset: str, reverse: str, position: str
) -> None:
    value = encoded(urlencode({"o": offset, "r": reverse, "p": position}))
    cursor = decodes_or_is_refused(value)
    if cursor is not None:
        assert cursor._asdict()["position"] == position  # DRF's stubs type it as an int


@pytest.mark.parametrize(
    "value",
    ["not base64!", encoded("o=-1"), encoded("o=x"), encoded("r=x"), "w6k=", encoded("o=1" * 2)],
)
def test_malformed_cursors_are_invalid_cursors(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decoded({"cursor": value})
    assert refused.value.code == "invalid_cursor"


def test_no_cursor_is_the_first_page() -> None:
    assert decoded({}) is None


positions = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.datetimes().map(datetime.isoformat),
    st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
    st.sampled_from(["", "NaN", "inf", "1e400", "9999-12-31T23:59:59-14:00"]),
    st.sampled_from(["0001-01-01T00:00+01:00", "2026-02-30T00:00:00Z", "2026-01-01T24:00Z"]),
)


@PROPERTY
@given(position=positions)
@example(position="2026-01-01T00:00:00")  # naive: refused, not guessed about
def test_a_time_position_is_an_aware_datetime_or_refused(position: str) -> None:
    refused = refusal_of(lambda: check_cursor_position(documents(), "created_at", position))
    if refused is not None:
        assert refused.code == "invalid_cursor"
        return
    value = Document._meta.get_field("created_at").to_python(position)
    assert isinstance(value, datetime)
    assert value.tzinfo is not None


@PROPERTY
@given(position=positions)
@example(position="2147483647")
@example(position="2147483648")
@example(position="-1")
def test_an_integer_position_fits_its_column_or_is_refused(position: str) -> None:
    refused = refusal_of(lambda: check_cursor_position(documents(), "version", position))
    if refused is not None:
        assert refused.code == "invalid_cursor"
        return
    assert 0 <= int(position) <= 2147483647


@pytest.mark.parametrize(
    ("name", "position"),
    [
        ("created_at", datetime(2026, 5, 1, 12, tzinfo=UTC).isoformat()),
        ("version", "7"),
        ("id", "0b9d8f8e-3d7f-4bfa-9d0b-8a2cfd1d7e4a"),
        ("title", "any text"),
    ],
)
def test_well_formed_positions_pass(name: str, position: str) -> None:
    check_cursor_position(documents(), name, position)


@pytest.mark.parametrize(
    ("name", "position"),
    [("id", "not-a-uuid"), ("version", "2147483648"), ("version", "-1"), ("no_such_field", "1")],
)
def test_positions_the_field_cannot_hold_are_refused(name: str, position: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_cursor_position(documents(), name, position)
    assert refused.value.code == "invalid_cursor"
