"""``backoff_seconds``: exponential backoff after a failure, capped, with full jitter."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.jobs.registry import JobPolicy
from apps.jobs.runner import backoff_seconds
from tests.robustness import PROPERTY

bases = st.floats(min_value=0.001, max_value=3600, allow_nan=False)
caps = st.floats(min_value=0.001, max_value=86400, allow_nan=False)
# Attempts as the runner counts them (1 after the first failure), and beyond
# any retry limit a policy sets; past ~1000 doublings a float overflows.
attempts = st.integers(min_value=0, max_value=1000)


@PROPERTY
@given(base=bases, cap=caps, attempt=attempts)
def test_without_jitter_the_delay_doubles_up_to_the_cap(
    base: float, cap: float, attempt: int
) -> None:
    policy = JobPolicy(backoff_base=base, backoff_max=cap, jitter=False)
    delay = backoff_seconds(policy, attempt=attempt)
    assert delay == min(cap, base * 2 ** max(0, attempt - 1))
    assert 0 < delay <= cap


@PROPERTY
@given(base=bases, cap=caps, attempt=attempts)
def test_without_jitter_a_later_attempt_never_waits_less(
    base: float, cap: float, attempt: int
) -> None:
    policy = JobPolicy(backoff_base=base, backoff_max=cap, jitter=False)
    assert backoff_seconds(policy, attempt=attempt) <= backoff_seconds(policy, attempt=attempt + 1)


@PROPERTY
@given(base=bases, cap=caps, attempt=attempts)
def test_with_jitter_the_delay_is_between_zero_and_the_unjittered_one(
    base: float, cap: float, attempt: int
) -> None:
    jittered = backoff_seconds(
        JobPolicy(backoff_base=base, backoff_max=cap, jitter=True), attempt=attempt
    )
    ceiling = backoff_seconds(
        JobPolicy(backoff_base=base, backoff_max=cap, jitter=False), attempt=attempt
    )
    assert 0 <= jittered <= ceiling <= cap


@pytest.mark.parametrize(
    ("attempt", "delay"),
    [(-3, 2.0), (0, 2.0), (1, 2.0), (2, 4.0), (3, 8.0), (9, 512.0), (10, 600.0)],
)
def test_the_default_policy_waits_2_4_8_seconds_up_to_ten_minutes(
    attempt: int, delay: float
) -> None:
    assert backoff_seconds(JobPolicy(jitter=False), attempt=attempt) == delay


def test_jitter_spreads_the_retries_of_one_attempt() -> None:
    policy = JobPolicy(backoff_base=10, backoff_max=600)
    delays = {backoff_seconds(policy, attempt=5) for _ in range(50)}
    assert len(delays) > 1
    assert all(0 <= delay <= 160 for delay in delays)
