"""Password change and reset: single-use, expiring links; sessions revoked."""

from datetime import datetime, timedelta
from typing import override

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import AsyncClient

from apps.accounts.models import User
from apps.accounts.tokens import uid_for
from apps.jobs.models import Job
from tests.factories import PASSWORD, Outbox, amake_user, auth_headers, link_params, login

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a brand new long passphrase"
ME = "/api/v1/auth/me"


async def request_reset(api: AsyncClient, email: str) -> int:
    response = await api.post(
        "/api/v1/auth/password/reset", {"email": email}, content_type="application/json"
    )
    return response.status_code


async def confirm(api: AsyncClient, params: dict[str, str], password: str = NEW_PASSWORD) -> object:
    return await api.post(
        "/api/v1/auth/password/reset/confirm",
        {**params, "new_password": password},
        content_type="application/json",
    )


async def test_change_needs_the_current_password(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    response = await api.post(
        "/api/v1/auth/password/change",
        {"current_password": "wrong", "new_password": NEW_PASSWORD},
        content_type="application/json",
        headers=auth_headers(token),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "current_password"


async def test_change_validates_the_new_password(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    response = await api.post(
        "/api/v1/auth/password/change",
        {"current_password": PASSWORD, "new_password": "short"},
        content_type="application/json",
        headers=auth_headers(token),
    )
    assert response.status_code == 400
    assert {error["attr"] for error in response.json()["errors"]} == {"new_password"}
    assert "password_too_short" in {error["code"] for error in response.json()["errors"]}


async def test_change_revokes_every_other_session(api: AsyncClient) -> None:
    user = await amake_user()
    current = await login(api, user)
    other = await login(api, user)
    assert (await api.get(ME, headers=auth_headers(other))).status_code == 200
    response = await api.post(
        "/api/v1/auth/password/change",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        content_type="application/json",
        headers=auth_headers(current),
    )
    assert response.status_code == 204
    assert (await api.get(ME, headers=auth_headers(other))).status_code == 401
    assert (await api.get(ME, headers=auth_headers(current))).status_code == 200
    refreshed = await User.objects.aget(pk=user.pk)
    assert refreshed.check_password(NEW_PASSWORD)


async def test_reset_answers_the_same_for_unknown_emails(api: AsyncClient, outbox: Outbox) -> None:
    await amake_user(email="ada@example.com")
    assert await request_reset(api, "ada@example.com") == 202
    assert await request_reset(api, "nobody@example.com") == 202
    # The same job for both; only the one for an account sends an email.
    assert await Job.objects.filter(name="accounts.password_reset").acount() == 2
    assert [message.to for message in await outbox.wait(1)] == [["ada@example.com"]]
    await outbox.drain()
    assert await Job.objects.filter(name="email.send").acount() == 1


async def test_reset_link_sets_the_password_and_revokes_all_sessions(
    api: AsyncClient, outbox: Outbox
) -> None:
    user = await amake_user(email="ada@example.com")
    token = await login(api, user)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    await request_reset(api, "ada@example.com")
    response = await confirm(api, link_params((await outbox.wait(1))[-1].body))
    assert response.status_code == 204  # type: ignore[attr-defined]
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401
    assert (await User.objects.aget(pk=user.pk)).check_password(NEW_PASSWORD)


async def test_reset_link_works_once(api: AsyncClient, outbox: Outbox) -> None:
    await amake_user(email="ada@example.com")
    await request_reset(api, "ada@example.com")
    params = link_params((await outbox.wait(1))[-1].body)
    assert (await confirm(api, params)).status_code == 204  # type: ignore[attr-defined]
    reused = await confirm(api, params, password="yet another passphrase")
    assert reused.status_code == 400  # type: ignore[attr-defined]
    assert reused.json()["errors"][0]["attr"] == "token"  # type: ignore[attr-defined]


class IssuedTwoHoursAgo(PasswordResetTokenGenerator):
    @override
    def _now(self) -> datetime:
        return datetime.now() - timedelta(hours=2)


async def test_expired_reset_link_is_refused(api: AsyncClient) -> None:
    user = await amake_user(email="ada@example.com")
    old_token = await sync_to_async(IssuedTwoHoursAgo().make_token)(user)
    response = await confirm(api, {"uid": uid_for(user), "token": old_token})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert (await User.objects.aget(pk=user.pk)).check_password(PASSWORD)
