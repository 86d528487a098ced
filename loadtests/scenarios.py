"""Profiles, phases and the one table of targets of the load test runner.

A *phase* loads one endpoint of one server with one locust user class for a
fixed time. Its path may name seeded values (``{workspace_id}``, ...; see
``loadtests.seed``); ``expect`` names the seeded count a page must hold.

``TARGETS`` is every check in one table, one row per check and one column
per profile: a *ratio* compares two phases' throughput, a *tail* bounds a
phase's p99 as a multiple of its p50, *p95* bounds a phase's p95 in ms and
*rps* its throughput. ``None`` in a column: reported, not enforced, there.

- ``full``: the targets (issue #13: every read >= 1.0x its FastAPI twin,
  create and PATCH >= 0.7x, /me >= 0.8x /healthz, the documents mix >= 5x
  149 req/s with p95 < 60 ms, p99 <= 3x p50 on every phase of ours, the
  large workspace's p95 < 50 ms). Today's code meets the /me ones only.
- ``ci``: what CI enforces now. The short CI profile runs on a noisy shared
  machine, so it keeps headroom and catches a regression to stock speed,
  not a few percent; it must pass on today's code.
- ``ci_after``: what CI should enforce once the async read path lands (the
  same headroom below the targets). ``--after-rewrite`` checks them now;
  setting ``CI_AFTER_REWRITE`` makes them CI's.

Every phase also has a loose ``p95_budget_ms`` (all profiles) that catches
a hang, and any failed request fails the run.
"""

from dataclasses import dataclass
from typing import Literal

# Flip once the async read path has landed: CI then enforces ``ci_after``.
CI_AFTER_REWRITE = False


@dataclass(frozen=True)
class Phase:
    name: str
    server: str  # key of APPS in loadtests.servers
    path: str  # may name seeded values: {workspace_id}, {search_word}, ...
    user_class: str = "EndpointUser"
    token: bool = False  # send the seeded token as Authorization: Bearer <token>
    p95_budget_ms: float = 250.0
    users: int | None = None  # concurrent users; None = the profile's
    expect: str | None = None  # seeded key: results a page must hold (at most a page)
    large: bool = False  # needs the large workspace seeded


@dataclass(frozen=True)
class Target:
    kind: Literal["ratio", "tail", "p95", "rps"]
    phase: str
    versus: str | None = None  # a ratio's denominator
    full: float | None = None
    ci: float | None = None
    ci_after: float | None = None

    @property
    def name(self) -> str:
        if self.kind == "ratio":
            return f"{self.phase} / {self.versus}"
        return f"{self.phase} {self.kind}"

    @property
    def is_minimum(self) -> bool:
        return self.kind in ("ratio", "rps")


@dataclass(frozen=True)
class Profile:
    name: str
    seconds: int  # per phase, split evenly over the rounds
    users: int
    phases: tuple[Phase, ...]
    column: Literal["full", "ci", "ci_after"]  # which column of TARGETS applies
    rounds: int = 1  # every phase runs once per round, phases taking turns
    large_documents: int = 0  # size of the large workspace (0: not seeded)

    @property
    def seconds_per_round(self) -> int:
        return max(1, self.seconds // self.rounds)

    def limit(self, target: Target) -> float | None:
        limit: float | None = getattr(target, self.column)
        return limit


ME = "/api/v1/auth/me"
DOCUMENTS_PATH = "/api/v1/workspaces/{workspace_id}/documents"
WRITES_PATH = "/api/v1/workspaces/{writes_workspace_id}/documents"
LARGE_PATH = "/api/v1/workspaces/{large_workspace_id}/documents"

BARE = Phase("bare-asgi", "bare", "/user")
FASTAPI = Phase("fastapi", "fastapi", "/user")
FASTAPI_TOKEN = Phase("fastapi-cached-token", "fastapi", "/cached-user", token=True)
BENCH = Phase("bench", "django", "/api/v1/bench/user")
ME_PHASE = Phase("me", "django", ME, token=True)
# /me on the same app with metrics on (loadtests.servers: django-metrics).
ME_METRICS = Phase("me-metrics", "django-metrics", ME, token=True)
HEALTHZ = Phase("healthz", "django", "/healthz")
STOCK_KNOX = Phase(
    "stock-knox", "django", "/api/v1/bench/stock-knox/me", token=True, p95_budget_ms=1000
)
ME_DJANGO_HANDLER = Phase("me-django-handler", "django-stock-handler", ME, token=True)
SESSIONS = Phase(
    "sessions", "django", "/api/v1/auth/sessions", "SessionListUser", token=True, p95_budget_ms=500
)
# Mostly the list's first page, then search, then a small create, in the
# seeded workspace of a few hundred documents.
DOCUMENTS = Phase(
    "documents", "django", DOCUMENTS_PATH, "DocumentsUser", token=True, p95_budget_ms=1000
)
# Password hashing is slow on purpose (~0.5 s of CPU per check here): a few
# users keep the queue, and so the latency, bounded.
LOGIN_BURST = Phase(
    "login-burst", "django", "/api/v1/auth/login", "LoginBurstUser", p95_budget_ms=5000, users=2
)


def _twins(name: str, path: str, user_class: str, expect: str | None = None) -> list[Phase]:
    """One endpoint of ours and its FastAPI twin (``loadtests.fastapi_twins``), same path."""
    return [
        Phase(name, server, path, user_class, True, 2000, expect=expect)
        for name, server in ((name, "django"), (f"fastapi-{name}", "fastapi"))
    ]


ENDPOINTS = (
    *_twins("documents-list", DOCUMENTS_PATH, "PageUser", expect="documents"),
    *_twins("documents-search", DOCUMENTS_PATH + "?q={search_word}", "PageUser", "search_matches"),
    *_twins("document-detail", DOCUMENTS_PATH + "/{document_id}", "DetailUser"),
    *_twins("document-create", WRITES_PATH, "CreateUser"),
    *_twins("document-patch", WRITES_PATH, "PatchUser"),
    *_twins("workspaces", "/api/v1/workspaces", "PageUser", expect="workspaces"),
    *_twins("jobs", "/api/v1/jobs", "PageUser", expect="jobs"),
)
READS = ("documents-list", "documents-search", "document-detail", "workspaces", "jobs")
WRITES = ("document-create", "document-patch")


def _large(name: str, query: str, expect: str) -> Phase:
    # 8 users: a busy team's frontends, not a load test of search alone.
    return Phase(
        name, "django", LARGE_PATH + query, "PageUser", True, 2000, 8, expect=expect, large=True
    )


LARGE = (
    _large("large-list", "", "large_documents"),
    _large("large-search-common", "?q={large_common_word}", "large_common_matches"),
    _large("large-search-rare", "?q={large_rare_word}", "large_rare_matches"),
    _large("large-search-phrase", "?q={large_phrase}", "large_phrase_matches"),
)
LARGE_DOCUMENTS = 50_000

# Phases served by our product code: each keeps p99 <= 3x p50 (the others
# are yardsticks: their tails are reported, not ours to fix).
OURS = (
    "me",
    "me-metrics",
    "healthz",
    "sessions",
    "documents",
    "login-burst",
    *READS,
    *WRITES,
    *(phase.name for phase in LARGE),
)

# fmt: off
TARGETS: tuple[Target, ...] = (
    # /me against its yardsticks (issue #6), and /healthz on the same server.
    Target("ratio", "me", "bench",                    full=0.9, ci=0.75, ci_after=0.75),
    Target("ratio", "me", "stock-knox",               full=3.0, ci=2.0, ci_after=2.0),
    Target("ratio", "me", "healthz",                  full=0.8, ci=None, ci_after=0.6),
    # Metrics on cost the hot path at most 5% (issue #14); CI's short phase
    # on a shared machine is too noisy to enforce 5%: reported there.
    Target("ratio", "me-metrics", "me",               full=0.95),
    Target("ratio", "me", "fastapi-cached-token"),
    Target("ratio", "me", "bare-asgi"),
    Target("ratio", "me-django-handler", "bare-asgi"),
    Target("ratio", "me", "me-django-handler"),
    Target("ratio", "fastapi-cached-token", "bare-asgi"),
    # Each endpoint against its FastAPI twin.
    *(Target("ratio", name, f"fastapi-{name}", full=1.0, ci=None, ci_after=0.75)
      for name in READS),
    *(Target("ratio", name, f"fastapi-{name}", full=0.7, ci=None, ci_after=0.5)
      for name in WRITES),
    # The documents mix: 5x today's 149 req/s with p95 < 60 ms at 32 users
    # (CI's 16 users on a shared machine: a ratio to /me travels better).
    Target("rps", "documents",                        full=745.0),
    Target("p95", "documents",                        full=60.0, ci=None, ci_after=150.0),
    Target("ratio", "documents", "me",                full=None, ci=None, ci_after=0.2),
    # The large workspace (full profile only).
    *(Target("p95", phase.name, full=50.0) for phase in LARGE),
    # Tails: p99 / p50.
    Target("tail", "me",                              full=3.0, ci=10.0, ci_after=10.0),
    *(Target("tail", name, full=3.0, ci=None, ci_after=10.0)
      for name in OURS if name != "me"),
)
# fmt: on

PROFILES = {
    # About 4 minutes with startup on 2 cores; see the module docstring.
    "ci": Profile(
        name="ci",
        seconds=6,
        users=16,
        column="ci_after" if CI_AFTER_REWRITE else "ci",
        phases=(
            BARE,
            FASTAPI_TOKEN,
            BENCH,
            ME_PHASE,
            ME_METRICS,
            HEALTHZ,
            STOCK_KNOX,
            ME_DJANGO_HANDLER,
            SESSIONS,
            DOCUMENTS,
            *ENDPOINTS,
            LOGIN_BURST,
        ),
    ),
    "full": Profile(
        name="full",
        seconds=45,
        rounds=3,
        users=32,
        column="full",
        large_documents=LARGE_DOCUMENTS,
        phases=(
            BARE,
            FASTAPI,
            FASTAPI_TOKEN,
            BENCH,
            ME_PHASE,
            ME_METRICS,
            HEALTHZ,
            STOCK_KNOX,
            ME_DJANGO_HANDLER,
            SESSIONS,
            DOCUMENTS,
            *ENDPOINTS,
            *LARGE,
            LOGIN_BURST,
        ),
    ),
}
