"""Seed hook: ``python -m loadtests.seed`` creates what the scenarios need and prints it as JSON.

Runs in its own process with the server's environment, once per run:

- the benchmark user (``bench@example.com``) with ``SESSIONS`` live knox
  tokens issued by the accounts service; the newest is the token every
  authenticated phase sends (our /me, stock knox, FastAPI's cached lookup,
  session listing). Earlier runs' tokens are revoked first, so the data is
  the same every run;
- ``BURST_ACCOUNTS`` login-burst accounts ``burst-<n>@example.com`` sharing
  one password, with their sessions and axes failure records cleared;
- a workspace owned by the benchmark user holding ``DOCUMENTS`` documents
  (the documents phase lists, searches and creates in it); every
  ``SEARCH_EVERY``-th one has ``SEARCH_WORD`` in its body (the detail
  phases read its newest one). Earlier runs' workspaces go first, with the
  documents their runs created;
- ``WORKSPACES`` more workspaces of the benchmark user (the workspaces list)
  and ``JOBS`` finished jobs of theirs (the jobs list);
- a workspace for the write phases, with ``PATCH_DOCUMENTS`` documents at
  version 1: each PATCH phase run takes its own slice (``If-Match: "1"``),
  and the create phases add to it;
- with ``LOADTEST_LARGE_DOCUMENTS`` > 0, the large workspace
  (``loadtests.seed_large``), kept from an earlier run when unchanged.
"""

import json
import os
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import django

if TYPE_CHECKING:  # models import only after django.setup()
    from apps.accounts.models import User

SESSIONS = 10
BURST_ACCOUNTS = 1000
BURST_EMAIL = "burst-{}@example.com"
DOCUMENTS = 300
SEARCH_EVERY = 5
SEARCH_WORD = "zeppelin"  # a word no other seeded text contains, nor the documents created
WORKSPACE_NAME = "Loadtests documents"
WORKSPACES = 20
WORKSPACES_NAME = "Loadtests workspace {}"
WRITES_NAME = "Loadtests writes"
PATCH_DOCUMENTS = 512
JOBS = 60
_WORDS = [
    "engine",
    "weaves",
    "algebraic",
    "patterns",
    "loom",
    "cards",
    "memory",
    "store",
    "mill",
    "operation",
    "variables",
    "numbers",
    "tables",
    "difference",
    "analytical",
    "notes",
    "letters",
    "design",
]


def _document_body(number: int) -> str:
    words = [_WORDS[(number * 7 + i * 3) % len(_WORDS)] for i in range(40)]
    if number % SEARCH_EVERY == 0:
        words.insert(number % len(words), SEARCH_WORD)
    return " ".join(words)


def _document_title(number: int) -> str:
    # A third of the matches also have the word in the title, which weighs
    # more: search results are ordered by rank first, not by recency alone.
    if number % (SEARCH_EVERY * 3) == 0:
        return f"Bench document {number} on {SEARCH_WORD}s"
    return f"Bench document {number}"


def seed_documents(user: "User") -> dict[str, Any]:
    """A fresh workspace owned by ``user`` with ``DOCUMENTS`` documents; what the phase needs."""
    from apps.documents.models import Document, DocumentStatus
    from apps.workspaces.models import Workspace
    from apps.workspaces.services import workspace_create

    Workspace.objects.filter(name=WORKSPACE_NAME, memberships__user=user).delete()
    workspace = workspace_create(owner=user, name=WORKSPACE_NAME).workspace
    statuses = list(DocumentStatus)
    Document.objects.bulk_create(
        [
            Document(
                workspace=workspace,
                author=user,
                title=_document_title(number),
                body=_document_body(number),
                status=statuses[number % len(statuses)],
                tags=[f"tag-{number % 10}"],
            )
            for number in range(DOCUMENTS)
        ],
        batch_size=500,
    )
    newest = Document.objects.filter(workspace=workspace).order_by("-created_at", "-id").first()
    assert newest is not None
    return {
        "workspace_id": str(workspace.pk),
        "document_id": str(newest.pk),
        "documents": DOCUMENTS,
        "search_word": SEARCH_WORD,
        "search_matches": len(range(0, DOCUMENTS, SEARCH_EVERY)),
    }


def seed_workspaces(user: "User") -> dict[str, Any]:
    """``WORKSPACES`` more workspaces owned by ``user`` (earlier runs' replaced)."""
    from apps.workspaces.models import Membership, Workspace
    from apps.workspaces.services import workspace_create

    names = [WORKSPACES_NAME.format(number) for number in range(WORKSPACES)]
    Workspace.objects.filter(name__in=names, memberships__user=user).delete()
    for name in names:
        workspace_create(owner=user, name=name)
    return {"workspaces": Membership.objects.filter(user=user).count()}


def seed_jobs(user: "User") -> dict[str, Any]:
    """``JOBS`` finished jobs of ``user`` (succeeded, failed or cancelled; some chains)."""
    from django.utils import timezone

    from apps.jobs.models import Job, JobBackend, JobStatus

    Job.objects.filter(owner=user).delete()
    now = timezone.now()
    statuses = [JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED]
    jobs = []
    for number in range(JOBS):
        status = statuses[number % len(statuses)]
        chain = number % 4 == 0
        failed = status == JobStatus.FAILED
        error = {"type": "TimeoutError", "message": "The upload timed out."} if failed else None
        steps = [
            {"name": step, "status": "succeeded", "attempts": 1, "error": None}
            for step in ("collect", "render")
        ] + [{"name": "upload", "status": status.value, "attempts": 2, "error": error}]
        created = now - timedelta(minutes=JOBS - number)
        jobs.append(
            Job(
                owner=user,
                name="exports.build" if chain else "email.send",
                backend=JobBackend.CELERY if chain else JobBackend.NATIVE,
                queue="default",
                status=status,
                kwargs={"number": number},
                attempts=2 if failed else 1,
                max_attempts=3,
                steps=steps if chain else [],
                current_step=2 if chain else None,
                result={"rows": number, "format": "json"}
                if status == JobStatus.SUCCEEDED
                else None,
                error_type=error["type"] if error else "",
                error_message=error["message"] if error else "",
                enqueued_at=created,
                started_at=None if status == JobStatus.CANCELLED else created,
                finished_at=created + timedelta(seconds=5),
            )
        )
    Job.objects.bulk_create(jobs)  # created_at: now, in creation order
    return {"jobs": JOBS}


def seed_writes(user: "User") -> dict[str, Any]:
    """A fresh workspace of ``PATCH_DOCUMENTS`` documents at version 1 for the write phases."""
    from apps.documents.models import Document
    from apps.workspaces.models import Workspace
    from apps.workspaces.services import workspace_create

    Workspace.objects.filter(name=WRITES_NAME, memberships__user=user).delete()
    workspace = workspace_create(owner=user, name=WRITES_NAME).workspace
    documents = Document.objects.bulk_create(
        [
            Document(workspace=workspace, author=user, title=f"Patch me {number}", body="To edit.")
            for number in range(PATCH_DOCUMENTS)
        ],
        batch_size=500,
    )
    return {
        "writes_workspace_id": str(workspace.pk),
        "patch_documents": [str(document.pk) for document in documents],
    }


def seed() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    django.setup()
    from axes.models import AccessAttempt
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import AuthToken, User
    from apps.accounts.services import token_issue
    from apps.benchmark.views import BENCH_USER_EMAIL

    user, _ = User.objects.update_or_create(
        email=BENCH_USER_EMAIL,
        defaults={"full_name": "Bench User", "email_verified": True, "is_active": True},
    )
    AuthToken.objects.filter(user=user).delete()
    tokens = [
        token_issue(user=user, client_name=f"bench {n}", user_agent="loadtests", ip_address=None)
        for n in range(SESSIONS)
    ]

    burst_password = secrets.token_urlsafe(16)
    encoded = make_password(burst_password)  # hashed once: hashing is slow by design
    emails = [BURST_EMAIL.format(n) for n in range(BURST_ACCOUNTS)]
    User.objects.bulk_create(
        [User(email=email, password=encoded, email_verified=True) for email in emails],
        ignore_conflicts=True,
    )
    User.objects.filter(email__in=emails).update(password=encoded, is_active=True)
    AuthToken.objects.filter(user__email__in=emails).delete()
    AccessAttempt.objects.filter(username__in=emails).delete()
    from loadtests.seed_large import LARGE_DOCUMENTS_ENV, seed_large

    large = int(os.environ.get(LARGE_DOCUMENTS_ENV) or "0")
    return {
        **seed_documents(user),
        **seed_writes(user),
        **(seed_large(user, large) if large else {}),
        **seed_workspaces(user),  # last: counts every workspace of the user
        **seed_jobs(user),
        "token": tokens[-1].token,
        "user_id": user.pk,
        "sessions": SESSIONS,
        "burst_password": burst_password,
        "burst_accounts": BURST_ACCOUNTS,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
