"""Public shapes of the exports API."""

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.exports.models import Export, ExportStatus
from apps.exports.services import download_signature


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
        request = self.context.get("request")
        if request is None or export.state != ExportStatus.READY:
            return None
        path = reverse("exports-download", kwargs={"export_id": export.pk})
        query = urlencode({"signature": download_signature(export=export, user=request.user)})
        return str(request.build_absolute_uri(f"{path}?{query}"))


class DownloadQuery(serializers.Serializer[Any]):
    signature = serializers.CharField(max_length=500, help_text="From the export's download_url.")
