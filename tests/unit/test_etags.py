"""ETags from a document's version; ``If-Match`` (strong) and ``If-None-Match`` (weak)."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from apps.documents.etags import etag_for, none_match, versions_from_if_match
from apps.documents.models import Document
from tests.robustness import PROPERTY, header_like

versions = st.integers(min_value=1, max_value=9_999_999_999)
spaces = st.text(alphabet=" \t", max_size=2)


@PROPERTY
@given(version=versions)
def test_a_documents_etag_is_its_version_quoted(version: int) -> None:
    assert etag_for(Document(version=version)) == f'"{version}"'


@PROPERTY
@given(listed=st.lists(versions, min_size=1, max_size=5), before=spaces, after=spaces)
def test_if_match_names_every_strong_etag_listed(
    listed: list[int], before: str, after: str
) -> None:
    header = ",".join(f"{before}{etag_for(Document(version=v))}{after}" for v in listed)
    assert versions_from_if_match(header) == listed


@PROPERTY
@given(listed=st.lists(versions, min_size=1, max_size=5))
def test_weak_etags_never_match_strongly(listed: list[int]) -> None:
    header = ", ".join(f'W/"{version}"' for version in listed)
    assert versions_from_if_match(header) == []


@PROPERTY
@given(header=header_like)
@example(header=' , W/"1", *')
@example(header='"1", *')
@example(header='"99999999999"')
def test_if_match_on_any_text_names_only_versions_it_quotes(header: str) -> None:
    found = versions_from_if_match(header)
    if found is None:
        assert header.strip() == "*"
        return
    quoted = [part.strip() for part in header.split(",")]
    for version in found:
        assert 0 <= version < 10**10
        assert any(part == f'"{part[1:-1]}"' and int(part[1:-1]) == version for part in quoted)


@pytest.mark.parametrize(
    ("header", "found"),
    [
        (None, None),
        ("*", None),
        (" * ", None),
        ('"3"', [3]),
        ('"3", "5"', [3, 5]),
        ('W/"3", "5"', [5]),
        ('"3', []),
        ("3", []),
        ('"-3"', []),
        ('"3.0"', []),
        ('"abc"', []),
        ('"12345678901"', []),  # longer than a version can be
        ("", []),  # present but naming nothing: a 412, not "no condition"
        ('"3", *', [3]),
    ],
)
def test_if_match_examples(header: str | None, found: list[int] | None) -> None:
    assert versions_from_if_match(header) == found


@PROPERTY
@given(version=versions, other=versions, weak=st.booleans(), before=spaces)
def test_if_none_match_compares_weakly(version: int, other: int, weak: bool, before: str) -> None:
    document = Document(version=version)
    tag = ("W/" if weak else "") + etag_for(document)
    assert none_match(f'{before}"{other}", {tag}', document)
    assert none_match(f'"{other}"', document) is (other == version)


@pytest.mark.parametrize(
    ("header", "matches"),
    [(None, False), ("*", True), ('"3"', True), ('W/"3"', True), ('"4"', False), ("3", False)],
)
def test_if_none_match_examples(header: str | None, matches: bool) -> None:
    assert none_match(header, Document(version=3)) is matches
