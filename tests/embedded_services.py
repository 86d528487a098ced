"""pytest plugin: real PostgreSQL and Redis for the whole test session.

The session is one ``apps.core.stack.Stack`` on ``.data/test/``: when
``DATABASE_URL`` / ``REDIS_URL`` are unset it starts the embedded servers (as
``uv run dev`` does) before Django's settings are read; the workers and
servers the tests start (``tests/workers.py``, ``tests/live.py``) are its
children; everything stops when the session ends. When the URLs are set (CI,
a developer's own services), those are used. Either way the tests talk to
real servers. A second session on the same ``.data/test/`` is refused (it
would share, and empty, the first one's databases).

Under pytest-xdist (``-n``) the controller starts the servers as above and
each worker process (``gw0``, ``gw1``, ...) inherits their URLs and gets its
own share: a test database of its own (pytest-django's ``_gw<n>`` suffix),
two Redis databases of its own (cache and broker: the tests empty theirs),
its own exports folder, and a stack of its own for the children it starts.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from apps.core.devstate import AlreadyRunning
from apps.core.stack import Stack

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_stack: list[Stack] = []


def session_stack() -> Stack:
    """The test session's stack: start children through it so the session stops them."""
    return _stack[0]


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is not None:
        _share_for_worker(int(worker.removeprefix("gw")))
        _stack.append(Stack(PROJECT_ROOT / ".data" / "test" / worker, kind="test worker"))
        return
    stack = Stack(PROJECT_ROOT / ".data" / "test", kind="test session", persist_redis=False)
    try:
        stack.start_servers()
    except AlreadyRunning as exc:
        raise pytest.UsageError(f"{exc}: wait for it, or set DATABASE_URL and REDIS_URL") from exc
    _stack.append(stack)
    os.environ["DATABASE_URL"] = stack.env["DATABASE_URL"]
    os.environ["REDIS_URL"] = stack.env["REDIS_URL"]
    if not os.environ.get("CELERY_BROKER_URL"):
        # The broker gets a Redis database of its own: tests empty the cache
        # database, which must not drop the queues of running workers.
        os.environ["CELERY_BROKER_URL"] = neighbour_database(os.environ["REDIS_URL"])
        os.environ[_DERIVED_BROKER] = "1"
    # Fast, local settings for the webhook and export jobs, the same in this
    # process and in the workers it starts (they inherit the environment):
    # short backoffs, few attempts, deliveries to the loopback test receiver.
    for name, value in {
        "WEBHOOKS_MAX_RETRIES": "2",
        "WEBHOOKS_BACKOFF_BASE": "0.05",
        "WEBHOOKS_BACKOFF_MAX": "0.2",
        "WEBHOOKS_TIMEOUT": "3",  # generous: a loaded CI machine must not time out
        "WEBHOOKS_DISABLE_AFTER_FAILURES": "3",
        "WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true",
        "EXPORTS_ROOT": str(PROJECT_ROOT / ".data" / "test-exports"),
        "EXPORTS_QUEUE": "default",
    }.items():
        os.environ.setdefault(name, value)
    # Production-like: DEBUG off, so error bodies and startup checks are the real ones.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")


_DERIVED_BROKER = "TESTS_BROKER_IS_NEIGHBOUR"  # the broker URL above was ours to choose


def neighbour_database(redis_url: str, offset: int = 1) -> str:
    """The same Redis server, ``offset`` database numbers on (of 16)."""
    parts = urlsplit(redis_url)
    current = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(current + offset) % 16}"))


def _share_for_worker(index: int) -> None:
    """Worker ``gw<index>``'s Redis databases and exports folder (the controller
    runs no test: worker 0 keeps the controller's)."""
    os.environ["REDIS_URL"] = neighbour_database(os.environ["REDIS_URL"], 2 * index)
    if os.environ.get(_DERIVED_BROKER):
        os.environ["CELERY_BROKER_URL"] = neighbour_database(os.environ["REDIS_URL"])
    os.environ["EXPORTS_ROOT"] = str(Path(os.environ["EXPORTS_ROOT"]) / f"gw{index}")


def pytest_unconfigure(config: pytest.Config) -> None:
    while _stack:
        _stack.pop().stop()
