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
  ``SEARCH_EVERY``-th one has ``SEARCH_WORD`` in its body. Earlier runs'
  workspaces go first, with the documents their runs created.
"""

import json
import os
import secrets
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
                title=f"Bench document {number}",
                body=_document_body(number),
                status=statuses[number % len(statuses)],
                tags=[f"tag-{number % 10}"],
            )
            for number in range(DOCUMENTS)
        ],
        batch_size=500,
    )
    return {
        "workspace_id": str(workspace.pk),
        "documents": DOCUMENTS,
        "search_word": SEARCH_WORD,
        "search_matches": len(range(0, DOCUMENTS, SEARCH_EVERY)),
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
    return {
        **seed_documents(user),
        "token": tokens[-1].token,
        "user_id": user.pk,
        "sessions": SESSIONS,
        "burst_password": burst_password,
        "burst_accounts": BURST_ACCOUNTS,
    }


if __name__ == "__main__":
    print(json.dumps(seed()))
