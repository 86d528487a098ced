"""The export build (a chain of named steps) and the periodic purge of old archives."""

from typing import Any

from django.conf import settings

from apps.exports import services
from apps.jobs.api import JobContext, JobPolicy, chain, periodic, step


def collect(context: JobContext, *, export_id: str) -> dict[str, Any]:
    """Step 1: snapshot the workspace's documents."""
    return services.export_collect(export_id=export_id)


def render(context: JobContext, *, export_id: str) -> dict[str, Any]:
    """Step 2: Markdown with YAML front matter per document, and the manifest."""
    return services.export_render(export_id=export_id)


def zip_archive(context: JobContext, *, export_id: str) -> dict[str, Any]:
    """Step 3: the zip archive."""
    return services.export_zip(export_id=export_id)


def store(context: JobContext, *, export_id: str) -> dict[str, Any]:
    """Step 4: the archive under its final name in the exports storage."""
    return services.export_store(export_id=export_id)


def notify(context: JobContext, *, export_id: str) -> dict[str, Any]:
    """Step 5: email the requester (once)."""
    return services.export_notify(export_id=export_id)


def build_failed(*, export_id: str) -> None:
    """The build failed for good or was cancelled: the export says so."""
    services.export_mark_failed(export_id=export_id)


chain(
    services.BUILD_JOB,
    step("collect", collect),
    step("render", render),
    step("zip", zip_archive),
    step("store", store),
    step("notify", notify),
    policy=JobPolicy(
        max_retries=settings.EXPORTS_MAX_RETRIES,
        backoff_base=5,
        backoff_max=120,
        queue=settings.EXPORTS_QUEUE,
    ),
    on_failure=build_failed,
)


@periodic("exports.purge_expired", every=settings.EXPORTS_PURGE_INTERVAL)
def purge_expired() -> None:
    """Delete archives past ``EXPORTS_RETENTION`` and leftovers of old builds."""
    services.exports_purge()
