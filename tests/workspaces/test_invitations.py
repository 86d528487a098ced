"""Invitations: emailed by a real worker, accepted once by the invited address, revocable."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import AsyncClient
from django.utils import timezone

from apps.jobs.models import Job
from apps.workspaces.models import Invitation, Membership, Role
from apps.workspaces.services import token_digest
from tests.factories import Outbox, amake_user, auth_headers, login
from tests.workspaces.factories import amake_workspace, recorded_events

pytestmark = pytest.mark.django_db(transaction=True)

ACCEPT = "/api/v1/invitations/accept"


def invitations_url(workspace_id: object, invitation_id: object | None = None) -> str:
    url = f"/api/v1/workspaces/{workspace_id}/invitations"
    return url if invitation_id is None else f"{url}/{invitation_id}"


def token_in(body: str) -> str:
    match = re.search(r"/invitations/accept\?token=([A-Za-z0-9_\-]+)", body)
    assert match, body
    return match.group(1)


async def invite(
    api: AsyncClient,
    headers: dict[str, str],
    workspace_id: object,
    email: str,
    role: str = "member",
) -> dict[str, Any]:
    response = await api.post(
        invitations_url(workspace_id), {"email": email, "role": role},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


async def test_an_invited_user_gets_an_email_and_joins_with_its_token(
    api: AsyncClient, outbox: Outbox
) -> None:
    ada = await amake_user(full_name="Ada", email_verified=True)
    workspace = await amake_workspace(owner=ada, name="Engines")
    invitation = await invite(
        api, auth_headers(await login(api, ada)), workspace.pk, "Charles@Example.com", "admin"
    )
    assert invitation["email"] == "charles@example.com"
    assert invitation["status"] == "pending"
    assert not {"token", "token_digest"} & set(invitation)

    [message] = await outbox.wait(1)
    assert message.to == ["charles@example.com"]
    assert "Engines" in message.subject
    token = token_in(message.body)
    stored = await Invitation.objects.aget(pk=invitation["id"])
    assert stored.token_digest == token_digest(token) != token
    assert (await Job.objects.aget(name="email.send")).backend == "native"

    charles = await amake_user(email="charles@example.com")
    headers = auth_headers(await login(api, charles))
    with recorded_events() as events:
        joined = await api.post(
            ACCEPT, {"token": token}, content_type="application/json", headers=headers
        )
    assert joined.status_code == 200, joined.content
    assert joined.json()["id"] == str(workspace.pk)
    assert joined.json()["role"] == "admin"
    membership = await Membership.objects.aget(workspace=workspace, user=charles)
    assert membership.role == Role.ADMIN
    assert [(e.event, e.payload, e.in_transaction) for e in events] == [
        (
            "member.joined",
            {"workspace_id": str(workspace.pk), "user_id": charles.pk, "role": "admin"},
            True,
        )
    ]

    again = await api.post(
        ACCEPT, {"token": token}, content_type="application/json", headers=headers
    )
    assert again.status_code == 400
    assert again.json()["errors"][0]["attr"] == "token"


async def test_only_the_invited_address_can_accept(api: AsyncClient, outbox: Outbox) -> None:
    ada = await amake_user(email_verified=True)
    workspace = await amake_workspace(owner=ada)
    await invite(api, auth_headers(await login(api, ada)), workspace.pk, "charles@example.com")
    token = token_in((await outbox.wait(1))[0].body)
    mallory = await amake_user(email="mallory@example.com")
    response = await api.post(
        ACCEPT, {"token": token}, content_type="application/json",
        headers=auth_headers(await login(api, mallory)),
    )  # fmt: skip
    assert response.status_code == 403
    assert not await Membership.objects.filter(user=mallory).aexists()
    # Still open for the right person.
    charles = await amake_user(email="CHARLES@example.com")
    accepted = await api.post(
        ACCEPT, {"token": token}, content_type="application/json",
        headers=auth_headers(await login(api, charles)),
    )  # fmt: skip
    assert accepted.status_code == 200


async def test_expired_revoked_and_unknown_tokens_are_refused(
    api: AsyncClient, outbox: Outbox
) -> None:
    ada = await amake_user(email_verified=True)
    workspace = await amake_workspace(owner=ada)
    ada_headers = auth_headers(await login(api, ada))
    first = await invite(api, ada_headers, workspace.pk, "charles@example.com")
    second = await invite(api, ada_headers, workspace.pk, "dee@example.com")
    messages = await outbox.wait(2)
    tokens = {message.to[0]: token_in(message.body) for message in messages}
    await Invitation.objects.filter(pk=first["id"]).aupdate(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    revoked = await api.delete(invitations_url(workspace.pk, second["id"]), headers=ada_headers)
    assert revoked.status_code == 204
    again = await api.delete(invitations_url(workspace.pk, second["id"]), headers=ada_headers)
    assert again.status_code == 404

    charles = await amake_user(email="charles@example.com")
    dee = await amake_user(email="dee@example.com")
    attempts = [
        (charles, tokens["charles@example.com"]),  # expired
        (dee, tokens["dee@example.com"]),  # revoked
        (charles, "not-a-real-token"),
    ]
    for user, token in attempts:
        response = await api.post(
            ACCEPT, {"token": token}, content_type="application/json",
            headers=auth_headers(await login(api, user)),
        )  # fmt: skip
        assert response.status_code == 400, (user.email, response.content)
        assert response.json()["errors"][0]["attr"] == "token"
    assert await Membership.objects.filter(workspace=workspace).acount() == 1


async def test_reinviting_replaces_the_open_invitation_and_members_cannot_be_invited(
    api: AsyncClient, outbox: Outbox
) -> None:
    ada, bob = await amake_user(email_verified=True), await amake_user()
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER})
    headers = auth_headers(await login(api, ada))
    old = await invite(api, headers, workspace.pk, "charles@example.com")
    new = await invite(api, headers, workspace.pk, "charles@example.com")
    listed = await api.get(invitations_url(workspace.pk), headers=headers)
    assert listed.status_code == 200
    statuses = {item["id"]: item["status"] for item in listed.json()["results"]}
    assert statuses == {old["id"]: "revoked", new["id"]: "pending"}

    member = await api.post(
        invitations_url(workspace.pk), {"email": bob.email.upper()},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert member.status_code == 409
    await outbox.wait(2)


async def test_invitations_are_for_admins(api: AsyncClient) -> None:
    ada, bob, cy = [await amake_user(email_verified=True) for _ in range(3)]
    workspace = await amake_workspace(owner=ada, members={bob: Role.MEMBER, cy: Role.ADMIN})
    bob_headers = auth_headers(await login(api, bob))
    assert (await api.get(invitations_url(workspace.pk), headers=bob_headers)).status_code == 403
    created = await api.post(
        invitations_url(workspace.pk), {"email": "x@example.com"},
        content_type="application/json", headers=bob_headers,
    )  # fmt: skip
    assert created.status_code == 403
    owner_invite = await api.post(
        invitations_url(workspace.pk), {"email": "x@example.com", "role": "owner"},
        content_type="application/json", headers=auth_headers(await login(api, cy)),
    )  # fmt: skip
    assert owner_invite.status_code == 403
    bad = await api.post(
        invitations_url(workspace.pk), {"email": "not an email"},
        content_type="application/json", headers=auth_headers(await login(api, ada)),
    )  # fmt: skip
    assert bad.status_code == 400
    assert not await Invitation.objects.aexists()
