"""Cookie sessions for web apps: the same knox session as a cookie, CSRF-checked, revoked alike."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import AsyncClient
from pytest_django.fixtures import Settings

from apps.accounts.models import User
from tests.accounts.test_authentication import pool_requests
from tests.factories import PASSWORD, amake_user, auth_headers, login

pytestmark = pytest.mark.django_db(transaction=True)

ME = "/api/v1/auth/me"
FRONTEND = "https://app.example.com"
COOKIE = "__Host-session"


@pytest.fixture(autouse=True)
def _frontend_allowed(settings: Settings) -> None:
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]


async def cookie_login(client: AsyncClient, user: User, password: str = PASSWORD) -> str:
    """Log in with the cookie transport (the client keeps the cookie); the CSRF token."""
    body = {"email": user.email, "password": password, "transport": "cookie", "client_name": "web"}
    response = await client.post("/api/v1/auth/login", body, content_type="application/json")
    assert response.status_code == 200, response.content
    csrf: str = response.json()["csrf_token"]
    return csrf


def csrf_headers(csrf: str, origin: str = FRONTEND) -> dict[str, str]:
    return {"X-CSRFToken": csrf, "Origin": origin}


async def test_cookie_login_sets_an_httponly_secure_lax_host_cookie_instead_of_a_token() -> None:
    user, client = await amake_user(), AsyncClient()
    response = await client.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": PASSWORD, "transport": "cookie"},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token"] is None
    assert body["transport"] == "cookie"
    assert len(body["csrf_token"]) == 64
    cookie = response.cookies[COOKIE]
    assert cookie.value.startswith(settings.TOKEN_PREFIX)
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""  # host-only, as __Host- requires
    # Kept as long as auto-refresh can keep the session alive.
    lifetime = settings.TOKEN_AUTO_REFRESH_MAX_TTL / timedelta(seconds=1)
    assert lifetime - 60 < int(cookie["max-age"]) <= lifetime

    me = await client.get(ME)  # the cookie alone authenticates
    assert me.status_code == 200
    assert me.json()["email"] == user.email


async def test_bearer_login_is_unchanged_and_sets_no_cookie(api: AsyncClient) -> None:
    user = await amake_user()
    response = await api.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        content_type="application/json",
    )
    body = response.json()
    assert body["token"].startswith(settings.TOKEN_PREFIX)
    assert body["transport"] == "bearer"
    assert body["csrf_token"] is None
    assert not response.cookies


async def test_the_sessions_list_says_each_sessions_transport() -> None:
    user, web = await amake_user(), AsyncClient()
    await cookie_login(web, user)
    await login(AsyncClient(), user, client_name="ios")
    sessions = (await web.get("/api/v1/auth/sessions")).json()["results"]
    assert {(s["client_name"], s["transport"], s["current"]) for s in sessions} == {
        ("web", "cookie", True),
        ("ios", "bearer", False),
    }


async def test_an_unsafe_cookie_request_needs_the_csrf_header_from_an_allowed_origin() -> None:
    user, web = await amake_user(), AsyncClient()
    csrf = await cookie_login(web, user)

    async def rename(**headers: str) -> tuple[int, str | None]:
        response = await web.patch(ME, {"full_name": "Ada"}, content_type="application/json",
                                   headers=headers)  # fmt: skip
        code = response.json()["errors"][0]["code"] if response.status_code >= 400 else None
        return response.status_code, code

    assert await rename() == (403, "csrf_failed")
    assert await rename(**{"X-CSRFToken": "0" * 64}) == (403, "csrf_failed")
    assert await rename(**csrf_headers(csrf, origin="https://evil.example.net")) == (
        403,
        "csrf_failed",
    )
    assert await rename(**{"X-CSRFToken": csrf}) == (200, None)  # no Origin: not a browser
    assert await rename(**csrf_headers(csrf)) == (200, None)
    # The API's own origin counts as allowed (Swagger UI, the admin).
    assert await rename(**csrf_headers(csrf, origin="http://testserver")) == (200, None)
    # Safe methods need nothing.
    assert (await web.get(ME, headers={"Origin": "https://evil.example.net"})).status_code == 200


async def test_the_csrf_endpoint_gives_the_login_value_back() -> None:
    user, web = await amake_user(), AsyncClient()
    csrf = await cookie_login(web, user)
    response = await web.get("/api/v1/auth/csrf")
    assert response.status_code == 200
    assert response.json() == {"csrf_token": csrf}
    # Another session has another value.
    other = AsyncClient()
    assert await cookie_login(other, user) != csrf


async def test_bearer_requests_need_no_csrf_header(api: AsyncClient) -> None:
    user = await amake_user()
    token = await login(api, user)
    headers = {**auth_headers(token), "Origin": "https://evil.example.net"}
    response = await api.patch(ME, {"full_name": "Ada"}, content_type="application/json",
                               headers=headers)  # fmt: skip
    assert response.status_code == 200


async def test_a_bearer_header_wins_over_a_cookie() -> None:
    first, second = await amake_user(), await amake_user()
    web = AsyncClient()
    await cookie_login(web, first)
    token = await login(AsyncClient(), second)
    me = await web.get(ME, headers=auth_headers(token))
    assert me.json()["email"] == second.email


async def test_a_garbage_cookie_is_401_without_a_lookup(api: AsyncClient) -> None:
    api.cookies[COOKIE] = "not-a-token"
    before = await pool_requests()
    response = await api.get(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"
    assert await pool_requests() == before


async def test_cookie_hits_use_the_token_cache_like_bearer_ones() -> None:
    user, web = await amake_user(), AsyncClient()
    await cookie_login(web, user)
    assert (await web.get(ME)).status_code == 200  # a miss fills the cache
    before = await pool_requests()
    assert (await web.get(ME)).status_code == 200
    assert await pool_requests() == before


async def test_logout_clears_the_cookie_and_ends_the_session() -> None:
    user, web = await amake_user(), AsyncClient()
    csrf = await cookie_login(web, user)
    stolen = web.cookies[COOKIE].value
    response = await web.post("/api/v1/auth/logout", headers=csrf_headers(csrf))
    assert response.status_code == 204
    cleared = response.cookies[COOKIE]
    assert cleared.value == ""
    assert cleared["max-age"] == 0
    replay = AsyncClient()
    replay.cookies[COOKIE] = stolen
    assert (await replay.get(ME)).status_code == 401
    # The same token as a bearer header is refused too: it is one session.
    assert (await AsyncClient().get(ME, headers=auth_headers(stolen))).status_code == 401


class Device:
    """A logged-in client of either transport, making requests the way it would."""

    def __init__(self, transport: str) -> None:
        self.transport = transport
        self.client = AsyncClient()
        self.headers: dict[str, str] = {}

    async def log_in(self, user: User, password: str = PASSWORD) -> "Device":
        if self.transport == "cookie":
            self.headers = csrf_headers(await cookie_login(self.client, user, password))
        else:
            self.headers = auth_headers(await login(self.client, user, password=password))
        return self

    async def me(self) -> int:
        return (await self.client.get(ME, headers=self.headers)).status_code

    async def post(self, path: str, body: dict[str, str] | None = None) -> int:
        response = await self.client.post(
            path, body or {}, content_type="application/json", headers=self.headers
        )
        return response.status_code


@pytest.mark.parametrize("transport", ["bearer", "cookie"])
async def test_revocation_works_the_same_for_both_transports(transport: str) -> None:
    user = await amake_user()
    current, other, third = [await Device(transport).log_in(user) for _ in range(3)]

    # Password change: every other session ends, this one lives on.
    assert (
        await current.post(
            "/api/v1/auth/password/change",
            {"current_password": PASSWORD, "new_password": "a brand new passphrase 7"},
        )
        == 204
    )
    assert (await current.me(), await other.me(), await third.me()) == (200, 401, 401)

    # Revoking one session by id, then logout-all.
    second = await Device(transport).log_in(user, password="a brand new passphrase 7")
    sessions = (await current.client.get("/api/v1/auth/sessions", headers=current.headers)).json()
    other_id = next(s["id"] for s in sessions["results"] if not s["current"])
    revoke = await current.client.delete(
        f"/api/v1/auth/sessions/{other_id}", headers=current.headers
    )
    assert revoke.status_code == 204
    assert await second.me() == 401
    assert await current.post("/api/v1/auth/logout-all") == 204
    assert await current.me() == 401
