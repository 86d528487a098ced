"""One address, one account: emails are normalised (NFKC, lower case, IDNA domain)
before uniqueness, login and lockout, and existing rows are migrated."""

import importlib
from typing import Any

import pytest
from django.apps import apps as installed_apps
from django.test import AsyncClient, override_settings
from hypothesis import given
from hypothesis import strategies as st

from apps.accounts.models import User, normalize_email
from apps.workspaces.models import Invitation
from tests.factories import PASSWORD, amake_user
from tests.workspaces.factories import make_workspace


def fullwidth(text: str) -> str:
    """``text`` in Unicode's fullwidth forms (look-alikes of ASCII that NFKC maps back)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SIGNUP = "/api/v1/auth/signup"
LOGIN = "/api/v1/auth/login"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("User@Exämple.com", "user@xn--exmple-cua.com"),
        ("user@xn--exmple-cua.com", "user@xn--exmple-cua.com"),
        ("USER@XN--EXMPLE-CUA.COM", "user@xn--exmple-cua.com"),
        (fullwidth("user@example.com"), "user@example.com"),
        ("\ufb01nance@example.com", "finance@example.com"),  # the "fi" ligature
        ("  Ada@Example.COM. ", "ada@example.com"),
        ("ada@münchen.de", "ada@xn--mnchen-3ya.de"),
        ("ada@example_test.com", "ada@example_test.com"),  # not IDNA: lower-cased only
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_look_alike_spellings_of_an_address_are_one(raw: str, normal: str) -> None:
    assert normalize_email(raw) == normal


@given(st.text(max_size=80))
def test_normalising_is_total_and_idempotent(text: str) -> None:
    once = normalize_email(text)
    assert normalize_email(once) == once


@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=FAST_HASHER)
async def test_a_unicode_domain_and_its_idna_form_are_one_account(api: AsyncClient) -> None:
    first = await api.post(
        SIGNUP, {"email": "Ada@Exämple.com", "password": PASSWORD}, "application/json"
    )
    second = await api.post(
        SIGNUP, {"email": "ada@xn--exmple-cua.com", "password": PASSWORD}, "application/json"
    )
    wide = await api.post(
        SIGNUP,
        {"email": fullwidth("ada") + "@exämple.com", "password": PASSWORD},
        "application/json",
    )
    assert first.status_code == second.status_code == wide.status_code == 202
    assert [user.email async for user in User.objects.all()] == ["ada@xn--exmple-cua.com"]
    for spelling in ("ADA@EXÄMPLE.COM", "ada@xn--exmple-cua.com", fullwidth("ada@exämple.com")):
        login = await api.post(LOGIN, {"email": spelling, "password": PASSWORD}, "application/json")
        assert login.status_code == 200, (spelling, login.content)


@pytest.mark.django_db(transaction=True)
@override_settings(PASSWORD_HASHERS=FAST_HASHER, AXES_FAILURE_LIMIT=3)
async def test_look_alike_spellings_share_one_lockout(api: AsyncClient) -> None:
    await amake_user(email="ada@xn--exmple-cua.com")
    spellings = ["ada@exämple.com", "ADA@XN--EXMPLE-CUA.COM", fullwidth("ada") + "@exämple.com"]
    for spelling in spellings:
        await api.post(LOGIN, {"email": spelling, "password": "wrong"}, "application/json")
    locked = await api.post(
        LOGIN, {"email": "ada@xn--exmple-cua.com", "password": PASSWORD}, "application/json"
    )
    assert locked.status_code == 429


@pytest.mark.django_db(transaction=True)
async def test_an_address_too_long_once_idna_encoded_is_a_400(api: AsyncClient) -> None:
    # 242 characters as typed, over 254 once the domain is IDNA-encoded.
    label = "".join(chr(0x4E00 + 37 * number) for number in range(15))  # CJK ideographs
    email = "a" * 190 + "@" + ".".join([label] * 3) + ".com"
    assert len(email) <= 254 < len(normalize_email(email))
    response = await api.post(SIGNUP, {"email": email, "password": PASSWORD}, "application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "email"


@pytest.mark.django_db
def test_a_user_made_in_the_admin_form_is_stored_normalised() -> None:
    from django.contrib.admin.sites import site

    admin = site._registry[User]
    form_class = admin.get_form(None, None)  # type: ignore[arg-type]  # the add form
    form = form_class(
        data={"email": "Grace@Exämple.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert form.is_valid(), form.errors
    assert form.save().email == "grace@xn--exmple-cua.com"


def _migration(app: str, name: str) -> Any:
    return importlib.import_module(f"apps.{app}.migrations.{name}")


@pytest.mark.django_db
def test_the_migration_normalises_existing_users() -> None:
    ada = User.objects.create_user(email="ada@example.com", password=None)
    User.objects.filter(pk=ada.pk).update(email="Ada@Exämple.com")  # as stored before
    _migration("accounts", "0004_normalize_emails").normalize_user_emails(installed_apps, None)
    assert User.objects.get(pk=ada.pk).email == "ada@xn--exmple-cua.com"


@pytest.mark.django_db
def test_the_migration_reports_accounts_that_would_collide_and_changes_nothing() -> None:
    migration = _migration("accounts", "0004_normalize_emails")
    unicode_form = User.objects.create_user(email="ada@example.com", password=None)
    User.objects.filter(pk=unicode_form.pk).update(email="Ada@Exämple.com")
    idna_form = User.objects.create_user(email="ada@xn--exmple-cua.com", password=None)
    bystander = User.objects.create_user(email="grace@example.com", password=None)
    User.objects.filter(pk=bystander.pk).update(email="Grace@Example.com")
    with pytest.raises(migration.EmailCollision) as collision:
        migration.normalize_user_emails(installed_apps, None)
    message = str(collision.value)
    assert "ada@xn--exmple-cua.com" in message
    assert f"id {unicode_form.pk} <Ada@Exämple.com>" in message
    assert f"id {idna_form.pk} <ada@xn--exmple-cua.com>" in message
    assert "grace" not in message.lower()
    assert User.objects.get(pk=bystander.pk).email == "Grace@Example.com"  # nothing changed


@pytest.mark.django_db
def test_the_invitation_migration_keeps_the_newest_open_invitation_per_address() -> None:
    owner = User.objects.create_user(email="owner@example.com", password=None)
    workspace = make_workspace(owner=owner)

    def invitation(email: str, digest: str) -> Invitation:
        from django.utils import timezone

        return Invitation.objects.create(
            workspace=workspace,
            email=email,
            token_digest=digest,
            invited_by=owner,
            expires_at=timezone.now(),
        )

    older = invitation("Eve@Exämple.com", "a" * 64)
    newer = invitation("eve@xn--exmple-cua.com", "b" * 64)
    _migration("workspaces", "0002_normalize_invitation_emails").normalize_invitation_emails(
        installed_apps, None
    )
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.email == newer.email == "eve@xn--exmple-cua.com"
    assert older.revoked_at is not None
    assert newer.revoked_at is None
