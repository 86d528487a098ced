"""Sessions: listing, revoking one, logout, logout-all; revocation is immediate."""

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient
from knox.crypto import hash_token

from apps.accounts import token_cache
from apps.accounts.models import AuthToken
from apps.core.redis import get_redis
from tests.factories import amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"
SESSIONS = "/api/v1/auth/sessions"


async def test_sessions_list_only_mine_and_marks_the_current_one(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    web = await login(api, ada, client_name="web")
    await login(api, ada, client_name="phone")
    await login(api, bob, client_name="bob's")
    response = await api.get(SESSIONS, headers=auth_headers(web))
    assert response.status_code == 200
    results = response.json()["results"]
    assert {session["client_name"] for session in results} == {"web", "phone"}
    current = [session for session in results if session["current"]]
    assert [session["client_name"] for session in current] == ["web"]
    assert set(results[0]) == {
        "id", "client_name", "user_agent", "ip_address", "created", "expiry", "last_used_at",
        "transport", "current",
    }  # fmt: skip


async def test_revoking_a_session_refuses_its_token_at_once(api: AsyncClient) -> None:
    ada = await amake_user()
    web = await login(api, ada, client_name="web")
    phone = await login(api, ada, client_name="phone")
    assert (await api.get(ME, headers=auth_headers(phone))).status_code == 200  # cached now
    phone_id = str((await AuthToken.objects.aget(digest=hash_token(phone))).public_id)
    response = await api.delete(f"{SESSIONS}/{phone_id}", headers=auth_headers(web))
    assert response.status_code == 204
    assert (await api.get(ME, headers=auth_headers(phone))).status_code == 401
    assert (await api.get(ME, headers=auth_headers(web))).status_code == 200


async def test_revoking_someone_elses_session_is_404(api: AsyncClient) -> None:
    ada, bob = await amake_user(), await amake_user()
    ada_token = await login(api, ada)
    bob_token = await login(api, bob)
    bob_id = str((await AuthToken.objects.aget(digest=hash_token(bob_token))).public_id)
    response = await api.delete(f"{SESSIONS}/{bob_id}", headers=auth_headers(ada_token))
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert (await api.get(ME, headers=auth_headers(bob_token))).status_code == 200


async def test_logout_then_reuse_is_401(api: AsyncClient) -> None:
    ada = await amake_user()
    token = await login(api, ada)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    assert (await api.post("/api/v1/auth/logout", headers=auth_headers(token))).status_code == 204
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401
    assert await get_redis().get(token_cache.entry_key(hash_token(token))) is None


async def test_logout_all_revokes_every_session(api: AsyncClient) -> None:
    ada = await amake_user()
    tokens = [await login(api, ada, client_name=f"device {n}") for n in range(3)]
    for token in tokens:
        assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    response = await api.post("/api/v1/auth/logout-all", headers=auth_headers(tokens[0]))
    assert response.status_code == 204
    for token in tokens:
        assert (await api.get(ME, headers=auth_headers(token))).status_code == 401
    assert not await AuthToken.objects.filter(user=ada).aexists()


async def test_deleting_a_session_in_the_admin_revokes_it(api: AsyncClient) -> None:
    """Any deletion of the row (admin, shell, cascade) invalidates the cache after commit."""
    ada = await amake_user()
    token = await login(api, ada)
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 200
    session = await AuthToken.objects.aget(digest=hash_token(token))
    await sync_to_async(session.delete)()
    assert (await api.get(ME, headers=auth_headers(token))).status_code == 401


async def test_me_update_changes_the_profile_everywhere(api: AsyncClient) -> None:
    ada = await amake_user(full_name="Ada")
    web = await login(api, ada)
    phone = await login(api, ada)
    assert (await api.get(ME, headers=auth_headers(phone))).json()["full_name"] == "Ada"
    response = await api.patch(
        ME, {"full_name": "Ada King"}, content_type="application/json", headers=auth_headers(web)
    )
    assert response.status_code == 200
    assert response.json()["full_name"] == "Ada King"
    assert (await api.get(ME, headers=auth_headers(phone))).json()["full_name"] == "Ada King"


async def test_me_update_rejects_bad_input(api: AsyncClient) -> None:
    ada = await amake_user()
    token = await login(api, ada)
    response = await api.patch(
        ME, {"full_name": "x" * 200}, content_type="application/json", headers=auth_headers(token)
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "full_name"
