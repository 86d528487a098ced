"""``python -m loadtests.profile_request [PATH] [-n N] [--handler H] [--compare | --versus P]``.

Where a Django request spends its time: drives ``project.asgi.app`` in-process
(no socket) N times on one event loop under pyinstrument and prints the call
tree, the framework floor without uvicorn or the network. ``--handler django``
swaps in Django's stock ``ASGIHandler`` for ``apps.core.upstream.handler.AsyncHandler``.
``--compare`` does not profile: it times rounds of N requests through each
handler alternately and prints requests per second of each (compare the two
only within one run). ``--versus OTHER`` times PATH and OTHER alternately
through our handler (``/api/v1/auth/me --versus /healthz``: the in-process
ratio of the two, without uvicorn or the network). Needs the benchmark user
seeded (run the runner once); ``LOADTEST_TOKEN`` adds ``Authorization:
Bearer <token>`` (to every path: /healthz ignores it).
"""

import argparse
import asyncio
import cProfile
import os
import pstats
import secrets
import time
from typing import Any

from pyinstrument import Profiler

from loadtests.inprocess import asgi_get


def _headers() -> list[tuple[bytes, bytes]]:
    headers = [(b"host", b"127.0.0.1")]
    if token := os.environ.get("LOADTEST_TOKEN"):
        headers.append((b"authorization", f"Bearer {token}".encode()))
    return headers


async def _one(app: Any, path: str) -> int:
    status, _, _ = await asgi_get(app, path, _headers())
    return status


def _app(handler: str) -> Any:
    os.environ.setdefault("BENCHMARK_ENDPOINTS", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # production settings
    from django.core.handlers.asgi import ASGIHandler

    import project.asgi
    from apps.core.upstream.handler import AsyncHandler

    project.asgi.django_app = AsyncHandler() if handler == "ours" else ASGIHandler()
    return project.asgi.app


async def _many(app: Any, path: str, count: int, concurrency: int) -> None:
    """``count`` requests to ``path``, ``concurrency`` at a time (as locust's users)."""

    async def stream(requests: int) -> None:
        for _ in range(requests):
            await _one(app, path)

    share, extra = divmod(count, concurrency)
    await asyncio.gather(*(stream(share + (i < extra)) for i in range(concurrency)))


async def _profile(path: str, count: int, handler: str, concurrency: int, cpu: bool) -> None:
    app = _app(handler)
    assert await _one(app, path) == 200
    if cpu:
        # Deterministic, in CPU time: what throughput follows once the server is CPU bound
        # (a coroutine's time while it awaits is not counted).
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        await _many(app, path, count, concurrency)
        profile.disable()
        stats = pstats.Stats(profile)
        print(f"{stats.total_tt * 1e6 / count:.0f} us CPU per request (profiled)")  # type: ignore[attr-defined]
        stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "60")))
        return
    profiler = Profiler(async_mode="enabled")
    with profiler:
        await _many(app, path, count, concurrency)
    print(
        profiler.output_text(
            unicode=True, color=False, show_all=os.environ.get("PROFILE_SHOW_ALL") == "1"
        )
    )


async def _compare(path: str, count: int, rounds: int) -> None:
    from django.core.handlers.asgi import ASGIHandler

    app = _app("ours")
    import project.asgi
    from apps.core.upstream.handler import AsyncHandler

    handlers = {"django": ASGIHandler(), "ours": AsyncHandler()}
    best = dict.fromkeys(handlers, 0.0)
    for _ in range(rounds):
        for name, handler in handlers.items():
            project.asgi.django_app = handler
            assert await _one(app, path) == 200
            started = time.perf_counter()
            for _ in range(count):
                await _one(app, path)
            best[name] = max(best[name], count / (time.perf_counter() - started))
    for name, rate in best.items():
        print(f"{name:>7}: {rate:8.0f} req/s (best of {rounds} rounds of {count})")
    print(f"ours / django: {best['ours'] / best['django']:.2f}")


async def _versus(path: str, other: str, count: int, rounds: int, concurrency: int) -> None:
    """Best rate of each path, by wall time and by this process's CPU time per request.

    With few concurrent requests the wall time includes waiting on Redis or
    PostgreSQL; under load a server is CPU bound and the CPU figure is what
    throughput follows.
    """
    app = _app("ours")
    wall = dict.fromkeys((path, other), 0.0)
    cpu = dict.fromkeys((path, other), 0.0)
    for _ in range(rounds):
        for each in wall:
            assert await _one(app, each) == 200
            started, started_cpu = time.perf_counter(), time.process_time()
            await _many(app, each, count, concurrency)
            wall[each] = max(wall[each], count / (time.perf_counter() - started))
            cpu[each] = max(cpu[each], count / (time.process_time() - started_cpu))
    for each in wall:
        print(
            f"{each:>40}: {wall[each]:8.0f} req/s wall, {cpu[each]:8.0f} req/s of CPU,"
            f" {1e6 / cpu[each]:6.0f} us CPU per request (best of {rounds} x {count})"
        )
    print(
        f"{path} / {other}: {wall[path] / wall[other]:.2f} wall, {cpu[path] / cpu[other]:.2f} CPU"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", default="/api/v1/bench/user")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--handler", choices=("ours", "django"), default="ours")
    parser.add_argument("--compare", action="store_true", help="time both handlers instead")
    parser.add_argument("--versus", help="time PATH against this path instead")
    parser.add_argument(
        "-c", "--concurrency", type=int, default=1, help="requests in flight at once"
    )
    parser.add_argument("--cpu", action="store_true", help="profile CPU time with cProfile instead")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.versus:
        asyncio.run(_versus(args.path, args.versus, args.n, args.rounds, args.concurrency))
    elif args.compare:
        asyncio.run(_compare(args.path, args.n, args.rounds))
    else:
        asyncio.run(_profile(args.path, args.n, args.handler, args.concurrency, args.cpu))


if __name__ == "__main__":
    main()
