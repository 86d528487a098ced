"""Nothing says whether an email has an account: not the answer, not its timing."""

import pytest
from django.test import AsyncClient, override_settings

from tests.factories import PASSWORD, amake_user
from tests.timing import interleaved

pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/api/v1/auth/password/reset"
SIGNUP = "/api/v1/auth/signup"
LOGIN = "/api/v1/auth/login"
UNLIMITED = {"password_reset": "100000/h", "signup": "100000/h"}


@override_settings(THROTTLE_RATES=UNLIMITED)
async def test_password_reset_takes_as_long_for_unknown_addresses(api: AsyncClient) -> None:
    """Measured: 40 requests for an address with an account and 40 for one
    without, interleaved in a random order, each timed around the whole
    request through the in-process client (parsing, the service, the
    database writes, the response); compared by rank (``tests.timing``).

    Before the fix a known address did its lookup, token and job writes in the
    request and an unknown one returned after the lookup: every known request
    was slower than nearly every unknown one (P ~ 1.0, medians about twice
    apart). Now both enqueue the same job and the job decides.
    """
    await amake_user(email="known@example.com")

    async def known() -> None:
        response = await api.post(RESET, {"email": "known@example.com"}, "application/json")
        assert response.status_code == 202

    async def unknown() -> None:
        response = await api.post(RESET, {"email": "unknown@example.com"}, "application/json")
        assert response.status_code == 202

    comparison = await interleaved(known, unknown, rounds=40)
    assert comparison.indistinguishable(), comparison.describe()


@override_settings(
    THROTTLE_RATES=UNLIMITED,
    # A fast hasher, so that the hash (done on both paths) does not drown
    # out whatever else differs between them.
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
async def test_signup_takes_as_long_for_an_existing_address(api: AsyncClient) -> None:
    """Measured like the reset above: 40 signups with an address that has an
    account and 40 with new addresses, interleaved, compared by rank.

    Both paths hash the password, try one insert and queue one email.
    """
    await amake_user(email="known@example.com")
    numbers = iter(range(1000))

    async def existing() -> None:
        body = {"email": "known@example.com", "password": PASSWORD}
        assert (await api.post(SIGNUP, body, "application/json")).status_code == 202

    async def new() -> None:
        body = {"email": f"new{next(numbers)}@example.com", "password": PASSWORD}
        assert (await api.post(SIGNUP, body, "application/json")).status_code == 202

    comparison = await interleaved(existing, new, rounds=40)
    assert comparison.indistinguishable(), comparison.describe()


@override_settings(
    THROTTLE_RATES=UNLIMITED | {"login": "100000/h"},
    AXES_FAILURE_LIMIT=1000,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
async def test_failed_login_takes_as_long_for_an_unknown_address(api: AsyncClient) -> None:
    """Measured like the reset above: 40 wrong passwords for an address with an
    account and 40 for one without, interleaved, compared by rank. (Django's
    ModelBackend hashes the password for an unknown user too; axes records
    the failure either way.)"""
    await amake_user(email="known@example.com")

    async def attempt(email: str) -> None:
        body = {"email": email, "password": "not the password"}
        assert (await api.post(LOGIN, body, "application/json")).status_code == 401

    comparison = await interleaved(
        lambda: attempt("known@example.com"), lambda: attempt("unknown@example.com"), rounds=40
    )
    assert comparison.indistinguishable(), comparison.describe()
