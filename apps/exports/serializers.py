"""Public shapes of the exports API."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.outputs import iso_datetime, output_of, uuid_str
from apps.exports.models import Export, ExportStatus
from apps.exports.services import download_signature


def download_url_for(export: Export, request: Any) -> str | None:
    """A signed download link of a ready export for ``request``'s user, else None."""
    if request is None or export.state != ExportStatus.READY:
        return None
    path = reverse("exports-download", kwargs={"export_id": export.pk})
    query = urlencode({"signature": download_signature(export=export, user=request.user)})
    return str(request.build_absolute_uri(f"{path}?{query}"))


class ExportOutput(serializers.Serializer[Export]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ExportStatus.choices, source="state")
    job_id = serializers.UUIDField(
        allow_null=True, help_text="The build's job: GET /api/v1/jobs/{id} shows each step."
    )
    document_count = serializers.IntegerField(allow_null=True)
    size_bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(help_text="Checksum of the archive; empty until ready.")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="The archive is deleted after this."
    )
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text="When ready: a signed link for the caller, valid for a short time "
            "(EXPORTS_DOWNLOAD_URL_TTL); needs no Authorization header.",
        )
    )
    def get_download_url(self, export: Export) -> str | None:
        return download_url_for(export, self.context.get("request"))


@output_of(ExportOutput)
def export_public(export: Export, *, request: Any) -> dict[str, Any]:
    """``ExportOutput`` built directly (select the export's job)."""
    return {
        "id": str(export.id),
        "status": str(export.state),
        "job_id": uuid_str(export.job_id),
        "document_count": export.document_count,
        "size_bytes": export.size_bytes,
        "sha256": export.sha256,
        "created_at": iso_datetime(export.created_at),
        "completed_at": iso_datetime(export.completed_at),
        "expires_at": iso_datetime(export.expires_at),
        "download_url": download_url_for(export, request),
    }


class DownloadQuery(serializers.Serializer[Any]):
    signature = serializers.CharField(max_length=500, help_text="From the export's download_url.")
