"""The export build (a chain) and the periodic purge of old archives."""

from typing import Any

from django.conf import settings

from apps.exports import services
from apps.jobs.registry import JobPolicy, chain


def collect(*, export_id: str) -> dict[str, Any]:
    """Step 1: snapshot the workspace's documents."""
    return services.export_collect(export_id=export_id)


def render(*, export_id: str) -> dict[str, Any]:
    """Step 2: Markdown with YAML front matter per document, and the manifest."""
    return services.export_render(export_id=export_id)


def zip(*, export_id: str) -> dict[str, Any]:  # the step's name in the jobs API
    """Step 3: the zip archive."""
    return services.export_zip(export_id=export_id)


def store(*, export_id: str) -> dict[str, Any]:
    """Step 4: the archive under its final name in the exports storage."""
    return services.export_store(export_id=export_id)


def notify(*, export_id: str) -> dict[str, Any]:
    """Step 5: email the requester (once)."""
    return services.export_notify(export_id=export_id)


chain(
    services.BUILD_JOB,
    collect,
    render,
    zip,
    store,
    notify,
    policy=JobPolicy(
        max_retries=settings.EXPORTS_MAX_RETRIES,
        backoff_base=5,
        backoff_max=120,
        queue=settings.EXPORTS_QUEUE,
    ),
)


def purge_expired() -> None:
    """Periodic: delete archives past ``EXPORTS_RETENTION`` (see JOBS_PERIODIC)."""
    services.exports_purge()
