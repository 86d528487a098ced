"""A steady mixed load on the fault stack, and what it saw.

``SteadyLoad`` runs virtual users in a thread of its own (its own event loop
and ``httpx.AsyncClient``; never locust, which must not be imported into the
pytest process). Each user repeats its operations in order with a short
pause, so the request rate is steady and the same on every run. Every request
becomes a ``Sample``: when it started and ended, its status (None when no
HTTP answer came: refused, reset, timed out) and whether an error answer had
the standard error shape.
"""

import asyncio
import itertools
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

API = "/api/v1"


@dataclass(frozen=True, slots=True)
class Sample:
    op: str
    user: int
    started: float  # time.monotonic()
    finished: float
    status: int | None  # None: no HTTP answer
    error: str | None = None  # the exception, when no HTTP answer came
    standard_error: bool = True  # an error answer in the standard shape (apps.core.errors)
    retry_after: str | None = None

    @property
    def seconds(self) -> float:
        return self.finished - self.started

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass
class VirtualUser:
    """One client: a token, its workspace and the operations it repeats, in order."""

    token: str
    workspace_id: str
    ops: Sequence[str]
    number: int = 0
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


type Operation = Callable[[httpx.AsyncClient, VirtualUser], Awaitable[httpx.Response]]


async def op_me(client: httpx.AsyncClient, user: VirtualUser) -> httpx.Response:
    """The authentication path alone: the token cache, no query on a hit."""
    return await client.get(f"{API}/auth/me", headers=user.headers)


async def op_list_documents(client: httpx.AsyncClient, user: VirtualUser) -> httpx.Response:
    """A read on the async pool (membership check + one page)."""
    return await client.get(f"{API}/workspaces/{user.workspace_id}/documents", headers=user.headers)


async def op_create_document(client: httpx.AsyncClient, user: VirtualUser) -> httpx.Response:
    """A write: one transaction through Django's pool."""
    return await client.post(
        f"{API}/workspaces/{user.workspace_id}/documents",
        headers=user.headers,
        json={"title": f"load {user.number}", "body": "written under load"},
    )


# Operations by name; a test (or another fault scenario) may register more.
OPERATIONS: dict[str, Operation] = {
    "me": op_me,
    "list": op_list_documents,
    "create": op_create_document,
}
MIXED = ("me", "list", "me", "create", "me", "list")


def _standard_error(response: httpx.Response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and isinstance(body.get("errors"), list)
        and bool(body["errors"])
        and all({"code", "detail", "attr"} <= set(error) for error in body["errors"])
        and "request_id" in body
    )


class SteadyLoad:
    """Virtual users repeating their operations until ``stop()``; see the module docstring."""

    def __init__(
        self,
        base_url: str,
        users: Iterable[VirtualUser],
        *,
        pause: float = 0.05,
        timeout: float = 15.0,
    ) -> None:
        self.base_url = base_url
        self.users = list(users)
        for number, user in enumerate(self.users):
            user.number = number
        self.pause = pause
        self.timeout = timeout
        self._samples: list[Sample] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at = 0.0

    # -- running ------------------------------------------------------------------

    def start(self) -> "SteadyLoad":
        self.started_at = time.monotonic()
        self._thread = threading.Thread(target=asyncio.run, args=(self._main(),), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> list[Sample]:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(self.timeout + 10)
            assert not self._thread.is_alive(), "the load did not stop"
        return self.samples

    def __enter__(self) -> "SteadyLoad":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _main(self) -> None:
        limits = httpx.Limits(max_connections=len(self.users) + 2)
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=self.timeout, limits=limits
        ) as client:
            await asyncio.gather(*(self._run(client, user) for user in self.users))

    async def _run(self, client: httpx.AsyncClient, user: VirtualUser) -> None:
        for name in itertools.cycle(user.ops):
            if self._stopping.is_set():
                return
            await self._one(client, user, name)
            await asyncio.sleep(self.pause)

    async def _one(self, client: httpx.AsyncClient, user: VirtualUser, name: str) -> None:
        started = time.monotonic()
        try:
            response = await OPERATIONS[name](client, user)
        except httpx.HTTPError as error:
            sample = Sample(
                name, user.number, started, time.monotonic(), None, type(error).__name__
            )
        else:
            status = response.status_code
            sample = Sample(
                name,
                user.number,
                started,
                time.monotonic(),
                status,
                standard_error=status < 400 or _standard_error(response),
                retry_after=response.headers.get("Retry-After"),
            )
        with self._lock:
            self._samples.append(sample)

    # -- reading ------------------------------------------------------------------

    @property
    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)

    def wait_for_requests(self, count: int, *, after: float, timeout: float = 30.0) -> None:
        """Poll until ``count`` requests started after ``after`` have ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(1 for sample in self.samples if sample.started >= after) >= count:
                return
            time.sleep(0.02)
        raise AssertionError(f"the load did not complete {count} requests in {timeout:.0f}s")


# --- summaries ---------------------------------------------------------------------


def between(samples: Iterable[Sample], start: float, end: float = float("inf")) -> list[Sample]:
    """Samples that started in [start, end)."""
    return [sample for sample in samples if start <= sample.started < end]


def by_status(samples: Iterable[Sample]) -> dict[str, int]:
    """Counts by HTTP status, with the exception's name for requests that got no answer."""
    counts = Counter(
        str(sample.status) if sample.status is not None else f"no answer ({sample.error})"
        for sample in samples
    )
    return dict(sorted(counts.items()))


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_to_recover(
    samples: Iterable[Sample],
    *,
    fault_started: float,
    fault_ended: float,
    bad: Callable[[Sample], bool] = lambda sample: not sample.ok,
) -> float:
    """Seconds from the end of the fault until the last bad answer (0 if none came after it).

    A request counts from when it ended: one that waited through the fault
    and failed after it delays recovery too. The caller checks that good
    answers followed.
    """
    ends = [s.finished for s in samples if s.started >= fault_started and bad(s)]
    return max(0.0, max(ends, default=fault_ended) - fault_ended)
