"""``X-Request-ID``: a client's id is kept when safe to log and echo, else replaced."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.middleware import request_id_from
from tests.robustness import PROPERTY, header_like

SAFE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
safe_ids = st.from_regex(SAFE_ID, fullmatch=True)
NEW_ID = re.compile(r"[0-9a-f]{32}")


@PROPERTY
@given(value=safe_ids)
def test_a_safe_id_is_kept(value: str) -> None:
    assert request_id_from(value) == value


@PROPERTY
@given(value=header_like.filter(lambda value: not SAFE_ID.fullmatch(value)))
def test_any_other_header_value_is_replaced_by_a_new_id(value: str) -> None:
    replaced = request_id_from(value)
    assert NEW_ID.fullmatch(replaced), replaced


@pytest.mark.parametrize("value", [None, "", "a" * 129, "has space", "semi;colon", "é"])
def test_examples_of_replaced_ids(value: str | None) -> None:
    assert NEW_ID.fullmatch(request_id_from(value))


def test_each_new_id_is_different() -> None:
    assert len({request_id_from(None) for _ in range(100)}) == 100
