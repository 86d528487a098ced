"""One-line names (``single_line_problem``) and header-safe text (``header_safe``)."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.core.text import BIDI_CONTROLS, HEADER_TEXT_LIMIT, header_safe, single_line_problem
from apps.core.validators import validate_single_line
from tests.robustness import PROPERTY, any_text

names = st.text(alphabet=st.characters(exclude_categories=["Cc", "Zl", "Zp", "Cs"]), max_size=60)


def breaks_a_line(character: str) -> bool:
    return unicodedata.category(character) in {"Cc", "Zl", "Zp"} or character in BIDI_CONTROLS


@PROPERTY
@given(text=any_text)
def test_a_name_is_refused_exactly_when_it_holds_a_line_break_control_or_bidi_override(
    text: str,
) -> None:
    problem = single_line_problem(text)
    assert (problem is not None) is any(breaks_a_line(c) for c in text)


@PROPERTY
@given(
    name=names,
    bad=st.sampled_from(["\n", "\r", "\x00", "\x85", "\u2028", "\u2029", "\u202e", "\u2066"]),
    position=st.integers(min_value=0, max_value=60),
)
def test_one_bad_character_anywhere_is_refused_with_its_code(
    name: str, bad: str, position: int
) -> None:
    text = name[:position] + bad + name[position:]
    with pytest.raises(ValidationError) as refused:
        validate_single_line(text)
    assert refused.value.code == "invalid_characters"


@PROPERTY
@given(text=any_text, limit=st.integers(min_value=1, max_value=HEADER_TEXT_LIMIT))
def test_header_safe_text_has_no_control_format_or_separator_character(
    text: str, limit: int
) -> None:
    safe = header_safe(text, limit=limit)
    assert len(safe) <= limit
    assert all(c == " " or unicodedata.category(c)[0] not in "CZ" for c in safe)
    assert "  " not in safe
    assert not safe.startswith(" ")


@PROPERTY
@given(
    words=st.lists(st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1), max_size=6)
)
def test_header_safe_keeps_plain_words_separated_by_single_spaces(words: list[str]) -> None:
    text = " ".join(words)
    assert header_safe(text, limit=10_000) == text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Acme\r\nBcc: eve@example.com", "Acme Bcc: eve@example.com"),
        ("Acme\u202egnp.exe", "Acme gnp.exe"),
        ("  a\t\tb\u2028c\u00a0d  ", "a b c d"),
        ("x" * 300, "x" * HEADER_TEXT_LIMIT),
    ],
)
def test_header_safe_examples(text: str, safe: str) -> None:
    assert header_safe(text) == safe
