"""Documents inside a workspace, with database-computed search columns."""

import uuid
from typing import override

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Func, Value
from django.db.models.functions import Coalesce

from apps.workspaces.models import Workspace

SEARCH_CONFIG = "english"


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


def _word_count() -> Func:
    """Whitespace-separated words of the body; 0 for a blank body.

    ``regexp_split_to_array`` of NULL is NULL, so a blank body (NULL after
    ``nullif``) counts 0 through the ``coalesce``. Every function here is
    immutable, as a generated column requires.
    """
    trimmed = Func(
        Func(models.F("body"), Value(" \t\r\n"), function="btrim"), Value(""), function="nullif"
    )
    words = Func(trimmed, Value(r"\s+"), function="regexp_split_to_array")
    return Coalesce(
        Func(words, Value(1), function="array_length", output_field=models.IntegerField()),
        Value(0),
        output_field=models.IntegerField(),
    )


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every update, in the UPDATE's own WHERE clause (optimistic locking).
    version = models.PositiveIntegerField(default=1)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    word_count = models.GeneratedField(
        expression=_word_count(), output_field=models.IntegerField(), db_persist=True
    )

    class Meta:
        indexes = [
            GinIndex(fields=["search_vector"], name="documents_search_gin"),
            GinIndex(fields=["tags"], name="documents_tags_gin"),
            models.Index(fields=["workspace", "-updated_at", "-id"], name="documents_ws_updated"),
            models.Index(fields=["workspace", "-created_at", "-id"], name="documents_ws_created"),
        ]

    @override
    def __str__(self) -> str:
        return self.title
