"""Two writers at the same time, in two threads with their own database connections.

The first writer holds its row lock until the database shows the second one
waiting for it (polled in pg_locks, never slept on), so the two UPDATEs
really overlap.
"""

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from apps.accounts.models import User
from apps.core.errors import PreconditionFailed
from apps.documents.models import Document
from apps.documents.services import document_update
from apps.workspaces.events import workspace_event
from tests.factories import make_user
from tests.workspaces.factories import make_document, make_workspace

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_a_blocked_writer() -> None:
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Waiting on this very connection (the server may run other tests' databases).
            cursor.execute(
                "SELECT count(*) FROM pg_locks"
                " WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            row = cursor.fetchone()
            if row and row[0] > 0:
                return
    raise AssertionError("the second writer never blocked on the first")


@pytest.fixture
def first_writer_waits() -> Iterator[None]:
    """The first ``document.updated`` publisher (inside its transaction) waits for the other."""
    first = threading.Lock()

    def hold(**_: Any) -> None:
        if first.acquire(blocking=False):
            _wait_for_a_blocked_writer()

    workspace_event.connect(hold, weak=False)
    yield
    workspace_event.disconnect(hold)


def _run_both(*calls: Callable[[], Document]) -> list[Document | Exception]:
    def run(call: Callable[[], Document]) -> Document | Exception:
        try:
            return call()
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result() for future in futures]


def _document() -> Document:
    author: User = make_user()
    return make_document(workspace=make_workspace(owner=author), author=author, title="Base")


def test_same_version_writers_one_wins_one_gets_412(first_writer_waits: None) -> None:
    document = _document()

    def write(title: str) -> Callable[[], Document]:
        return lambda: document_update(
            workspace_id=document.workspace_id,
            document_id=document.pk,
            expected_versions=[1],
            changes={"title": title},
        )

    results = _run_both(write("A"), write("B"))
    winners = [result for result in results if isinstance(result, Document)]
    losers = [result for result in results if isinstance(result, PreconditionFailed)]
    assert (len(winners), len(losers)) == (1, 1), results
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.version) == (winners[0].title, 2)


def test_writers_without_if_match_each_keep_their_change(first_writer_waits: None) -> None:
    document = _document()

    def write(changes: dict[str, Any]) -> Callable[[], Document]:
        return lambda: document_update(
            workspace_id=document.workspace_id,
            document_id=document.pk,
            expected_versions=None,
            changes=changes,
        )

    results = _run_both(write({"title": "New title"}), write({"body": "new body"}))
    assert all(isinstance(result, Document) for result in results), results
    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.body, stored.version) == ("New title", "new body", 3)
