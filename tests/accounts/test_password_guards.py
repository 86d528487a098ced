"""Every endpoint that checks or sets a password, or sends an email, is throttled;
the password change counts wrong guesses like failed logins (django-axes)."""

from typing import Any

import pytest
from django.test import AsyncClient, override_settings

from apps.accounts.models import User
from tests.factories import PASSWORD, amake_token, amake_user, auth_headers

pytestmark = pytest.mark.django_db(transaction=True)

CHANGE = "/api/v1/auth/password/change"
LOGIN = "/api/v1/auth/login"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
NEW_PASSWORD = "a brand new long passphrase"


async def change(
    api: AsyncClient, token: str, current: str, *, address: str = "203.0.113.5"
) -> Any:
    return await api.post(
        CHANGE,
        {"current_password": current, "new_password": NEW_PASSWORD},
        content_type="application/json",
        headers={**auth_headers(token), "X-Forwarded-For": address},
    )


@override_settings(
    PASSWORD_HASHERS=FAST_HASHER,
    TRUSTED_PROXY_COUNT=1,
    THROTTLE_RATES={"password_change": "3/h"},
)
async def test_password_change_is_throttled_per_user_whatever_the_address(
    api: AsyncClient,
) -> None:
    user = await amake_user()
    token = await amake_token(user)
    statuses = [
        (await change(api, token, f"guess {number}", address=f"198.51.100.{number}")).status_code
        for number in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


@override_settings(
    PASSWORD_HASHERS=FAST_HASHER,
    TRUSTED_PROXY_COUNT=1,
    THROTTLE_RATES={"password_change": "3/h"},
)
async def test_password_change_is_throttled_per_address_whatever_the_user(
    api: AsyncClient,
) -> None:
    tokens = [await amake_token(await amake_user()) for _ in range(4)]
    statuses = [(await change(api, token, "a guess")).status_code for token in tokens]
    assert statuses == [400, 400, 400, 429]


@override_settings(PASSWORD_HASHERS=FAST_HASHER, TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3)
async def test_wrong_current_passwords_lock_out_like_failed_logins(api: AsyncClient) -> None:
    user = await amake_user(email="ada@example.com")
    token = await amake_token(user)
    statuses = [(await change(api, token, f"guess {number}")).status_code for number in range(3)]
    assert statuses == [400, 400, 429]  # the third failure locks the pair out
    # Locked out: even the right password is refused, before it is checked...
    locked = await change(api, token, PASSWORD)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert not (await User.objects.aget(pk=user.pk)).check_password(NEW_PASSWORD)
    # ...and so is a login from that address, which shares the count.
    login = await api.post(
        LOGIN,
        {"email": "ada@example.com", "password": PASSWORD},
        content_type="application/json",
        headers={"X-Forwarded-For": "203.0.113.5"},
    )
    assert login.status_code == 429
    # Another address is not locked out (axes counts per email and address).
    assert (await change(api, token, PASSWORD, address="198.51.100.7")).status_code == 204


@override_settings(TRUSTED_PROXY_COUNT=1, THROTTLE_RATES={"account_link": "2/h"})
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/password/reset/confirm", {"new_password": NEW_PASSWORD}),
        ("/api/v1/auth/email/verify", {}),
    ],
)
async def test_account_links_are_throttled_per_address(
    api: AsyncClient, path: str, body: dict[str, str]
) -> None:
    statuses = [
        (
            await api.post(
                path,
                {"uid": "MQ", "token": f"guess-{number}", **body},
                content_type="application/json",
                headers={"X-Forwarded-For": "203.0.113.5"},
            )
        ).status_code
        for number in range(3)
    ]
    assert statuses == [400, 400, 429]


@override_settings(TRUSTED_PROXY_COUNT=1, THROTTLE_RATES={"email_verification": "2/h"})
async def test_verification_requests_are_throttled_per_user_whatever_the_address(
    api: AsyncClient,
) -> None:
    token = await amake_token(await amake_user(password=None))
    statuses = [
        (
            await api.post(
                "/api/v1/auth/email/verify/request",
                headers={**auth_headers(token), "X-Forwarded-For": f"198.51.100.{number}"},
            )
        ).status_code
        for number in range(3)
    ]
    assert statuses == [202, 202, 429]
