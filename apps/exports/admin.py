from django.contrib import admin

from apps.exports.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin[Export]):
    list_display = ("id", "workspace", "status", "document_count", "size_bytes", "created_at")
    list_filter = ("status",)
    readonly_fields = [field.name for field in Export._meta.fields]
