"""No API answer is stored by a cache; the admin is where ADMIN_URL says, or nowhere."""

import importlib
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import AsyncClient, override_settings
from django.urls import URLPattern, URLResolver, clear_url_caches, get_resolver
from django.urls.resolvers import RoutePattern

import project.urls
from apps.core.env import ConfigurationError, env_path_prefix
from tests.factories import PASSWORD, amake_quick_user, amake_user

pytestmark = pytest.mark.django_db(transaction=True)

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Public, the same for everyone, and not answered by the API's views.
NOT_PERSONAL = ("api/v1/schema",)


def api_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[str]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_routes(entry.url_patterns, route)
        elif route.startswith("api/v1/") and not route.startswith(NOT_PERSONAL):
            yield route


def filled(route: str) -> str:
    """The route with made-up values (the answer may be 404: it must still not be cached)."""
    values = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "slug": "x", "path": "x"}
    return "/" + PARAMETER.sub(lambda match: values[match.group("converter") or "str"], route)


ROUTES = sorted(api_routes())


def test_the_walk_finds_the_api() -> None:
    assert len(ROUTES) > 20
    assert "api/v1/auth/me" in ROUTES


@pytest.mark.parametrize("route", ROUTES)
async def test_every_authenticated_answer_is_no_store(api: AsyncClient, route: str) -> None:
    _, headers = await amake_quick_user(email_verified=True)
    url = filled(route)
    answers = {
        "GET": await api.get(url, headers=headers),
        "POST": await api.post(url, {}, content_type="application/json", headers=headers),
    }
    for method, response in answers.items():
        where = f"{method} {url} -> {response.status_code}"
        assert "no-store" in response.get("Cache-Control", ""), where


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
async def test_the_login_answer_carries_a_token_and_is_no_store(api: AsyncClient) -> None:
    user = await amake_user()
    response = await api.post(
        "/api/v1/auth/login", {"email": user.email, "password": PASSWORD}, "application/json"
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.fixture
def admin_url(settings: Any) -> Iterator[Any]:
    """Set ``ADMIN_URL`` for a test: the URLconf is rebuilt with it, and restored after."""

    def use(value: str) -> None:
        settings.ADMIN_URL = value
        settings.ADMIN_URL_PREFIX = f"/{value}" if value else ""
        importlib.reload(project.urls)
        clear_url_caches()

    yield use
    settings.ADMIN_URL = "admin/"
    settings.ADMIN_URL_PREFIX = "/admin/"
    importlib.reload(project.urls)
    clear_url_caches()


async def test_an_empty_admin_url_turns_the_admin_off(api: AsyncClient, admin_url: Any) -> None:
    admin_url("")
    response = await api.get("/admin/login/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "Set-Cookie" not in response  # the session middleware did not run


async def test_the_admin_moves_with_admin_url(api: AsyncClient, admin_url: Any) -> None:
    admin_url("backoffice/")
    moved = await api.get("/backoffice/login/")
    assert moved.status_code == 200
    assert "csrftoken" in moved.cookies  # the admin's session-era middleware ran there
    old = await api.get("/admin/login/")
    assert old.status_code == 404


@pytest.mark.parametrize(
    ("raw", "prefix"),
    [
        ("admin/", "admin/"),
        ("/backoffice", "backoffice/"),
        (" ops/admin/ ", "ops/admin/"),
        ("", ""),
    ],
)
def test_admin_url_is_read_as_a_path_prefix(
    monkeypatch: pytest.MonkeyPatch, raw: str, prefix: str
) -> None:
    monkeypatch.setenv("ADMIN_URL", raw)
    assert env_path_prefix("ADMIN_URL", "admin/") == prefix


def test_admin_url_refuses_what_is_not_a_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_URL", "admin?x=1")
    with pytest.raises(ConfigurationError):
        env_path_prefix("ADMIN_URL", "admin/")
