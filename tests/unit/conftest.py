"""Unit tests of pure functions: no database, no Redis, no workers.

The suite's autouse fixtures (``tests/conftest.py``) create the test database
and empty the Redis cache before every test; these tests need neither, so the
fixtures are replaced here by ones that do nothing. pytest-django still blocks
any database query (no ``django_db`` mark), so a test that reached the
database by accident would fail rather than pass slowly.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _close_pools() -> None:
    """No pool is opened here, and no test database is needed to close one."""


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """No test reads the cache: nothing to empty (and no Redis round trip)."""
