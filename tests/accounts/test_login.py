"""Logging in: tokens, wrong passwords, axes lockout, the token limit."""

import pytest
from django.test import AsyncClient, override_settings

from apps.accounts.models import AuthToken
from tests.factories import PASSWORD, amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/api/v1/auth/login"


async def post_login(api: AsyncClient, email: str, password: str) -> object:
    return await api.post(
        LOGIN, {"email": email, "password": password}, content_type="application/json"
    )


async def test_login_returns_token_expiry_and_public_user(api: AsyncClient) -> None:
    user = await amake_user(email="ada@example.com", full_name="Ada")
    response = await api.post(
        LOGIN,
        {"email": "ADA@example.com", "password": PASSWORD, "client_name": "web"},
        content_type="application/json",
        headers={"User-Agent": "pytest-browser"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"].startswith("aa_")
    assert body["expiry"]
    assert body["user"] == {
        "id": user.pk,
        "email": "ada@example.com",
        "full_name": "Ada",
        "email_verified": False,
        "date_joined": body["user"]["date_joined"],
    }
    session = await AuthToken.objects.aget(public_id=body["session_id"])
    assert session.client_name == "web"
    assert session.user_agent == "pytest-browser"
    assert session.ip_address == "127.0.0.1"
    assert session.digest != body["token"]  # stored hashed


async def test_wrong_password_is_401_without_saying_which_part_was_wrong(api: AsyncClient) -> None:
    await amake_user(email="ada@example.com")
    wrong_password = await post_login(api, "ada@example.com", "nope-nope-nope")
    unknown_email = await post_login(api, "nobody@example.com", PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 401  # type: ignore[attr-defined]
    assert wrong_password.json()["errors"] == unknown_email.json()["errors"]  # type: ignore[attr-defined]


@override_settings(AXES_FAILURE_LIMIT=3)
async def test_repeated_failures_lock_out_even_the_right_password(api: AsyncClient) -> None:
    await amake_user(email="ada@example.com")
    statuses = [
        (await post_login(api, "ada@example.com", f"wrong-{attempt}")).status_code  # type: ignore[attr-defined]
        for attempt in range(3)
    ]
    assert statuses == [401, 401, 429]
    locked = await post_login(api, "ada@example.com", PASSWORD)
    assert locked.status_code == 429  # type: ignore[attr-defined]
    assert int(locked["Retry-After"]) > 0  # type: ignore[index]
    body = locked.json()  # type: ignore[attr-defined]
    assert body["errors"][0]["code"] == "throttled"
    wrong_while_locked = await post_login(api, "ada@example.com", "wrong-again")
    assert wrong_while_locked.json()["errors"] == body["errors"]  # type: ignore[attr-defined]
    assert not await AuthToken.objects.aexists()


@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
async def test_lockout_is_per_email_and_address(api: AsyncClient) -> None:
    """Neither a victim's email alone nor a shared office address alone gets locked."""
    await amake_user(email="ada@example.com")
    await amake_user(email="bob@example.com")

    async def attempt(email: str, password: str, address: str) -> int:
        response = await api.post(
            LOGIN,
            {"email": email, "password": password},
            content_type="application/json",
            headers={"X-Forwarded-For": address},
        )
        return response.status_code

    for number in range(3):
        await attempt("ada@example.com", f"wrong-{number}", "203.0.113.5")
    assert await attempt("ada@example.com", PASSWORD, "203.0.113.5") == 429
    assert await attempt("bob@example.com", PASSWORD, "203.0.113.5") == 200
    assert await attempt("ada@example.com", PASSWORD, "198.51.100.7") == 200


@override_settings(AXES_FAILURE_LIMIT=3)
async def test_success_resets_the_failure_count(api: AsyncClient) -> None:
    await amake_user(email="ada@example.com")
    for attempt in range(2):
        await post_login(api, "ada@example.com", f"wrong-{attempt}")
    assert (await post_login(api, "ada@example.com", PASSWORD)).status_code == 200  # type: ignore[attr-defined]
    for attempt in range(2):
        assert (await post_login(api, "ada@example.com", f"again-{attempt}")).status_code == 401  # type: ignore[attr-defined]


async def test_inactive_user_cannot_log_in(api: AsyncClient) -> None:
    await amake_user(email="ada@example.com", is_active=False)
    assert (await post_login(api, "ada@example.com", PASSWORD)).status_code == 401  # type: ignore[attr-defined]


@override_settings(TOKEN_LIMIT_PER_USER=2)
async def test_token_limit_evicts_the_oldest_session(api: AsyncClient) -> None:
    user = await amake_user()
    first = await login(api, user, client_name="first")
    await login(api, user, client_name="second")
    await login(api, user, client_name="third")
    names = {
        name
        async for name in AuthToken.objects.filter(user=user).values_list("client_name", flat=True)
    }
    assert names == {"second", "third"}
    refused = await api.get("/api/v1/auth/me", headers=auth_headers(first))
    assert refused.status_code == 401


async def test_invalid_login_body_is_a_validation_error(api: AsyncClient) -> None:
    response = await api.post(LOGIN, {"email": "not-an-email"}, content_type="application/json")
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} == {"email", "password"}
