"""Two real uvicorn processes share Redis: a revocation through one is seen by the other."""

import httpx
import pytest

from tests.factories import PASSWORD, make_user
from tests.live import live_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.workers  # starts processes
def test_revocation_through_one_process_is_refused_by_the_other_at_once() -> None:
    user = make_user(email="ada@example.com")
    with live_server() as first, live_server() as second:
        login = httpx.post(
            f"{first.base_url}/api/v1/auth/login",
            json={"email": user.email, "password": PASSWORD, "client_name": "phone"},
        )
        assert login.status_code == 200, login.text
        token = login.json()["token"]
        session_id = login.json()["session_id"]
        headers = {"Authorization": f"Bearer {token}"}
        other = httpx.post(
            f"{first.base_url}/api/v1/auth/login",
            json={"email": user.email, "password": PASSWORD, "client_name": "web"},
        ).json()["token"]
        # Warm both processes: each now authenticates the phone token from the cache.
        assert httpx.get(f"{first.base_url}/api/v1/auth/me", headers=headers).status_code == 200
        assert httpx.get(f"{second.base_url}/api/v1/auth/me", headers=headers).status_code == 200

        revoke = httpx.delete(
            f"{first.base_url}/api/v1/auth/sessions/{session_id}",
            headers={"Authorization": f"Bearer {other}"},
        )
        assert revoke.status_code == 204

        refused = httpx.get(f"{second.base_url}/api/v1/auth/me", headers=headers)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["code"] == "authentication_failed"
