"""Regressions: what the property tests of this folder found in the app code."""

import ipaddress

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from apps.accounts.models import normalize_email
from apps.core.middleware import request_id_from
from apps.core.throttling import parse_rate
from apps.jobs.registry import JobPolicy
from apps.jobs.runner import backoff_seconds
from apps.webhooks.signing import sign, verify
from apps.webhooks.transport import is_public
from tests.robustness import PROPERTY

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@PROPERTY
@given(signature=st.text(max_size=40))
@example(signature="v1,é")
def test_verify_answers_false_for_any_signature_text(signature: str) -> None:
    ours = sign(secret=SECRET, message_id="m", timestamp=1, body=b"")
    assert verify(secret=SECRET, message_id="m", timestamp=1, body=b"", signature=signature) is (
        ours in signature.split(" ")
    )


@pytest.mark.parametrize("raw", ["a@b\u3002", "a@b .", "a@b.\u200b", "ada@example.com\uff61"])
def test_normalize_email_is_idempotent(raw: str) -> None:
    once = normalize_email(raw)
    assert normalize_email(once) == once


@PROPERTY
@given(attempt=st.integers(min_value=0, max_value=10**6))
def test_backoff_is_capped_for_any_attempt(attempt: int) -> None:
    assert 0 < backoff_seconds(JobPolicy(jitter=False), attempt=attempt) <= 600


@pytest.mark.parametrize("address", ["192.0.0.8", "192.0.0.100", "192.0.0.255", "3fff::1"])
def test_not_globally_reachable_special_purpose_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


def test_a_request_id_with_a_trailing_newline_is_replaced() -> None:
    assert request_id_from("abc\n") != "abc\n"


@pytest.mark.parametrize("rate", ["5/", "5/x"])
def test_a_malformed_rate_is_a_value_error(rate: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        parse_rate(rate)
