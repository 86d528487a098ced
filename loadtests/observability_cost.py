"""``uv run python -m loadtests.observability_cost [-n N] [--rounds R]``: what the access
log, Sentry and metrics cost a ``/me`` request.

Brings up the load tests' PostgreSQL and Redis (``.data/loadtests/``, as the
runner does), seeds them, then drives ``project.asgi.app`` in this process
(no socket, no uvicorn) with rounds of N authenticated ``GET /me``, taking
turns between the variants so a slow moment on a shared machine weighs on
all of them:

- ``plain``: no access log, Sentry's client off, metrics not recording;
- ``access-log``: ``ACCESS_LOG`` on, JSON lines to a file
  (``loadtests/results/observability-cost.log``);
- ``sentry``: Sentry's client on (DSN on a closed loopback port; a request
  that succeeds sends nothing, tracing off as by default);
- ``both``: the access log and Sentry;
- ``metrics``: metrics recording (``METRICS_ENABLED``, multiprocess mode in
  ``loadtests/results/observability-metrics/``, as a production server);
- ``log+metrics``: the access log and metrics (the defaults of a server
  with metrics on).

The SDK is started once (``SENTRY_DSN`` set before Django starts); "off" is
its client swapped for the SDK's non-recording one, so its patches stay in
place and ``plain`` is a little slower than a process that never set a DSN
(where nothing is patched). Metrics are set up once too and "off" is
``metrics.set_recording(False)``: exactly what a server with
``METRICS_ENABLED`` unset runs per request. Prints, per variant, the least CPU time per
request and the Python function calls per request (counted under cProfile:
the same on a busy machine as on a quiet one), each against ``plain``.
In-process figures leave out uvicorn's own work, so compare the
microseconds, not the ratios, with a server's budget (2,000 req/s is 500 us
a request).

It counts CPU time (``time.process_time``: every thread of this process,
Sentry's sender included), not wall time, so that other work on a shared
machine weighs less on the figures; PostgreSQL and Redis are the same for
every variant and not counted.
"""

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from typing import Any

from apps.core.metrics.files import prepare
from loadtests.inprocess import asgi_get, bearer
from loadtests.scenarios import ME
from loadtests.servers import Servers

RESULTS = Path(__file__).resolve().parent / "results"
METRICS_DIR = RESULTS / "observability-metrics"
VARIANTS = ("plain", "access-log", "sentry", "both", "metrics", "log+metrics")


async def _get(app: Any, path: str, token: str) -> int:
    status, _, _ = await asgi_get(app, path, bearer(token))
    return status


async def _calls_per_request(app: Any, token: str, count: int) -> float:
    """Python function calls per request: a load-independent proxy of its CPU cost."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        await _get(app, ME, token)
    profiler.disable()
    return float(pstats.Stats(profiler).total_calls) / count  # type: ignore[attr-defined]


async def _measure(token: str, count: int, rounds: int) -> dict[str, tuple[float, float]]:
    """Per variant: the least CPU time per request (us, this process's threads) and the
    Python function calls per request."""
    import sentry_sdk
    from django.conf import settings

    import project.asgi
    from apps.core import metrics
    from apps.core.db import close_pool, open_pool
    from apps.core.redis import close_redis, open_redis

    client = sentry_sdk.get_client()
    assert client.is_active(), "SENTRY_DSN must be set before Django starts"

    assert metrics.on, "METRICS_ENABLED must be set before Django starts"

    def use(variant: str) -> None:
        settings.ACCESS_LOG = variant in ("access-log", "both", "log+metrics")
        sentry_sdk.get_global_scope().set_client(client if variant in ("sentry", "both") else None)
        metrics.set_recording(variant in ("metrics", "log+metrics"))

    await open_pool()
    open_redis()
    gc.collect()  # as the ASGI lifespan does at startup
    gc.freeze()
    best = dict.fromkeys(VARIANTS, float("inf"))
    calls = dict.fromkeys(VARIANTS, 0.0)
    try:
        for _ in range(rounds):
            for variant in VARIANTS:
                use(variant)
                assert await _get(project.asgi.app, ME, token) == 200
                started = time.process_time()
                for _ in range(count):
                    await _get(project.asgi.app, ME, token)
                used = (time.process_time() - started) * 1e6 / count
                best[variant] = min(best[variant], used)
        for variant in VARIANTS:
            use(variant)
            calls[variant] = await _calls_per_request(project.asgi.app, token, 200)
    finally:
        await close_pool()
        await close_redis()
    return {variant: (best[variant], calls[variant]) for variant in VARIANTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="requests per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per variant (default 5)")
    args = parser.parse_args()

    env = os.environ.copy()
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="INFO",
        LOG_FORMAT="json",
        SENTRY_DSN="http://public@127.0.0.1:9/1",  # nothing listens: nothing is sent
        METRICS_ENABLED="true",
        METRICS_TOKEN=secrets.token_urlsafe(32),
        PROMETHEUS_MULTIPROC_DIR=str(METRICS_DIR),
    )
    env.pop("DEBUG", None)
    RESULTS.mkdir(parents=True, exist_ok=True)
    prepare(METRICS_DIR)
    with Servers(env, workers=1, cpu=None) as servers:
        token = servers.seed()["token"]
        os.environ.clear()
        os.environ.update(servers.env)
        # The access log's lines (and anything else logged) go to a file, as
        # a server's would, not into this table.
        log = (RESULTS / "observability-cost.log").open("ab")
        stdout = sys.stdout
        os.dup2(log.fileno(), 2)
        best = asyncio.run(_measure(token, args.n, args.rounds))
    base, base_calls = best["plain"]
    title = f"/me in process, per request (CPU: best of {args.rounds} rounds of {args.n}):"
    print(title, file=stdout)
    for variant, (used, calls) in best.items():
        print(
            f"{variant:>11}: CPU {used:6.1f} us ({used - base:+6.1f})"
            f"  calls {calls:5.0f} ({calls - base_calls:+5.0f}, {calls / base_calls - 1:+.0%})",
            file=stdout,
        )


if __name__ == "__main__":
    main()
