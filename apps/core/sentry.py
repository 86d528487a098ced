"""Error tracking with Sentry: on only when ``SENTRY_DSN`` is set.

Off (the default), ``sentry_sdk`` is not even imported: nothing is patched
and the request path is exactly what it is without Sentry.

On, ``init_sentry`` (called once per process from ``CoreConfig.ready``: the
API, Celery worker and beat, ``db_worker``, ``manage.py``) starts the SDK
with the Django, Celery and Redis integrations:

- ``signals_spans`` off: with it on, the SDK wraps every signal receiver in
  a new function each time a signal is sent, so ``apps.core.upstream.handler`` no
  longer recognises Django's own ``request_started``/``request_finished``
  receivers and every request takes Django's two thread hops again;
- unhandled errors of requests and of Celery tasks are sent, with the
  request (method, URL, headers, body) or the task, and local variables;
  ERROR log lines are sent too (the logging integration), INFO and up are
  breadcrumbs, except the access log (one per request, no use there);
- tracing only when ``SENTRY_TRACES_SAMPLE_RATE`` is above 0.

Nothing secret leaves: ``send_default_pii`` stays off (the SDK drops cookies
and the ``Authorization``/``Cookie`` header values, and its own scrubber
filters known keys), and every event and transaction goes through
``scrub`` last, which walks all of it (request, exception messages, local
variables of every frame, breadcrumbs, extra, contexts, spans):

- a value under a sensitive name (password, secret, token, authorization,
  cookie, session, csrf, api key, signature, credential) is replaced, in a
  mapping, in a ``(name, value)`` pair (ASGI header lists), and in text
  (``name=value``, ``"name": "value"``: query strings, cookies, JSON bodies,
  reprs);
- in any text: our API tokens (``TOKEN_PREFIX`` followed by the key),
  ``Bearer``/``Basic`` credentials and passwords in URLs.

Breadcrumbs leave only inside an event, so they are scrubbed there rather
than one by one as they are recorded (which would cost every request).
"""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings

from apps.core.context import request_id_var

FILTERED = "[Filtered]"

_NAMES = (
    r"passw(?:or)?d|passwd|secret|token|authori[sz]ation|cookie|session|csrf|xsrf"
    r"|api[-_]?key|signature|credential|private[-_]?key"
)
SENSITIVE_NAME = re.compile(_NAMES, re.IGNORECASE)
# A quoted value; backslashes before a quote escape it however many there are
# (a JSON text inside a repr doubles them): when unsure, filter more.
_QUOTED = r"\"(?:[^\"\\]|\\+.)*\"|'(?:[^'\\]|\\+.)*'"
# name=value / "name": "value" / 'name': 'value' inside text.
_NAMED_VALUE = re.compile(
    rf"(?P<name>[\"']?[\w.\-]*(?:{_NAMES})[\w.\-]*[\"']?\s*[:=]\s*)"
    rf"(?P<value>{_QUOTED}|(?:(?:Bearer|Basic|Token|Digest)\s+)?[^\s&;,)}}\]\"']+)",
    re.IGNORECASE,
)
_CREDENTIALS = re.compile(r"\b(?P<scheme>Bearer|Basic)\s+[^\s\"',;]+")
_URL_PASSWORD = re.compile(r"(?P<user>\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:)[^\s@/]+@", re.I)


def _api_token() -> re.Pattern[str]:
    return re.compile(re.escape(settings.TOKEN_PREFIX) + r"[A-Za-z0-9]{16,}")


def scrub_text(text: str, api_token: re.Pattern[str] | None = None) -> str:
    text = _NAMED_VALUE.sub(lambda m: m["name"] + FILTERED, text)
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']} {FILTERED}", text)
    text = _URL_PASSWORD.sub(lambda m: m["user"] + FILTERED + "@", text)
    return (api_token or _api_token()).sub(FILTERED, text)


def _is_sensitive(name: object) -> bool:
    return isinstance(name, str) and SENSITIVE_NAME.search(name) is not None


def scrub(value: Any, api_token: re.Pattern[str] | None = None) -> Any:
    """``value`` (an event, or any part of one) with every secret replaced."""
    api_token = api_token or _api_token()
    if isinstance(value, str):
        return scrub_text(value, api_token)
    if isinstance(value, dict):
        return {
            key: item
            if key == "_meta"  # the SDK's annotations of the event: names, no values
            else FILTERED
            if _is_sensitive(key) and item
            else scrub(item, api_token)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        if len(value) == 2 and _is_sensitive(value[0]):  # a (name, value) pair
            return [scrub(value[0], api_token), FILTERED]
        return [scrub(item, api_token) for item in value]
    return value


def scrub_event(event: Any, hint: Any) -> Any:
    """``before_send`` / ``before_send_transaction``: the event, scrubbed and
    tagged with the request id (of the request, or of the job's dispatcher)."""
    request_id = request_id_var.get()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return scrub(event)


def init_sentry() -> bool:
    """Start the SDK if ``SENTRY_DSN`` is set; return whether it did."""
    if not settings.SENTRY_DSN:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger
    from sentry_sdk.integrations.redis import RedisIntegration

    before_send: Callable[[Any, Any], Any] = scrub_event
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT,
        release=settings.SENTRY_RELEASE or None,  # None: the SDK's guess (git commit)
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE or None,  # None: no tracing
        send_default_pii=False,
        # Only these (and the SDK's defaults: logging, excepthook, threading,
        # ...), not every library the SDK finds installed.
        auto_enabling_integrations=False,
        integrations=[
            DjangoIntegration(signals_spans=False),
            CeleryIntegration(),
            RedisIntegration(),
        ],
        before_send=before_send,
        before_send_transaction=before_send,
    )
    ignore_logger("apps.access")
    return True
