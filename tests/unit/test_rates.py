"""``parse_rate``: a throttle rate such as ``"5/m"`` or ``"100/hour"`` as (count, seconds)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from apps.core.checks import assert_safe_configuration
from apps.core.throttling import parse_rate
from tests.robustness import PROPERTY

SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SPELLINGS = {
    "s": ["s", "sec", "second", "seconds"],
    "m": ["m", "min", "minute", "minutes"],
    "h": ["h", "hour", "hours"],
    "d": ["d", "day", "days"],
}
period_spellings = st.sampled_from(
    [(spelling, SECONDS[unit]) for unit, spellings in SPELLINGS.items() for spelling in spellings]
)


@PROPERTY
@given(count=st.integers(min_value=0, max_value=10**9), period=period_spellings)
def test_a_rate_is_its_count_per_its_period_in_seconds(count: int, period: tuple[str, int]) -> None:
    spelling, seconds = period
    assert parse_rate(f"{count}/{spelling}") == (count, seconds)


@PROPERTY
@given(count=st.integers(min_value=0, max_value=10**6), period=period_spellings)
def test_spaces_around_the_period_are_ignored(count: int, period: tuple[str, int]) -> None:
    spelling, seconds = period
    assert parse_rate(f"{count}/ {spelling} ") == (count, seconds)


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [("10/h", (10, 3600)), ("5/hour", (5, 3600)), ("1000000/h", (1000000, 3600)), ("0/s", (0, 1))],
)
def test_the_configured_spellings(rate: str, parsed: tuple[int, int]) -> None:
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["5", "five/m", "5/m/h", "5/w", "/m"])
def test_a_malformed_rate_is_refused(rate: str) -> None:
    with pytest.raises((ValueError, KeyError)):
        parse_rate(rate)


def test_a_malformed_throttle_rate_refuses_to_start(settings: Settings) -> None:
    # Before: a rate like THROTTLE_LOGIN=60/x was read lazily, and every
    # request to a throttled view answered 500.
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "login": "60/x"}
    with pytest.raises(ImproperlyConfigured, match="login throttle rate"):
        assert_safe_configuration()
