"""Development email: every message saved as an ``.eml`` file, and shown readable.

``EmailBackend`` (``EMAIL_BACKEND=apps.notifications.mailbox.EmailBackend``, what ``uv
run dev`` uses) writes each message to its own
``<EMAIL_FILE_PATH>/<time>-<id>.eml``, the exact bytes an SMTP server would
get, atomically (a reader never sees half a message). Any mail client opens
these files.

``render`` turns one into what a person reads in a terminal: the headers, the
text body decoded (no quoted-printable ``=3D``, no soft line breaks, which
break links copied from Django's console backend), and every link whole and,
on a terminal, clickable (an OSC 8 hyperlink). ``uv run dev`` prints each new
message as it arrives (``Watcher``); the dev-only mailbox page
(``apps.notifications.mailbox_views``) lists them.
"""

import email
import email.policy
import os
import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, override

from django.core.mail.backends.filebased import EmailBackend as FileBasedBackend
from django.core.mail.message import EmailMessage as DjangoEmailMessage

SUFFIX = ".eml"
LINK = re.compile(r"https?://[^\s<>\"'()]+")
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")


def save(directory: Path, data: bytes) -> Path:
    """Write one message as ``<time>-<id>.eml`` in ``directory``, atomically."""
    name = f"{datetime.now():%Y%m%d-%H%M%S-%f}-{uuid.uuid4().hex[:8]}{SUFFIX}"
    temporary = directory / f".{name}.tmp"
    temporary.write_bytes(data)
    os.replace(temporary, directory / name)  # readers skip dotfiles; the rename is atomic
    return directory / name


class EmailBackend(FileBasedBackend):
    """Django's file backend, one ``.eml`` file per message instead of a log of them."""

    @override
    def send_messages(self, email_messages: Sequence[DjangoEmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                save(Path(self.file_path), message.message().as_bytes())
            except OSError:
                if not self.fail_silently:
                    raise
            else:
                sent += 1
        return sent


def parse(path: Path) -> EmailMessage:
    message: Any = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def text_body(message: EmailMessage) -> str:
    """The text part, decoded (transfer encoding, charset); the HTML part if there is no text."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content: object = part.get_content()
    return content if isinstance(content, str) else ""


def links(text: str) -> list[str]:
    return [match.rstrip(".,;:!?") for match in LINK.findall(text)]


def hyperlink(url: str) -> str:
    """``url`` as an OSC 8 terminal hyperlink (shown as itself, clickable where supported)."""
    return f"\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\"


def render(path: Path, *, hyperlinks: bool = False) -> str:
    """The message at ``path`` as readable text: headers, then the decoded body."""
    message = parse(path)
    lines = [f"{name}: {message[name]}" for name in SHOWN_HEADERS if message[name] is not None]
    body = text_body(message).rstrip("\n")
    if hyperlinks:
        for url in sorted(set(links(body)), key=len, reverse=True):
            body = body.replace(url, hyperlink(url))
    attachments = [part.get_filename() for part in message.iter_attachments()]
    if attachments:
        lines.append("Attachments: " + ", ".join(str(name) for name in attachments))
    return "\n".join([*lines, "", body])


def messages(directory: Path) -> list[Path]:
    """Every complete ``.eml`` in ``directory``, oldest first (names start with the time)."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix == SUFFIX and not path.name.startswith(".")
    )


class Watcher:
    """The messages that appeared in ``directory`` since the last look (not those before)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.seen = set(messages(directory))

    def new(self) -> list[Path]:
        found = [path for path in messages(self.directory) if path not in self.seen]
        self.seen.update(found)
        return found
