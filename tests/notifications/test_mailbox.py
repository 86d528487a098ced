"""Development email (apps.notifications.mailbox): .eml files read back whole; the mailbox page."""

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import Http404
from django.test import AsyncClient, RequestFactory, override_settings
from django.urls import clear_url_caches

from apps.notifications import mailbox, mailbox_views

# Long enough, with "=" and a non-ASCII word, that the message is sent
# quoted-printable with soft line breaks: what broke links copied from the
# console backend.
LINK = (
    "http://localhost:3000/verify-email?uid=MQ&token=c9x2k1-"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)
BODY = f"Bonjour, vérifiez votre adresse en ouvrant ce lien :\n\n{LINK}\n"


def send(directory: Path, subject: str = "Confirm your email address") -> Path:
    backend = mailbox.EmailBackend(file_path=str(directory))
    sent = backend.send_messages(
        [EmailMessage(subject, BODY, "no-reply@localhost", ["ada@example.com"])]
    )
    assert sent == 1
    [path] = [path for path in mailbox.messages(directory) if subject in path.read_text()]
    return path


def test_each_message_is_one_eml_file_that_reads_back_whole(tmp_path: Path) -> None:
    path = send(tmp_path)
    assert path.suffix == ".eml"
    raw = path.read_text()
    assert "Content-Transfer-Encoding: quoted-printable" in raw
    assert "=3D" in raw  # on disk, as an SMTP server would get it
    text = mailbox.render(path)
    assert "To: ada@example.com" in text
    assert "Subject: Confirm your email address" in text
    assert "vérifiez" in text
    assert LINK in text.splitlines()  # whole, on a line of its own
    assert mailbox.links(text) == [LINK]


def test_links_are_terminal_hyperlinks_when_asked(tmp_path: Path) -> None:
    text = mailbox.render(send(tmp_path), hyperlinks=True)
    assert f"\x1b]8;;{LINK}\x1b\\{LINK}\x1b]8;;\x1b\\" in text


def test_the_watcher_reports_each_new_message_once(tmp_path: Path) -> None:
    old = send(tmp_path, "before")
    watcher = mailbox.Watcher(tmp_path)
    (tmp_path / ".half-written.eml.tmp").write_text("From: nobody")
    new = send(tmp_path, "after")
    assert watcher.new() == [new]
    assert watcher.new() == []
    assert old not in watcher.new()


def _reload_urls() -> None:
    import project.urls

    importlib.reload(project.urls)
    clear_url_caches()


@pytest.fixture
def mailbox_page(tmp_path: Path) -> Iterator[Path]:
    with override_settings(DEV_MAILBOX=True, MAIL_FILES_DIR=str(tmp_path)):
        _reload_urls()
        yield tmp_path
    _reload_urls()


async def test_the_mailbox_page_is_not_routed_by_default(api: AsyncClient) -> None:
    response = await api.get("/dev/mailbox/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


async def test_the_mailbox_page_lists_and_shows_messages_with_working_links(
    api: AsyncClient, mailbox_page: Path
) -> None:
    path = send(mailbox_page)
    listing = await api.get("/dev/mailbox/")
    assert listing.status_code == 200
    assert f'href="{path.name}"' in listing.content.decode()
    page = await api.get(f"/dev/mailbox/{path.name}")
    shown = page.content.decode()
    assert f'href="{LINK.replace("&", "&amp;")}"' in shown
    # Its inline style carries the nonce of the page's Content-Security-Policy.
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"])
    assert nonce is not None
    assert f'<style nonce="{nonce.group(1)}">' in shown


async def test_the_mailbox_page_answers_only_this_machine(
    api: AsyncClient, mailbox_page: Path
) -> None:
    path = send(mailbox_page)
    # A phone on the LAN (dev --host 0.0.0.0) sees nothing...
    phone = RequestFactory(REMOTE_ADDR="192.168.1.20")
    with pytest.raises(Http404):
        mailbox_views.mailbox_list(phone.get("/dev/mailbox/"))
    with pytest.raises(Http404):
        mailbox_views.mailbox_message(phone.get(f"/dev/mailbox/{path.name}"), path.name)
    # ...this machine does (the test client comes from 127.0.0.1).
    assert (await api.get(f"/dev/mailbox/{path.name}")).status_code == 200
    outside = await api.get("/dev/mailbox/..%2F..%2Fstack.json")
    assert outside.status_code == 404


def test_deploy_check_fails_while_the_mailbox_is_on() -> None:
    with override_settings(DEV_MAILBOX=True), pytest.raises(SystemCheckError, match=r"core\.E003"):
        call_command("check", "--deploy", "--tag", "security")
