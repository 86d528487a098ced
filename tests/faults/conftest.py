"""Fixtures of the fault-injection suite (``uv run pytest tests/faults`` or ``-m faults``;
the marker is set in ``tests/conftest.py``).

One stack for all the fault tests (starting it costs ~20 s): ``stack`` hands it
to a test healthy and heals it again afterwards, whatever the test broke.
"""

from collections.abc import Iterator

import pytest

from tests.faults import measure
from tests.faults.load import MIXED, SteadyLoad, VirtualUser
from tests.faults.stack import FaultStack, running_stack


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Write what was measured; an xdist worker also hands it to the controller,
    which prints the table (``tests/conftest.py``: this file is not loaded there)."""
    if not measure.REPORTS:
        return
    measure.write_results()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fault_reports"] = measure.as_data()


@pytest.fixture(scope="session")
def _close_pools() -> None:
    """The fault tests never touch the test session's database: skip creating it."""


@pytest.fixture(scope="package")
def fault_stack() -> Iterator[FaultStack]:
    """Up while this package's tests run, stopped before the rest of the suite goes on."""
    with running_stack() as stack:
        yield stack


@pytest.fixture
def stack(fault_stack: FaultStack) -> Iterator[FaultStack]:
    """The session's stack, ready; healed after the test whatever it broke."""
    fault_stack.heal()
    yield fault_stack
    fault_stack.heal()


@pytest.fixture
def mixed_load(stack: FaultStack) -> Iterator[SteadyLoad]:
    """A steady mixed load (reads, writes, authentication) from every seeded account but one.

    The last account is left for the test's own probes.
    """
    users = [
        VirtualUser(stack.token(account), account.workspace_id, MIXED)
        for account in stack.accounts[:-1]
    ]
    load = SteadyLoad(stack.base_url, users)
    with load:
        yield load
