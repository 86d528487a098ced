"""Reads on documents, always scoped to one workspace the caller belongs to."""

from datetime import datetime
from uuid import UUID, uuid4

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast

from apps.core.aquery import Prepared
from apps.core.errors import NotFound
from apps.documents.models import SEARCH_CONFIG, Document

# Stable orderings for cursor pagination: the cursor is built from the first
# field, ties are broken by the rest (ending with the primary key).
DEFAULT_ORDERING: tuple[str, ...] = ("-created_at", "-id")
RELEVANCE_ORDERING: tuple[str, ...] = ("-rank", "-created_at", "-id")
# ts_rank is a float; the cursor needs exact comparisons, so rank is scaled to an integer.
RANK_SCALE = 1_000_000
# A search ranks at most this many matches: the newest ones (docs/api.md, "Search").
SEARCH_WINDOW = 1_000


def document_list_for(
    *,
    workspace_id: UUID,
    status: str | None = None,
    tag: str | None = None,
    author: int | None = None,
    updated_since: datetime | None = None,
    q: str | None = None,
    search_window: int | None = SEARCH_WINDOW,
) -> QuerySet[Document]:
    """The workspace's documents, filtered; with ``q``, matches only, with a ``rank``.

    Lazy and unordered: paginate with ``DEFAULT_ORDERING`` (or
    ``RELEVANCE_ORDERING`` when searching). One query per page, no joins.

    A search's cost is bounded by ``search_window``, not by the number of
    matches: only the newest ``search_window`` matching documents (after the
    other filters) are ranked and returned, so a word in every document of a
    50,000-document workspace ranks 1,000 rows, not 50,000. ``None`` ranks
    every match (for measuring what the window changes).
    """
    documents = Document.objects.filter(workspace_id=workspace_id).defer("body", "search_vector")
    if status:
        documents = documents.filter(status=status)
    if tag:
        documents = documents.filter(tags__contains=[tag.strip().lower()])
    if author is not None:
        documents = documents.filter(author_id=author)
    if updated_since is not None:
        documents = documents.filter(updated_at__gte=updated_since)
    if q:
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        matches = documents.filter(search_vector=query)
        if search_window is not None:
            newest = matches.order_by(*DEFAULT_ORDERING).values("pk")[:search_window]
            matches = documents.filter(pk__in=newest)
        documents = matches.annotate(
            rank=Cast(
                SearchRank(F("search_vector"), query) * Value(RANK_SCALE),
                output_field=IntegerField(),
            )
        )
    return documents


def document_detail_for(*, workspace_id: UUID, document_id: UUID) -> QuerySet[Document]:
    """The document (with its body) if it is in the workspace (lazy)."""
    return Document.objects.filter(pk=document_id, workspace_id=workspace_id).defer("search_vector")


_document_detail = Prepared(document_detail_for, first=True, workspace_id=uuid4, document_id=uuid4)


async def adocument_access(*, workspace_id: UUID, document_id: UUID) -> Document:
    """One document of the workspace, or 404 (call it after checking membership).

    Read on the async pool: no thread hop.
    """
    document = await _document_detail.first(workspace_id=workspace_id, document_id=document_id)
    if document is None:
        raise NotFound()
    return document
