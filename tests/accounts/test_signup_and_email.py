"""Signup (no account enumeration) and email verification."""

import pytest
from django.test import AsyncClient, override_settings

from apps.accounts.models import User
from apps.jobs.models import Job
from tests.factories import PASSWORD, Outbox, amake_user, auth_headers, link_params, login

pytestmark = pytest.mark.django_db(transaction=True)

SIGNUP = "/api/v1/auth/signup"


async def test_signup_creates_an_unverified_account_and_sends_a_link(
    api: AsyncClient, outbox: Outbox
) -> None:
    response = await api.post(
        SIGNUP, {"email": "Ada@Example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 202
    user = await User.objects.aget(email="ada@example.com")
    assert not user.email_verified
    assert user.check_password(PASSWORD)
    messages = await outbox.wait(1)
    assert [message.to for message in messages] == [["ada@example.com"]]
    assert "verify-email" in messages[0].body
    job = await Job.objects.aget(name="email.send")
    assert job.backend == "native"


async def test_signup_answers_the_same_for_an_existing_email(
    api: AsyncClient, outbox: Outbox
) -> None:
    await amake_user(email="ada@example.com")
    fresh = await api.post(
        SIGNUP, {"email": "new@example.com", "password": PASSWORD}, content_type="application/json"
    )
    existing = await api.post(
        SIGNUP, {"email": "ADA@example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert fresh.status_code == existing.status_code == 202
    assert fresh.json() == existing.json()
    assert await User.objects.filter(email="ada@example.com").acount() == 1
    messages = await outbox.wait(2)
    notice = next(message for message in messages if message.to == ["ada@example.com"])
    assert "already has one" in notice.body


async def test_signup_validates_the_password(api: AsyncClient) -> None:
    response = await api.post(
        SIGNUP, {"email": "ada@example.com", "password": "123"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} == {"password"}
    # Each validator's own code, so a frontend can say which rule failed.
    assert {error["code"] for error in response.json()["errors"]} == {
        "password_too_short",
        "password_too_common",
        "password_entirely_numeric",
    }
    assert not await User.objects.filter(email="ada@example.com").aexists()


@override_settings(THROTTLE_RATES={"signup": "2/h"})
async def test_signup_is_throttled_per_address(api: AsyncClient) -> None:
    statuses = []
    for number in range(3):
        response = await api.post(
            SIGNUP,
            {"email": f"user{number}@example.com", "password": PASSWORD},
            content_type="application/json",
        )
        statuses.append(response.status_code)
    assert statuses == [202, 202, 429]
    assert int(response["Retry-After"]) > 0
    assert response.json()["errors"][0]["code"] == "throttled"


async def test_email_verification_link_works_once(api: AsyncClient, outbox: Outbox) -> None:
    await api.post(
        SIGNUP, {"email": "ada@example.com", "password": PASSWORD}, content_type="application/json"
    )
    params = link_params((await outbox.wait(1))[0].body)
    first = await api.post("/api/v1/auth/email/verify", params, content_type="application/json")
    assert first.status_code == 200
    assert first.json()["email_verified"] is True
    again = await api.post("/api/v1/auth/email/verify", params, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["errors"][0]["attr"] == "token"


async def test_verified_flag_shows_on_me_for_every_session(
    api: AsyncClient, outbox: Outbox
) -> None:
    user = await amake_user(email="ada@example.com")
    token = await login(api, user)
    assert (await api.get("/api/v1/auth/me", headers=auth_headers(token))).json()[
        "email_verified"
    ] is False
    request = await api.post("/api/v1/auth/email/verify/request", headers=auth_headers(token))
    assert request.status_code == 202
    params = link_params((await outbox.wait(1))[-1].body)
    assert (
        await api.post("/api/v1/auth/email/verify", params, content_type="application/json")
    ).status_code == 200
    me = await api.get("/api/v1/auth/me", headers=auth_headers(token))
    assert me.json()["email_verified"] is True


async def test_forged_verification_link_is_refused(api: AsyncClient) -> None:
    await amake_user(email="ada@example.com")
    response = await api.post(
        "/api/v1/auth/email/verify",
        {"uid": "MQ", "token": "abc-123"},
        content_type="application/json",
    )
    assert response.status_code == 400
