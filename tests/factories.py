"""Test data and authentication helpers shared by every app's tests."""

import asyncio
import email
import itertools
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asgiref.sync import sync_to_async
from django.test import AsyncClient

from apps.accounts.models import User

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_user(*, email: str | None = None, password: str | None = PASSWORD, **extra: Any) -> User:
    email = email or f"user{next(_numbers)}@example.com"
    return User.objects.create_user(email=email, password=password, **extra)


amake_user = sync_to_async(make_user)


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def login(
    client: AsyncClient, user: User, *, password: str = PASSWORD, client_name: str = "tests"
) -> str:
    """Log ``user`` in through the API and return the token."""
    response = await client.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": password, "client_name": client_name},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token: str = response.json()["token"]
    return token


def make_token(user: User) -> str:
    """A session token for ``user`` without a login (no password hash: fast)."""
    from apps.accounts.services import token_issue

    return token_issue(user=user, client_name="tests", user_agent="", ip_address=None).token


amake_token = sync_to_async(make_token)


async def amake_quick_user(**fields: Any) -> tuple[User, dict[str, str]]:
    """A user without a usable password (nothing to hash) and its auth headers."""
    fields.setdefault("password", None)
    user = await amake_user(**fields)
    return user, auth_headers(await amake_token(user))


def link_params(email_body: object) -> dict[str, str]:
    """The ``uid`` and ``token`` of the link in an account email."""
    match = re.search(r"\?uid=([^&\s]+)&token=([^&\s]+)", str(email_body))
    assert match, email_body
    return {"uid": match.group(1), "token": match.group(2)}


@dataclass
class Email:
    to: list[str]
    subject: str
    body: str


# Jobs that send an email, or decide whether to and then queue one.
EMAIL_JOBS = ("email.send", "accounts.password_reset")
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"


class Outbox:
    """Emails that the real ``db_worker`` sent with Django's filebased backend."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def clear(self) -> None:
        for path in self.directory.iterdir():
            path.unlink()

    def messages(self) -> list[Email]:
        """Every complete message so far, oldest file first.

        The filebased backend ends each message with a line of 79 dashes and
        may put several in one file: a file is read up to its last complete
        message, so one the worker is still writing is never half-parsed.
        """
        found = []
        for path in sorted(self.directory.iterdir(), key=lambda item: item.stat().st_mtime_ns):
            *complete, _rest = path.read_bytes().split(MESSAGE_END)
            for raw in complete:
                message = email.message_from_bytes(raw)
                payload = message.get_payload(decode=True)
                text = payload.decode() if isinstance(payload, bytes) else message.get_payload()
                body = str(text)
                found.append(Email([str(message["To"])], str(message["Subject"]), body))
        return found

    async def drain(self) -> None:
        """Wait until no job that sends (or decides to send) an email is left unfinished."""
        from apps.jobs.models import TERMINAL_STATUSES, Job

        pending = Job.objects.filter(name__in=EMAIL_JOBS).exclude(status__in=TERMINAL_STATUSES)
        deadline = time.monotonic() + 30.0
        while time.monotonic() < deadline:
            if not await pending.aexists():
                return
            await asyncio.sleep(0.05)

    async def wait(self, count: int) -> list[Email]:
        """Poll until ``count`` emails were sent (the worker runs in another process)."""
        deadline = time.monotonic() + 30.0
        while time.monotonic() < deadline:
            messages = self.messages()
            if len(messages) >= count:
                return messages
            await asyncio.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {self.messages()}")
