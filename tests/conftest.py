import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import SyncToAsync, sync_to_async
from django.core.cache import cache
from django.db import connections
from django.db.backends.utils import CursorWrapper
from django.test import AsyncClient
from psycopg import AsyncCursor

from apps.accounts import token_cache
from apps.core.db import close_pool, database_breaker
from apps.core.redis import breaker as redis_breaker
from apps.core.redis import close_redis
from tests.factories import Outbox

if TYPE_CHECKING:  # imported for annotations only: pytest loads them as a plugin
    from tests.worker_fixtures import JobEnvironment
    from tests.workers import Worker

# Real worker processes (celery worker, db_worker) for tests that need them.
pytest_plugins = ["tests.worker_fixtures"]

# Fixtures that start worker processes: a test using one is marked ``workers``
# (modules that start servers or stacks themselves say so with ``pytestmark``).
WORKER_FIXTURES = frozenset({"celery_worker", "native_worker", "job_environment"})


FAULTS = Path(__file__).resolve().parent / "faults"


@pytest.hookimpl(trylast=True)  # after pytest-django's sort, which put the faults last
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``faults`` on tests/faults; ``workers`` on every test that starts
    processes, so ``-m "not workers"`` is the fast loop (CONTRIBUTING.md).

    Then the order: the fault suite, then modules with a ``workers`` test,
    then the rest, each module's tests together and in their order. (Ordering
    the slow modules by how many tests start processes measured slower:
    4 min 25 s against 4 min 12-18 s.) Under
    xdist (``pytest_xdist_make_scheduler`` below) the long modules start first
    instead of being the last ones left running.
    """
    for item in items:
        faults = FAULTS in item.path.parents
        if faults:
            item.add_marker(pytest.mark.faults)
        if faults or set(getattr(item, "fixturenames", ())) & WORKER_FIXTURES:
            item.add_marker(pytest.mark.workers)
    slow = {item.path for item in items if item.get_closest_marker("workers")}
    items.sort(key=lambda item: 0 if FAULTS in item.path.parents else 1 if item.path in slow else 2)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than cores. A third of the suite's time is
    spent waiting (servers starting, fault holds, job polls), not computing:
    on 2 cores 3 workers took 3 min 23 s, 2 took 4 min 00 s (capped by
    ``--maxprocesses``)."""
    return (os.cpu_count() or 1) + 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under xdist, whole modules go to one worker (module fixtures start once, and a
    module's own data directory is never used by two processes at once), and the
    fault suite, which shares one stack, as one unit."""
    from xdist.scheduler import LoadScopeScheduling

    def module_of(nodeid: str) -> str:
        module = nodeid.partition("::")[0]
        return "tests/faults" if module.startswith("tests/faults/") else module

    config.option.loadscopereorder = False  # keep the order above: the long ones first
    scheduler = LoadScopeScheduling(config, log)
    scheduler._split_scope = module_of  # its one extension point: the unit of work
    return scheduler


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Captured output as text any process can carry: a hypothesis test's logs can
    hold lone surrogates (a fuzzed path), which xdist cannot send to the controller."""
    outcome = yield
    report = outcome.get_result()
    report.sections = [
        (title, content.encode("utf-8", "backslashreplace").decode("utf-8"))
        for title, content in report.sections
    ]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: collect the fault reports a worker measured."""
    reports = getattr(node, "workeroutput", {}).get("fault_reports")
    if reports:
        from tests.faults import measure

        measure.extend(reports)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.faults import measure

    if not measure.REPORTS:
        return
    terminalreporter.section("fault injection: what was measured")
    for row in measure.table():
        terminalreporter.write_line(row)
    terminalreporter.write_line(f"(also in {measure.RESULTS_FILE})")


@pytest.fixture(scope="session", autouse=True)
async def _close_pools(django_db_setup: None) -> AsyncIterator[None]:
    """Release pooled connections before pytest-django drops the test database.

    Depending on ``django_db_setup`` makes this finalize before it.
    """
    yield
    await close_pool()
    await close_redis()
    await sync_to_async(connections.close_all)()  # the thread sync_to_async runs ORM calls in
    connections.close_all()
    for connection in connections.all():
        connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL backend only


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Every test starts with an empty cache database (the test Redis database)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_process_state() -> None:
    """Every test starts as a new process would: the circuit breakers closed (one an
    earlier test opened, by a fault it injected or a Redis command past its 1 s
    timeout on a loaded machine, stays open for seconds) and the token cache not yet
    trusted (an earlier test's outbox read is trusted for TOKEN_REVOCATION_CHECK_INTERVAL,
    so a fast test ran inside it)."""
    redis_breaker.reset()
    database_breaker.reset()
    token_cache.distrust()


@pytest.fixture
def api() -> AsyncClient:
    """An async client that returns 500 responses instead of raising."""
    return AsyncClient(raise_request_exception=False)


@pytest.fixture
def thread_hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of every function asgiref runs in a worker thread during the test
    (each ``sync_to_async`` call: a thread hop), in order."""
    calls: list[str] = []
    original = SyncToAsync.__call__

    async def recording_call(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(self.func, "__qualname__", None) or type(self.func).__name__)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", recording_call)
    return calls


@pytest.fixture
def orm_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """SQL of every query run during the test: the ORM's in any thread, and the
    statements run on the async pool (``apps.core.aquery``, the authenticator).

    ``CaptureQueriesContext`` only sees the calling thread's connection; the
    async ORM runs its queries in a worker thread.

    Not recorded: the token cache's trust renewal (the revocation outbox read,
    ``apps.accounts.token_cache``), which a process runs at most once per
    ``TOKEN_REVOCATION_CHECK_INTERVAL`` whatever the request, so whether it
    lands inside a test's request is a matter of timing.
    """
    seen: list[str] = []
    execute, executemany = CursorWrapper.execute, CursorWrapper.executemany
    async_execute = AsyncCursor.execute

    async def recording_async_execute(
        self: AsyncCursor[Any], query: Any, params: Any = None, **kwargs: Any
    ) -> AsyncCursor[Any]:
        sql = str(query)
        if sql.strip() and "accounts_tokenrevocation" not in sql:  # see the docstring
            seen.append(sql)
        return await async_execute(self, query, params, **kwargs)

    def recording_execute(self: CursorWrapper, sql: str, params: Any = None) -> Any:
        seen.append(sql)
        return execute(self, sql, params)

    def recording_executemany(self: CursorWrapper, sql: str, param_list: Any) -> Any:
        seen.append(sql)
        return executemany(self, sql, param_list)

    monkeypatch.setattr(CursorWrapper, "execute", recording_execute)
    monkeypatch.setattr(CursorWrapper, "executemany", recording_executemany)
    monkeypatch.setattr(AsyncCursor, "execute", recording_async_execute)
    return seen


@pytest.fixture
async def outbox(
    job_environment: "JobEnvironment", native_worker: "Worker"
) -> AsyncIterator[Outbox]:
    """Emails sent by the real native worker during this test (starts empty).

    On the way out it waits for this test's email jobs to finish, so none of
    them lands in the next test's outbox.
    """
    box = Outbox(job_environment.email_dir)
    box.clear()
    yield box
    await box.drain()
