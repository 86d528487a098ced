"""The development mailbox page: ``/dev/mailbox/``, the ``.eml`` files ``uv run dev`` keeps.

Routed only when ``DEV_MAILBOX`` is on (``uv run dev`` turns it on; ``check
--deploy`` fails when it is), and answers only requests from this machine
(a loopback peer): it shows every email, reset links included. A page for
people, so HTML; anything it refuses is the standard JSON error.
"""

import ipaddress
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.urls import path
from django.utils.html import escape, urlize

from apps.notifications import mailbox

STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
    "td{padding:.2rem .8rem .2rem 0;vertical-align:top}pre{white-space:pre-wrap}"
)


def _directory() -> Path:
    return Path(settings.MAIL_FILES_DIR)


def _from_this_machine(request: HttpRequest) -> bool:
    try:
        return ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", ""))).is_loopback
    except ValueError:
        return False


def _page(request: HttpRequest, title: str, body: str) -> HttpResponse:
    # The pages' Content-Security-Policy allows inline style with the request's nonce.
    nonce = get_nonce(request)
    return HttpResponse(
        f"<!doctype html><meta charset=utf-8><title>{escape(title)}</title>"
        f'<style nonce="{escape(str(nonce) if nonce is not None else "")}">{STYLE}</style>'
        f"<h1>{escape(title)}</h1>{body}"
    )


def mailbox_list(request: HttpRequest) -> HttpResponse:
    if not _from_this_machine(request):
        raise Http404
    rows = []
    for message_path in reversed(mailbox.messages(_directory())):
        message = mailbox.parse(message_path)
        rows.append(
            f"<tr><td>{escape(str(message['Date'] or ''))}</td>"
            f"<td>{escape(str(message['To'] or ''))}</td>"
            f'<td><a href="{escape(message_path.name)}">'
            f"{escape(str(message['Subject'] or '(no subject)'))}</a></td></tr>"
        )
    table = f"<table>{''.join(rows)}</table>" if rows else "<p>No email yet.</p>"
    return _page(request, "Development mailbox", f"<p>{escape(str(_directory()))}</p>{table}")


def mailbox_message(request: HttpRequest, name: str) -> HttpResponse:
    if not _from_this_machine(request):
        raise Http404
    # Only a name the listing would show: no path of the client's making is opened.
    found = {message_path.name: message_path for message_path in mailbox.messages(_directory())}
    if name not in found:
        raise Http404
    text = mailbox.render(found[name])
    body = urlize(text, nofollow=True, autoescape=True)
    return _page(request, name, f'<p><a href="./">All email</a></p><pre>{body}</pre>')


urlpatterns = [
    path("", mailbox_list, name="dev-mailbox"),
    path("<str:name>", mailbox_message, name="dev-mailbox-message"),
]
