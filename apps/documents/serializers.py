"""Public shapes of the document API. Generated columns are read-only outputs."""

from typing import Any, override

from rest_framework import serializers

from apps.core.outputs import iso_datetime, output_of
from apps.documents.models import Document, DocumentStatus

MAX_TAGS = 20


class TagsField(serializers.ListField):
    """Up to 20 tags, each 1-50 characters; trimmed, lower-cased, duplicates dropped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(max_length=50), max_length=MAX_TAGS, **kwargs)

    @override
    def to_internal_value(self, data: Any) -> list[str]:
        tags: list[str] = super().to_internal_value(data)
        return list(dict.fromkeys(tag.strip().lower() for tag in tags))


class DocumentSummaryOutput(serializers.Serializer[Document]):
    """A document in a list (no body)."""

    id = serializers.UUIDField(read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, read_only=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    author_id = serializers.IntegerField(allow_null=True, read_only=True)
    version = serializers.IntegerField(
        read_only=True, help_text="Increases by one with every change; the ETag is built from it."
    )
    word_count = serializers.IntegerField(
        read_only=True, help_text="Computed by the database from the body."
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class DocumentOutput(DocumentSummaryOutput):
    body = serializers.CharField(read_only=True)


@output_of(DocumentSummaryOutput)
def document_summary_public(document: Document) -> dict[str, Any]:
    """``DocumentSummaryOutput`` built directly."""
    return {
        "id": str(document.id),
        "workspace_id": str(document.workspace_id),
        "title": document.title,
        "status": document.status,
        "tags": list(document.tags),
        "author_id": document.author_id,
        "version": document.version,
        "word_count": document.word_count,
        "created_at": iso_datetime(document.created_at),
        "updated_at": iso_datetime(document.updated_at),
    }


@output_of(DocumentOutput)
def document_public(document: Document) -> dict[str, Any]:
    """``DocumentOutput`` built directly."""
    return {**document_summary_public(document), "body": document.body}


class DocumentCreateInput(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(allow_blank=True, default="", trim_whitespace=False)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    tags = TagsField(default=list)


class DocumentReplaceInput(serializers.Serializer[Any]):
    """PUT: every field is given."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    tags = TagsField()


class DocumentUpdateInput(serializers.Serializer[Any]):
    """PATCH: only the fields given change."""

    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False)
    tags = TagsField(required=False)


class DocumentListQuery(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False)
    tag = serializers.CharField(max_length=50, required=False, help_text="Has this tag.")
    author = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="Author's user id."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Updated at or after this time (ISO 8601)."
    )
    q = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Full-text search over title (weighs more) and body, web-search syntax "
        '("quoted phrase", -excluded, or). Results are ordered by relevance.',
    )
