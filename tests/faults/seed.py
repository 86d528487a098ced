"""Prepare the fault stack's database: ``python -m tests.faults.seed N``.

Runs in a child process with the stack's environment: migrates, then makes N
users with a workspace and a few documents each, and prints them as one JSON
line (the last line of its output).
"""

import json
import os
import sys

PASSWORD = "correct horse battery staple"


def main(count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from apps.accounts.models import User
    from apps.documents.services import document_create
    from apps.workspaces.services import workspace_create

    call_command("migrate", interactive=False, verbosity=0)
    accounts = []
    password = make_password(PASSWORD)  # hashing is slow on purpose: once for everyone
    for number in range(count):
        user = User.objects.create(
            email=f"fault{number}@example.com", password=password, email_verified=True
        )
        membership = workspace_create(owner=user, name=f"Fault workspace {number}")
        for title in ("alpha", "beta", "gamma"):
            document_create(
                workspace_id=membership.workspace_id, author=user, title=title, body=title * 10
            )
        accounts.append(
            {
                "email": user.email,
                "password": PASSWORD,
                "workspace_id": str(membership.workspace_id),
            }
        )
    print(json.dumps(accounts))


if __name__ == "__main__":
    main(int(sys.argv[1]))
