"""A new password set anywhere, and a deactivation, end every session at once.

The API's own password change and reset are tested in ``test_passwords``;
these change the user outside the API: the shell (``set_password`` and
``save``), ``manage.py changepassword``, the admin.
"""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.management.commands.changepassword import Command as ChangePassword
from django.core.management import call_command
from django.test import AsyncClient, override_settings

from apps.accounts.models import AuthToken, User
from tests.factories import PASSWORD, amake_quick_user, amake_token, amake_user, login

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"
NEW_PASSWORD = "a brand new long passphrase"


async def answers(api: AsyncClient, headers: dict[str, str]) -> int:
    return (await api.get(ME, headers=headers)).status_code


async def cached_sessions(api: AsyncClient, count: int = 2) -> tuple[User, list[dict[str, str]]]:
    """A user with ``count`` sessions, each used once (so each is in the token cache)."""
    user, headers = await amake_quick_user()
    sessions = [headers]
    for _ in range(count - 1):
        sessions.append({"Authorization": f"Bearer {await amake_token(user)}"})
    for session in sessions:
        assert await answers(api, session) == 200
    return user, sessions


async def test_set_password_in_the_shell_revokes_every_session(api: AsyncClient) -> None:
    user, sessions = await cached_sessions(api)

    @sync_to_async
    def in_the_shell() -> None:
        account = User.objects.get(pk=user.pk)
        account.set_password(NEW_PASSWORD)
        account.save()

    await in_the_shell()
    assert [await answers(api, session) for session in sessions] == [401, 401]
    assert not await AuthToken.objects.filter(user=user).aexists()


async def test_set_unusable_password_revokes_every_session(api: AsyncClient) -> None:
    user, sessions = await cached_sessions(api, count=1)
    account = await User.objects.aget(pk=user.pk)
    account.set_unusable_password()
    await account.asave(update_fields=["password"])
    assert await answers(api, sessions[0]) == 401


async def test_changepassword_command_revokes_every_session(
    api: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, sessions = await cached_sessions(api)
    monkeypatch.setattr(ChangePassword, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    await sync_to_async(call_command)("changepassword", user.email, stdout=None)
    assert (await User.objects.aget(pk=user.pk)).check_password(NEW_PASSWORD)
    assert [await answers(api, session) for session in sessions] == [401, 401]


async def test_a_password_set_in_the_admin_revokes_every_session(api: AsyncClient) -> None:
    user, sessions = await cached_sessions(api)
    staff = await amake_user(password=None, is_staff=True, is_superuser=True)
    admin = AsyncClient(raise_request_exception=False)
    await admin.aforce_login(staff)
    response = await admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (await User.objects.aget(pk=user.pk)).check_password(NEW_PASSWORD)
    assert [await answers(api, session) for session in sessions] == [401, 401]


async def test_deactivation_deletes_the_sessions_so_reactivation_does_not_revive_them(
    api: AsyncClient,
) -> None:
    user, sessions = await cached_sessions(api)
    account = await User.objects.aget(pk=user.pk)
    account.is_active = False
    await account.asave(update_fields=["is_active"])
    assert [await answers(api, session) for session in sessions] == [401, 401]
    assert not await AuthToken.objects.filter(user=user).aexists()

    account.is_active = True
    await account.asave(update_fields=["is_active"])
    assert [await answers(api, session) for session in sessions] == [401, 401]


async def test_other_profile_changes_keep_the_sessions(api: AsyncClient) -> None:
    user, sessions = await cached_sessions(api)
    account = await User.objects.aget(pk=user.pk)
    account.full_name = "Ada King"
    await account.asave(update_fields=["full_name"])
    for session in sessions:
        response = await api.get(ME, headers=session)
        assert response.status_code == 200
        assert response.json()["full_name"] == "Ada King"  # the cached entry was refreshed


@override_settings(
    PASSWORD_HASHERS=[
        "tests.accounts.hashers.FastPBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
async def test_a_hash_upgrade_at_login_keeps_the_other_sessions(api: AsyncClient) -> None:
    # Stored with the older hasher: logging in re-hashes it with the preferred
    # one (Django saves the password), which is not a new password.
    @sync_to_async
    def user_with_an_old_hash() -> User:
        from django.contrib.auth.hashers import make_password

        return User.objects.create(
            email="ada@example.com", password=make_password(PASSWORD, hasher="md5")
        )

    user = await user_with_an_old_hash()
    other = {"Authorization": f"Bearer {await amake_token(user)}"}
    await login(api, user)
    assert (await User.objects.aget(pk=user.pk)).password.startswith("pbkdf2_sha256$")
    assert await answers(api, other) == 200
