"""A small world with one of everything the API shows, for the tests that compare
two ways of reading or rendering it (``test_aquery``, ``test_outputs``)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.accounts.models import AuthToken, User
from apps.documents.models import Document
from apps.exports.models import Export
from apps.jobs.models import Job
from apps.webhooks.models import Delivery, WebhookEndpoint
from apps.workspaces.models import Invitation, Membership, Role, Workspace
from tests.factories import make_user


@dataclass
class Data:
    owner: User
    member: User
    workspace: Workspace
    other_workspace: Workspace
    documents: list[Document]
    endpoint: WebhookEndpoint
    delivery: Delivery
    job: Job
    export: Export
    invitation_ids: list[Any] = field(default_factory=list)


def build() -> Data:
    """Users, two workspaces, invitations in every state, documents (unicode, no
    author, shared timestamps), an endpoint with deliveries, jobs, exports, sessions."""
    owner = make_user(full_name="Ada Lovelace")
    member = make_user(full_name="Charles Babbage")
    workspace = Workspace.objects.create(name="Analytical Engines")
    other = Workspace.objects.create(name="Elsewhere")
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    Membership.objects.create(workspace=workspace, user=member, role=Role.MEMBER)
    Membership.objects.create(workspace=other, user=owner, role=Role.ADMIN)
    now = timezone.now()
    invitation_ids = []
    for index, email in enumerate(("c@example.com", "d@example.com", "e@example.com")):
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=Role.MEMBER,
            token_digest=f"{index:064d}",
            invited_by=owner,
            expires_at=now + timedelta(days=index - 1),
            accepted_at=now if index == 1 else None,
        )
        invitation_ids.append(invitation.pk)
    texts = [
        ("The engine weaves", "algebraic patterns as the loom weaves flowers", ["engines"]),
        ("Engine notes", "engine engine engine", ["notes", "engines"]),
        ("Savanna migration", "the savanna migration of zebra herds", []),
        ("Zürich café ☕", "unicode: naïve résumé, emoji 🦓 and zebra", ["unicode"]),
        ("Empty", "", []),
        ("Loom", "Jacquard's loom and the engine", ["history"]),
    ]
    documents = [
        Document.objects.create(
            workspace=workspace,
            author=None if index == 4 else (owner if index % 2 else member),
            title=title,
            body=body,
            tags=tags,
            status=("draft", "published", "archived")[index % 3],
        )
        for index, (title, body, tags) in enumerate(texts)
    ]
    # The same created_at for two documents: the cursor's tie-breaking is exercised.
    Document.objects.filter(pk=documents[1].pk).update(created_at=documents[0].created_at)
    Document.objects.create(workspace=other, title="Elsewhere engine", body="engine")
    endpoint = WebhookEndpoint.objects.create(
        workspace=workspace,
        url="https://hooks.example.com/a",
        events=["document.created", "member.joined"],
        secret="whsec_x",
        created_by=owner,
    )
    job = Job.objects.create(
        owner=owner,
        name="exports.build",
        backend="celery",
        queue="default",
        kwargs={"workspace_id": str(workspace.pk)},
        steps=[{"name": "collect", "status": "succeeded", "attempts": 1, "error": None}],
        current_step=1,
        result={"documents": 6, "nested": {"list": [1, 2.5, "x", None, True]}},
        started_at=now,
    )
    first = Delivery.objects.create(
        endpoint=endpoint,
        event_id="1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",
        event="document.created",
        payload={
            "id": "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",
            "type": "document.created",
            "created_at": "2026-01-01T12:00:00Z",
            "workspace_id": str(workspace.pk),
            "data": {"title": "Zürich ☕", "line\u2028separator": [1, 2.5, None]},
        },
        status="failed",
        attempts=3,
        response_status_code=503,
        latency_ms=84,
        error="HTTP 503",
        response_excerpt="unavailable",
        job=job,
    )
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id=first.event_id,
        event="document.created",
        payload={
            "id": "1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809",
            "type": "document.created",
            "created_at": "2026-01-01T12:00:00Z",
            "workspace_id": str(workspace.pk),
            "data": {},
        },
        redelivery_of=first,
    )
    Export.objects.create(workspace=workspace, requested_by=owner)
    export = Export.objects.create(
        workspace=workspace,
        requested_by=owner,
        job=job,
        status="ready",
        document_count=6,
        file_name="exports/x.zip",
        size_bytes=2**40,
        sha256="a" * 64,
        completed_at=now,
        expires_at=now + timedelta(days=7),
    )
    Job.objects.create(owner=owner, name="email.send", backend="native", queue="default")
    Job.objects.create(
        owner=owner,
        name="exports.build",
        backend="celery",
        queue="default",
        status="failed",
        attempts=2,
        steps=[
            {"name": "collect", "status": "succeeded", "attempts": 1, "error": None},
            {
                "name": "render",
                "status": "failed",
                "attempts": 2,
                "error": {"type": "TimeoutError", "message": "slow"},
            },
        ],
        error_type="TimeoutError",
        error_message="slow",
        finished_at=now,
    )
    for name in ("web", "cli", "phone"):
        AuthToken.objects.create(user=owner, expiry=timedelta(days=1), client_name=name)
    AuthToken.objects.create(user=owner, expiry=timedelta(seconds=-1), client_name="expired")
    return Data(
        owner, member, workspace, other, documents, endpoint, delivery, job, export, invitation_ids
    )
