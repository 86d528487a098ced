"""The large workspace: what a busy team's workspace grows to (issue: cost as the data grows).

``seed_large(user, size)`` gives ``user`` a workspace of ``size`` documents
(50,000 in the full profile), written with one ``COPY`` (the database
computes each row's search vector and word count), then ``VACUUM (ANALYZE)``
so the planner has statistics and the search index's pending list is merged,
as on a table autovacuum has seen. Each document has about 40 words:

- ``COMMON_WORD`` in every document (a search that matches everything);
- ``RARE_WORD`` in every ``RARE_EVERY``-th document (25 matches in 50,000);
- ``PHRASE``'s two words in 40% of the documents each, both (apart) in 20%,
  and side by side, the phrase, in every ``PHRASE_EVERY``-th: a phrase
  search rechecks every document holding both words.

Generation is deterministic, so a workspace from an earlier run with the
same name and size is kept (seeding it costs some 10-30 s); a change to
the generator must change ``LARGE_NAME``.
"""

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # models import only after django.setup()
    from apps.accounts.models import User

LARGE_DOCUMENTS_ENV = "LOADTEST_LARGE_DOCUMENTS"
LARGE_NAME = "Loadtests large v1"
COMMON_WORD = "zebra"
RARE_WORD = "okapi"
RARE_EVERY = 2000
PHRASE = '"savanna migration"'
PHRASE_EVERY = 100
_FILLER_TEXT = (
    "river delta acacia grass herd water dust rain season lion giraffe buffalo "
    "elephant leopard cheetah hyena vulture baobab termite mound valley ridge plain "
    "crater lake reed heron flamingo stork jackal warthog impala gazelle wildebeest "
    "kestrel eagle sunrise sunset thunder drought pasture calf tusk track burrow "
    "canopy thorn seed bloom crossing ranger camp jeep lens photo sketch journal"
)
_FILLER = _FILLER_TEXT.split()
_STATUSES = ("draft", "published", "archived")


def _filler(number: int, count: int) -> list[str]:
    state = number * 2654435761 % 2**32
    words = []
    for _ in range(count):
        state = (state * 1103515245 + 12345) % 2**31
        words.append(_FILLER[state % len(_FILLER)])
    return words


def large_body(number: int) -> str:
    """Document ``number``'s body (see the module docstring for what it holds)."""
    words = _filler(number, 36)
    words.insert(7, COMMON_WORD)
    if number % 5 in (0, 1):
        words.insert(3, "savanna")
    if number % 5 in (1, 2):
        words.insert(25, "migration")
    if number % PHRASE_EVERY == 3:
        words.insert(15, "savanna migration")
    if number % RARE_EVERY == 11:
        words.insert(30, RARE_WORD)
    return " ".join(words)


def seed_large(user: "User", size: int) -> dict[str, Any]:
    """The large workspace of ``size`` documents owned by ``user``; the counts the phases expect."""
    from django.db import connection
    from django.utils import timezone

    from apps.documents.models import Document
    from apps.documents.selectors import document_list_for
    from apps.workspaces.models import Workspace
    from apps.workspaces.services import workspace_create

    owned = Workspace.objects.filter(name__startswith="Loadtests large", memberships__user=user)
    kept = owned.filter(name=LARGE_NAME).first()
    if kept is None or Document.objects.filter(workspace=kept).count() != size:
        owned.delete()
        workspace = workspace_create(owner=user, name=LARGE_NAME).workspace
        newest = timezone.now()
        columns = "id, workspace_id, title, body, status, tags, author_id, created_at, updated_at"
        with connection.cursor() as cursor:
            with cursor.copy(f"COPY documents_document ({columns}, version) FROM STDIN") as copy:
                for number in range(size):
                    written = newest - timedelta(seconds=size - number)
                    copy.write_row(
                        (
                            uuid.uuid4(),
                            workspace.pk,
                            f"Field note {number}: " + " ".join(_filler(number + 7, 2)),
                            large_body(number),
                            _STATUSES[number % len(_STATUSES)],
                            [f"region-{number % 12}"],
                            user.pk,
                            written,
                            written,
                            1,
                        )
                    )
            cursor.execute("VACUUM (ANALYZE) documents_document")
        kept = workspace

    def matches(q: str) -> int:
        # Every match, not only the newest SEARCH_WINDOW a search ranks.
        return document_list_for(workspace_id=kept.pk, q=q, search_window=None).count()

    return {
        "large_workspace_id": str(kept.pk),
        "large_documents": size,
        "large_common_word": COMMON_WORD,
        "large_common_matches": matches(COMMON_WORD),
        "large_rare_word": RARE_WORD,
        "large_rare_matches": matches(RARE_WORD),
        "large_phrase": PHRASE,
        "large_phrase_matches": matches(PHRASE),
    }
