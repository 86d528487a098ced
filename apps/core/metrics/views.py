"""``GET /metrics``: every process's metrics in Prometheus' text format, behind a token.

Routed only when ``METRICS_ENABLED``. The scraper sends
``Authorization: Bearer <METRICS_TOKEN>``, compared in constant time; no or
another token gets the standard 401 error, whatever the path's other
answers would be. Whichever uvicorn worker answers, the body is the same:
the sum of every process's files in ``PROMETHEUS_MULTIPROC_DIR`` (or, without
a directory, this process's own registry), plus the values computed at
scrape time by the apps' scrape hooks (``at_scrape``: the jobs outbox).
"""

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.errors import error_payload
from apps.core.metrics import files

logger = logging.getLogger(__name__)

# An async function returning metric families (prometheus_client.Metric),
# computed by the scraping process. Each gets SCRAPE_HOOK_TIMEOUT seconds.
ScrapeHook = Callable[[], Awaitable[Sequence[Any]]]
SCRAPE_HOOK_TIMEOUT = 2.0
_hooks: list[ScrapeHook] = []


def at_scrape(hook: ScrapeHook) -> None:
    """Register ``hook`` to run on every scrape (from an app's ``ready``)."""
    if hook not in _hooks:
        _hooks.append(hook)


def authorized(request: HttpRequest) -> bool:
    """``Authorization: Bearer <METRICS_TOKEN>``, compared in constant time."""
    expected: str = settings.METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), expected.encode())


def _refused() -> JsonResponse:
    body = error_payload(
        status_code=401,
        code="not_authenticated",
        detail="The metrics endpoint needs Authorization: Bearer <METRICS_TOKEN>.",
    )
    return JsonResponse(body, status=401, headers={"WWW-Authenticate": "Bearer"})


async def _run_hook(hook: ScrapeHook) -> Sequence[Any]:
    try:
        return await asyncio.wait_for(hook(), SCRAPE_HOOK_TIMEOUT)
    except Exception:  # a failed hook leaves its families out, not the whole scrape
        logger.warning("metrics scrape hook failed", extra={"hook": hook.__name__}, exc_info=True)
        return []


class _Families:
    """A collector that yields families computed beforehand."""

    def __init__(self, families: Iterable[Any]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Any]:
        return self.families


def render(extra: Iterable[Any]) -> bytes:
    """The exposition text: the directory's files (tidied first) or this process's registry."""
    from prometheus_client import CollectorRegistry, generate_latest

    from apps.core.metrics import definitions
    from apps.core.metrics.pools import publisher
    from apps.core.metrics.process import current_role

    publisher.publish(current_role())  # this process's pools, as of now
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(extra))
    directory: str = settings.METRICS_MULTIPROCESS_DIR
    if not directory:
        registry.register(_Families(definitions.REGISTRY.collect()))
        return generate_latest(registry)
    with files.scraping(Path(directory)):
        files.tidy(Path(directory))
        registry.register(files.DirectoryCollector(Path(directory)))
        return generate_latest(registry)


async def metrics_view(request: HttpRequest) -> HttpResponse:
    if not authorized(request):
        return _refused()
    if request.method not in ("GET", "HEAD"):
        body = error_payload(
            status_code=405, code="method_not_allowed", detail="Only GET is allowed."
        )
        return JsonResponse(body, status=405, headers={"Allow": "GET, HEAD"})
    results = await asyncio.gather(*(_run_hook(hook) for hook in _hooks))
    # Reading (and tidying) the files is blocking file I/O: off the event loop.
    output = await asyncio.to_thread(render, [family for result in results for family in result])
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)
