"""Management commands that only run system checks need no database.

Django's stock GeneratedField checks ask PostgreSQL for its version;
``StoredGeneratedField`` keeps ``manage.py spectacular`` (CI's schema step)
and ``check --deploy`` (a build step) working with no database in reach.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.workers  # starts processes
def test_system_checks_do_not_connect_to_the_database() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_ROOT,
        env={
            **os.environ,
            # Nothing listens on port 1: any connection attempt fails the command.
            "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/unreachable",
            "DATABASE_POOL_TIMEOUT": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
