"""The user id in account links (password reset, email verification)."""

from hypothesis import example, given
from hypothesis import strategies as st

from apps.accounts.models import User
from apps.accounts.tokens import uid_for, user_id_from
from tests.robustness import PROPERTY


@PROPERTY
@given(user_id=st.integers(min_value=1, max_value=2**63 - 1))
def test_a_links_uid_gives_back_its_users_id(user_id: int) -> None:
    uid = uid_for(User(pk=user_id))
    assert uid.isascii()
    assert "=" not in uid  # unpadded: it travels in a URL
    assert user_id_from(uid) == user_id


@PROPERTY
@given(uid=st.text(max_size=60))
@example(uid="")
@example(uid="LTE")  # "-1"
@example(uid="A" * 10_000)
@example(uid="/w")  # not UTF-8 once decoded
def test_any_text_gives_an_integer_or_none(uid: str) -> None:
    found = user_id_from(uid)
    assert found is None or isinstance(found, int)
