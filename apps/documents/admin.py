from django.contrib import admin

from apps.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("title", "workspace", "status", "version", "word_count", "updated_at")
    list_filter = ("status",)
    search_fields = ("title",)
    raw_id_fields = ("workspace", "author")
    readonly_fields = ("version", "word_count", "created_at", "updated_at")
    exclude = ("search_vector",)
