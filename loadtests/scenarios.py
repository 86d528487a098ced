"""Profiles, phases and thresholds of the load test runner.

A *phase* loads one endpoint of one server with one locust user class for a
fixed time. A *ratio* compares the throughput of two phases of the same run;
a *tail* bounds one phase's p99 as a multiple of its p50. A ratio with
``minimum=None`` is reported, never enforced.

The full profile holds the targets of the performance issue (me / bench >=
0.9, me / stock knox >= 3, me p99 < 4x p50). The CI profile is short and runs
on a noisy shared machine, so its thresholds keep headroom (0.75, 2, 10x):
they catch a regression that throws the hot path back to stock speed, not a
few percent.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phase:
    name: str
    server: str  # key of APPS in loadtests.servers
    path: str
    user_class: str = "EndpointUser"
    token: bool = False  # send the seeded token as Authorization: Bearer <token>
    p95_budget_ms: float = 250.0
    users: int | None = None  # concurrent users; None = the profile's


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    minimum: float | None  # None: report only


@dataclass(frozen=True)
class Tail:
    phase: str
    max_p99_over_p50: float


@dataclass(frozen=True)
class Profile:
    name: str
    seconds: int  # per phase, split evenly over the rounds
    users: int
    phases: tuple[Phase, ...]
    ratios: tuple[Ratio, ...] = field(default_factory=tuple)
    tails: tuple[Tail, ...] = field(default_factory=tuple)
    rounds: int = 1  # every phase runs once per round, phases taking turns

    @property
    def seconds_per_round(self) -> int:
        return max(1, self.seconds // self.rounds)


ME = "/api/v1/auth/me"
BARE = Phase("bare-asgi", "bare", "/user")
FASTAPI = Phase("fastapi", "fastapi", "/user")
FASTAPI_TOKEN = Phase("fastapi-cached-token", "fastapi", "/cached-user", token=True)
BENCH = Phase("bench", "django", "/api/v1/bench/user")
ME_PHASE = Phase("me", "django", ME, token=True)
STOCK_KNOX = Phase(
    "stock-knox", "django", "/api/v1/bench/stock-knox/me", token=True, p95_budget_ms=1000
)
ME_DJANGO_HANDLER = Phase("me-django-handler", "django-stock-handler", ME, token=True)
SESSIONS = Phase(
    "sessions", "django", "/api/v1/auth/sessions", "SessionListUser", token=True, p95_budget_ms=500
)
# Mostly the list's first page, then search, then a small create, in the
# seeded workspace of a few hundred documents ({workspace_id} from the seed).
DOCUMENTS = Phase(
    "documents",
    "django",
    "/api/v1/workspaces/{workspace_id}/documents",
    "DocumentsUser",
    token=True,
    p95_budget_ms=1000,
)
# Password hashing is slow on purpose (~0.5 s of CPU per check here): a few
# users keep the queue, and so the latency, bounded.
LOGIN_BURST = Phase(
    "login-burst", "django", "/api/v1/auth/login", "LoginBurstUser", p95_budget_ms=5000, users=2
)


def _ratios(*, me_bench: float, me_stock: float) -> tuple[Ratio, ...]:
    return (
        Ratio("me / bench", "me", "bench", me_bench),
        Ratio("me / stock-knox", "me", "stock-knox", me_stock),
        Ratio("me / fastapi-cached-token", "me", "fastapi-cached-token", None),
        Ratio("me / bare-asgi", "me", "bare-asgi", None),
        Ratio("me-django-handler / bare-asgi", "me-django-handler", "bare-asgi", None),
        Ratio("me / me-django-handler", "me", "me-django-handler", None),
        Ratio("fastapi-cached-token / bare-asgi", "fastapi-cached-token", "bare-asgi", None),
    )


PROFILES = {
    # At most 2 minutes with startup; see the module docstring for the headroom.
    "ci": Profile(
        name="ci",
        seconds=8,
        users=16,
        phases=(
            BARE,
            FASTAPI_TOKEN,
            BENCH,
            ME_PHASE,
            STOCK_KNOX,
            ME_DJANGO_HANDLER,
            SESSIONS,
            DOCUMENTS,
            LOGIN_BURST,
        ),
        ratios=_ratios(me_bench=0.75, me_stock=2.0),
        tails=(Tail("me", 10.0),),
    ),
    "full": Profile(
        name="full",
        seconds=45,
        rounds=3,
        users=32,
        phases=(
            BARE,
            FASTAPI,
            FASTAPI_TOKEN,
            BENCH,
            ME_PHASE,
            STOCK_KNOX,
            ME_DJANGO_HANDLER,
            SESSIONS,
            DOCUMENTS,
            LOGIN_BURST,
        ),
        ratios=_ratios(me_bench=0.9, me_stock=3.0),
        tails=(Tail("me", 4.0),),
    ),
}
