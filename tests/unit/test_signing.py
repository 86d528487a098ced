"""Webhook signatures (Standard Webhooks): what is signed verifies, any change does not."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.webhooks.signing import SECRET_PREFIX, new_secret, secret_key, sign, verify
from tests.robustness import PROPERTY

secrets_ = st.binary(min_size=24, max_size=64).map(
    lambda key: SECRET_PREFIX + base64.b64encode(key).decode()
)
message_ids = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)
timestamps = st.integers(min_value=0, max_value=2**40)
bodies = st.binary(max_size=200)
ascii_signatures = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60
)


@PROPERTY
@given(secret=secrets_, message_id=message_ids, timestamp=timestamps, body=bodies)
def test_a_signature_verifies_its_own_message(
    secret: str, message_id: str, timestamp: int, body: bytes
) -> None:
    signature = sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
    assert signature.startswith("v1,")
    assert len(base64.b64decode(signature.removeprefix("v1,"))) == 32  # HMAC-SHA256
    assert verify(
        secret=secret, message_id=message_id, timestamp=timestamp, body=body, signature=signature
    )


@PROPERTY
@given(
    secret=secrets_,
    other_secret=secrets_,
    message_id=message_ids,
    timestamp=timestamps,
    body=bodies,
    extra=st.binary(min_size=1, max_size=4),
)
def test_a_signature_fails_for_any_other_secret_id_time_or_body(
    secret: str, other_secret: str, message_id: str, timestamp: int, body: bytes, extra: bytes
) -> None:
    signature = sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
    message = {"message_id": message_id, "timestamp": timestamp, "body": body}
    changed: list[dict[str, object]] = [
        {"message_id": message_id + "x"},
        {"timestamp": timestamp + 1},
        {"body": body + extra},
    ]
    for change in changed:
        arguments: dict[str, object] = {**message, **change}
        assert not verify(secret=secret, signature=signature, **arguments)  # type: ignore[arg-type]
    if secret_key(other_secret) != secret_key(secret):
        assert not verify(secret=other_secret, signature=signature, **message)  # type: ignore[arg-type]


@PROPERTY
@given(
    secret=secrets_,
    body=bodies,
    others=st.lists(ascii_signatures, max_size=3),
    position=st.integers(min_value=0, max_value=3),
)
def test_any_one_of_several_signatures_is_enough(
    secret: str, body: bytes, others: list[str], position: int
) -> None:
    ours = sign(secret=secret, message_id="msg_1", timestamp=1, body=body)
    listed = [*others[:position], ours, *others[position:]]
    assert verify(
        secret=secret, message_id="msg_1", timestamp=1, body=body, signature=" ".join(listed)
    )
    assert not verify(
        secret=secret, message_id="msg_1", timestamp=1, body=body, signature=" ".join(others)
    )


def test_a_new_secret_is_32_random_bytes_behind_the_prefix() -> None:
    first, second = new_secret(), new_secret()
    assert first.startswith(SECRET_PREFIX)
    assert len(secret_key(first)) == 32
    assert first != second


@pytest.mark.parametrize("secret", ["whsec_not base64!", "whsec_abc", "whsec_é"])
def test_a_malformed_secret_is_a_value_error(secret: str) -> None:
    with pytest.raises(ValueError, match=r"base64|ASCII"):
        secret_key(secret)
