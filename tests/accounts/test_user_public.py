"""The hot path's ``user_public`` renders exactly what ``UserOutput`` renders."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from apps.accounts.models import User
from apps.accounts.serializers import UserOutput, user_public


@pytest.mark.parametrize(
    "date_joined",
    [
        datetime(2026, 1, 1, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC),
        datetime(2026, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_user_public_matches_the_serializer(date_joined: datetime) -> None:
    user = User(
        id=7,
        email="ada@example.com",
        full_name="Ada Lovelace",
        email_verified=True,
        date_joined=date_joined,
    )
    assert user_public(user) == UserOutput(user).data
