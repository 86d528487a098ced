"""Invitations are emails sent in the inviter's name: only from a verified
address, rate-limited, and names never break out of the subject line."""

from typing import Any

import pytest
from django.test import AsyncClient, override_settings

from apps.core.text import header_safe, single_line_problem
from apps.jobs.models import Job
from apps.workspaces.models import Invitation, Role, Workspace
from tests.factories import Outbox, amake_quick_user
from tests.workspaces.factories import amake_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def invitations_url(workspace: Workspace) -> str:
    return f"/api/v1/workspaces/{workspace.pk}/invitations"


async def invite(
    api: AsyncClient, workspace: Workspace, headers: dict[str, str], email: str
) -> Any:
    return await api.post(
        invitations_url(workspace),
        {"email": email, "role": "member"},
        content_type="application/json",
        headers=headers,
    )


async def test_an_unverified_inviter_is_refused(api: AsyncClient) -> None:
    owner, headers = await amake_quick_user(email_verified=False)
    workspace = await amake_workspace(owner=owner)
    response = await invite(api, workspace, headers, "eve@example.com")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "email_not_verified"
    assert not await Invitation.objects.aexists()
    assert not await Job.objects.filter(name="email.send").aexists()


@override_settings(THROTTLE_RATES={"invitation": "2/h", "invitation_workspace": "100/h"})
async def test_invitations_are_throttled_per_inviter(api: AsyncClient) -> None:
    owner, headers = await amake_quick_user(email_verified=True)
    first, second = await amake_workspace(owner=owner), await amake_workspace(owner=owner)
    statuses = [
        (await invite(api, workspace, headers, f"eve{number}@example.com")).status_code
        for number, workspace in enumerate([first, second, first])
    ]
    assert statuses == [201, 201, 429]
    # Listing is not an invitation: never throttled by it.
    assert (await api.get(invitations_url(first), headers=headers)).status_code == 200


@override_settings(THROTTLE_RATES={"invitation": "100/h", "invitation_workspace": "2/h"})
async def test_invitations_are_throttled_per_workspace(api: AsyncClient) -> None:
    (owner, owner_headers), (admin, admin_headers) = (
        await amake_quick_user(email_verified=True),
        await amake_quick_user(email_verified=True),
    )
    workspace = await amake_workspace(owner=owner, members={admin: Role.ADMIN})
    statuses = [
        (await invite(api, workspace, headers, f"eve{number}@example.com")).status_code
        for number, headers in enumerate([owner_headers, admin_headers, admin_headers])
    ]
    assert statuses == [201, 201, 429]
    other = await amake_workspace(owner=admin)
    assert (await invite(api, other, admin_headers, "bob@example.com")).status_code == 201


@pytest.mark.parametrize(
    "name",
    [
        "Acme\r\nBcc: victim@example.com",
        "Acme\nX-Injected: yes",
        "Acme\u2028Next line",
        "Acme\x00",
        "Acme\u202egnp.exe",
    ],
)
async def test_names_with_line_breaks_or_controls_are_refused(api: AsyncClient, name: str) -> None:
    _, headers = await amake_quick_user()
    created = await api.post(
        "/api/v1/workspaces", {"name": name}, content_type="application/json", headers=headers
    )
    assert created.status_code == 400
    assert created.json()["errors"][0]["attr"] == "name"
    renamed = await api.patch(
        "/api/v1/auth/me", {"full_name": name}, content_type="application/json", headers=headers
    )
    assert renamed.status_code == 400
    assert renamed.json()["errors"][0]["attr"] == "full_name"


async def test_a_stored_name_with_a_line_break_stays_in_the_subject(
    api: AsyncClient, outbox: Outbox
) -> None:
    # A name stored before the input rule (or through the admin).
    owner, headers = await amake_quick_user(
        email_verified=True, full_name="Mallory\r\nBcc: victim@example.com"
    )
    workspace = await amake_workspace(owner=owner, name="Acme\r\nBcc: victim@example.com")
    assert (await invite(api, workspace, headers, "eve@example.com")).status_code == 201
    [message] = await outbox.wait(1)
    assert message.to == ["eve@example.com"]
    assert message.subject == "You are invited to Acme Bcc: victim@example.com"
    assert "Mallory Bcc: victim@example.com invited you" in message.body
    raw = b"".join(path.read_bytes() for path in outbox.directory.iterdir())
    assert b"\nBcc:" not in raw


def test_header_safe_leaves_one_line_of_printable_text() -> None:
    assert header_safe("  Acme\t\r\n\u2028 Ltd\u202e\x00  ") == "Acme Ltd"
    assert header_safe("x" * 500) == "x" * 200
    assert single_line_problem("Ünïcode ☃ names 👩‍💻 are fine") is None
