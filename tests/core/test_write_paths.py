"""Every write makes at most one thread hop: one ``sync_to_async`` into its service.

The writes of every route (found by walking the URL resolver, so a new one
fails ``test_every_write_route_is_exercised`` until it is added below) are
sent in one realistic sequence through the real ASGI app, and each request's
``sync_to_async`` calls are recorded. Besides the service, the only hop
allowed are Django's own: a request that used its worker thread has its
response closed there (``AsyncHandler``), so the connection the service
used goes back to the pool in the thread that took it; and Django logs a
4xx/5xx answer through ``sync_to_async``.
"""

import re
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.models import User
from apps.jobs.models import Job
from apps.webhooks.models import Delivery, WebhookEndpoint
from apps.workspaces.models import Membership, Role, Workspace
from project.asgi import app
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)

WRITE_METHODS = ("post", "put", "patch", "delete")
# Django's own: closing a response in the request's worker thread, and logging
# a 4xx/5xx answer (``get_response_async`` runs ``log_response`` in a thread).
DJANGO_HOPS = {"HttpResponseBase.close", "log_response"}
PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


def write_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from write_routes(entry.url_patterns, route)
            continue
        view = getattr(entry.callback, "cls", None)
        if view is None or not route.startswith("api/v1/"):
            continue
        for method in WRITE_METHODS:
            if hasattr(view, method):
                yield method.upper(), route


@dataclass
class World:
    owner: User
    member: User
    workspace: Workspace
    endpoint: WebhookEndpoint
    delivery: Delivery
    job: Job
    ids: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def _world() -> World:
    owner, member = make_user(email_verified=True), make_user()
    workspace = Workspace.objects.create(name="Writes")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    Membership.objects.create(workspace=workspace, user=member, role=Role.MEMBER)
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace, url="http://127.0.0.1:9/", events=["member.joined"], secret="s"
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint, event_id=uuid.uuid4(), event="member.joined", payload={}, status="failed"
    )
    job = Job.objects.create(owner=owner, name="email.send", backend="native", queue="default")
    return World(owner, member, workspace, endpoint, delivery, job)


Body = dict[str, Any] | None
# (method, route, body, expected status, token name, what to keep from the answer)
Step = tuple[str, str, Callable[[World], Body], int, str, str | None]
W = "api/v1/workspaces/<uuid:workspace_id>"
STEPS: list[Step] = [
    ("POST", "api/v1/auth/signup",
     lambda w: {"email": f"{uuid.uuid4().hex}@example.com", "password": "a long new passphrase"},
     202, "", None),
    ("POST", "api/v1/auth/login",
     lambda w: {"email": w.owner.email, "password": PASSWORD}, 200, "", "second"),
    ("POST", "api/v1/auth/password/reset", lambda w: {"email": w.owner.email}, 202, "", None),
    ("POST", "api/v1/auth/password/reset/confirm",
     lambda w: {"uid": "x", "token": "y", "new_password": "a long new passphrase"}, 400, "", None),
    ("POST", "api/v1/auth/email/verify", lambda w: {"uid": "x", "token": "y"}, 400, "", None),
    ("POST", "api/v1/auth/email/verify/request", lambda w: None, 202, "main", None),
    ("PATCH", "api/v1/auth/me", lambda w: {"full_name": "Ada"}, 200, "main", None),
    ("POST", "api/v1/workspaces", lambda w: {"name": "Another"}, 201, "main", None),
    ("PATCH", W, lambda w: {"name": "Renamed"}, 200, "main", None),
    ("POST", f"{W}/documents", lambda w: {"title": "T", "body": "b"}, 201, "main", "document_id"),
    ("PUT", f"{W}/documents/<uuid:document_id>",
     lambda w: {"title": "T2", "body": "b", "status": "draft", "tags": ["x"]}, 200, "main", None),
    ("PATCH", f"{W}/documents/<uuid:document_id>", lambda w: {"status": "published"}, 200,
     "main", None),
    ("DELETE", f"{W}/documents/<uuid:document_id>", lambda w: None, 204, "main", None),
    ("PATCH", f"{W}/members/<int:user_id>", lambda w: {"role": "admin"}, 200, "main", None),
    ("DELETE", f"{W}/members/<int:user_id>", lambda w: None, 204, "main", None),
    ("POST", f"{W}/invitations", lambda w: {"email": "new@example.com", "role": "member"}, 201,
     "main", "invitation_id"),
    ("DELETE", f"{W}/invitations/<uuid:invitation_id>", lambda w: None, 204, "main", None),
    ("POST", "api/v1/invitations/accept", lambda w: {"token": "not-a-token"}, 400, "main", None),
    ("POST", f"{W}/webhooks",
     lambda w: {"url": "http://127.0.0.1:9/", "events": ["document.created"]}, 201, "main", None),
    ("PATCH", f"{W}/webhooks/<uuid:endpoint_id>", lambda w: {"description": "d"}, 200, "main",
     None),
    ("POST", f"{W}/webhooks/<uuid:endpoint_id>/rotate-secret", lambda w: None, 200, "main", None),
    ("POST", f"{W}/webhooks/<uuid:endpoint_id>/deliveries/<uuid:delivery_id>/redeliver",
     lambda w: None, 202, "main", None),
    ("DELETE", f"{W}/webhooks/<uuid:endpoint_id>", lambda w: None, 204, "main", None),
    ("POST", f"{W}/exports", lambda w: None, 202, "main", None),
    ("POST", "api/v1/jobs/<uuid:job_id>/cancel", lambda w: None, 200, "main", None),
    ("DELETE", "api/v1/auth/sessions/<uuid:session_id>", lambda w: None, 204, "main", None),
    ("POST", "api/v1/auth/logout", lambda w: None, 204, "third", None),
    ("POST", "api/v1/auth/password/change",
     lambda w: {"current_password": PASSWORD, "new_password": "another long passphrase"}, 204,
     "main", None),
    ("DELETE", W, lambda w: None, 204, "main", None),
    ("POST", "api/v1/auth/logout-all", lambda w: None, 204, "main", None),
]  # fmt: skip


def test_every_write_route_is_exercised() -> None:
    assert set(write_routes()) == {(method, route) for method, route, *_ in STEPS}


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _login(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@override_settings(WEBHOOKS_ALLOW_PRIVATE_NETWORKS=True)
async def test_every_write_makes_at_most_one_thread_hop(
    client: httpx.AsyncClient, thread_hops: list[str]
) -> None:
    world = await sync_to_async(_world)()
    world.tokens["main"] = (await _login(client, world.owner))["token"]
    world.tokens["third"] = (await _login(client, world.owner))["token"]
    world.ids.update(
        workspace_id=world.workspace.pk,
        user_id=world.member.pk,
        endpoint_id=world.endpoint.pk,
        delivery_id=world.delivery.pk,
        job_id=world.job.pk,
    )
    for method, route, body, expected, token, keep in STEPS:
        url = "/" + PARAMETER.sub(lambda match: str(world.ids[match.group("name")]), route)
        headers = {"Authorization": f"Bearer {world.tokens[token]}"} if token else {}
        thread_hops.clear()
        response = await client.request(method, url, json=body(world), headers=headers)
        assert response.status_code == expected, (method, route, response.text)
        service_hops = [hop for hop in thread_hops if hop not in DJANGO_HOPS]
        assert len(service_hops) <= 1, (method, route, thread_hops)
        if keep == "second":
            world.ids["session_id"] = response.json()["session_id"]
        elif keep is not None:
            world.ids[keep] = response.json()["id"]
