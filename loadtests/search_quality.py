"""``uv run python -m loadtests.search_quality [--documents 50000] [--window 1000]``.

What the bounded search window (``apps.documents.selectors.SEARCH_WINDOW``)
does to cost and to result quality, on a seeded workspace of ``--documents``
documents (created once, ``ANALYZE``d, kept in the load tests' embedded
PostgreSQL under ``.data/loadtests`` in the database ``search_quality``;
``DATABASE_URL`` overrides).

The text is synthetic but shaped like prose: a Zipf-distributed vocabulary
of 3,000 words, titles of 3 to 8 words, bodies of 40 to 400 words, and three
planted words: ``zebra`` in every document (a common word; 1 to 3 times in
the body, and in the title of one in 50, so relevance varies), ``okapi`` in
one in 2,000 (a rare word), and ``savanna``/``migration`` each in one
document in five, side by side (the phrase ``"savanna migration"``) in one
in a hundred (and in the title of one in a thousand).

For each query it runs the first page (20, as a client asks) twice, ranking
every match (``search_window=None``, the old behaviour) and ranking the
newest ``--window`` matches, and prints: the server-side execution time
(``EXPLAIN ANALYZE``, best of 3), the number of matches, and how many of the
full ranking's top 20 the window also returns (overlap@20), and the window's
top 20's summed rank as a share of the full ranking's (relevance@20: 1.00
means results just as relevant, if not the same ones). ``--explain`` prints
the plans.
"""

import argparse
import os
import random
import re
import secrets
import time
from typing import Any

import django

WORKSPACE_NAME = "Search quality v2"  # bump when the generator changes
OWNER_EMAIL = "search-quality@example.com"
PAGE = 20
QUERIES = {
    "common word": "zebra",
    "rare word": "okapi",
    "phrase": '"savanna migration"',
    "two words": "savanna migration",
}


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "do", "gu"]
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _title(rng: random.Random, vocabulary: list[str], weights: list[float], number: int) -> str:
    words = rng.choices(vocabulary, weights, k=rng.randint(3, 8))
    if number % 50 == 0:
        words.append("zebra")
    if number % 1000 == 3:
        words.append("savanna migration")
    return " ".join(words)


def _body(rng: random.Random, vocabulary: list[str], weights: list[float], number: int) -> str:
    words = rng.choices(vocabulary, weights, k=rng.randint(40, 400))
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        words.insert(rng.randrange(len(words)), "zebra")
    if number % 2000 == 7:
        words.insert(rng.randrange(len(words)), "okapi")
    if number % 100 == 3:
        words.insert(rng.randrange(len(words)), "savanna migration")
    else:
        if number % 5 == 1:
            words.insert(rng.randrange(len(words)), "savanna")
        if number % 5 == 2:
            words.insert(rng.randrange(len(words)), "migration")
    return " ".join(words)


def seed(documents: int) -> Any:
    """The seeded workspace (created on first use, with ``documents`` documents)."""
    from django.db import connection

    from apps.accounts.models import User
    from apps.documents.models import Document
    from apps.workspaces.models import Membership, Role, Workspace

    owner, _ = User.objects.get_or_create(email=OWNER_EMAIL)
    workspace = Workspace.objects.filter(name=WORKSPACE_NAME, memberships__user=owner).first()
    if workspace is not None and workspace.documents.count() == documents:
        return workspace
    Workspace.objects.filter(memberships__user=owner).delete()  # earlier generators' data
    workspace = Workspace.objects.create(name=WORKSPACE_NAME)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
    rng = random.Random(42)  # noqa: S311  (test data, not secrets)
    vocabulary = _words(rng, 3000)
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    started = time.monotonic()
    for start in range(0, documents, 2000):
        Document.objects.bulk_create(
            [
                Document(
                    workspace=workspace,
                    author=owner,
                    title=_title(rng, vocabulary, weights, number),
                    body=_body(rng, vocabulary, weights, number),
                    tags=[],
                )
                for number in range(start, min(start + 2000, documents))
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
    print(f"seeded {documents} documents in {time.monotonic() - started:.0f} s")
    return workspace


def _execution_ms(plan: str) -> float:
    match = re.search(r"Execution Time: ([\d.]+) ms", plan)
    assert match, plan
    return float(match.group(1))


def measure(workspace: Any, window: int, *, explain: bool) -> list[dict[str, Any]]:
    from apps.documents.selectors import RELEVANCE_ORDERING, document_list_for

    rows = []
    for label, q in QUERIES.items():
        result: dict[str, Any] = {"query": label, "q": q}
        tops: dict[str, list[Any]] = {}
        for name, limit in (("full", None), ("window", window)):
            page = document_list_for(workspace_id=workspace.pk, q=q, search_window=limit)
            page = page.order_by(*RELEVANCE_ORDERING)[: PAGE + 1]
            plans = [page.explain(analyze=True, buffers=True) for _ in range(3)]
            result[f"{name}_ms"] = min(_execution_ms(plan) for plan in plans)
            tops[name] = [document.pk for document in page[:PAGE]]
            if explain:
                print(f"--- {label} ({q}), {name}:\n{plans[-1]}\n")
        full_matches = document_list_for(workspace_id=workspace.pk, q=q, search_window=None)
        result["matches"] = full_matches.count()
        result["overlap"] = len(set(tops["full"]) & set(tops["window"]))
        # Any: the stubs do not know the annotation "rank".
        ranked: Any = document_list_for(workspace_id=workspace.pk, q=q, search_window=None)
        ranks = {
            name: sum(ranked.filter(pk__in=ids).values_list("rank", flat=True))
            for name, ids in tops.items()
        }
        result["relevance"] = ranks["window"] / ranks["full"] if ranks["full"] else 1.0
        result["top"] = len(tops["full"])
        rows.append(result)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--window", type=int, default=None, help="default: SEARCH_WINDOW")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    stop = None
    if not os.environ.get("DATABASE_URL"):
        from apps.core.embedded import EmbeddedPostgres
        from loadtests.servers import DATA_DIR

        postgres = EmbeddedPostgres(DATA_DIR / "postgres")
        postgres.ensure_database("search_quality")
        os.environ["DATABASE_URL"] = postgres.url("search_quality")
        stop = postgres.stop
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    try:
        django.setup()
        from django.core.management import call_command

        from apps.documents.selectors import SEARCH_WINDOW

        call_command("migrate", verbosity=0)
        workspace = seed(args.documents)
        window = args.window or SEARCH_WINDOW
        rows = measure(workspace, window, explain=args.explain)
        print(f"\n{args.documents} documents, first page of {PAGE}, window {window}")
        print("| query | matches | all ranked (ms) | window (ms) | overlap@20 | relevance@20 |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(
                f"| {row['query']} `{row['q']}` | {row['matches']:,} | {row['full_ms']:.1f} "
                f"| {row['window_ms']:.1f} | {row['overlap']}/{row['top']} "
                f"| {row['relevance']:.2f} |"
            )
    finally:
        if stop is not None:
            stop()


if __name__ == "__main__":
    main()
