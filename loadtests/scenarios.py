"""Profiles, phases and thresholds of the load test runner.

A *phase* loads one endpoint of one server with one locust user class for a
fixed time. A *ratio* compares two phases of the same run. Phase 2 adds the
authenticated /me phase, the stock-knox twin, the login burst and session
listing here, plus their ratios (me/bench >= 0.9, me/stock >= 3, me/fastapi).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phase:
    name: str
    server: str  # key of SERVERS in loadtests.servers
    path: str
    user_class: str = "EndpointUser"
    token: bool = False  # send the seeded token as Authorization: Token <key>
    p95_budget_ms: float = 250.0


@dataclass(frozen=True)
class Ratio:
    name: str
    numerator: str
    denominator: str
    minimum: float


@dataclass(frozen=True)
class Profile:
    name: str
    seconds: int
    users: int
    phases: tuple[Phase, ...]
    ratios: tuple[Ratio, ...] = field(default_factory=tuple)


PHASES = (
    Phase("bare-asgi", "bare", "/user"),
    Phase("fastapi", "fastapi", "/user"),
    Phase("fastapi-redis-token", "fastapi", "/cached-user", token=True),
    Phase("django-bench", "django", "/api/v1/bench/user"),
)

PROFILES = {
    # CI: short and tolerant of a noisy shared 2-core machine: zero failures,
    # a generous p95 and ratios well under what the full profile shows.
    "ci": Profile(
        name="ci",
        seconds=12,
        users=16,
        phases=PHASES,
        ratios=(
            Ratio("django-bench / bare-asgi", "django-bench", "bare-asgi", 0.03),
            Ratio("django-bench / fastapi", "django-bench", "fastapi", 0.05),
        ),
    ),
    "full": Profile(
        name="full",
        seconds=40,
        users=32,
        phases=PHASES,
        ratios=(
            Ratio("django-bench / bare-asgi", "django-bench", "bare-asgi", 0.05),
            Ratio("django-bench / fastapi", "django-bench", "fastapi", 0.1),
            Ratio("django-bench / fastapi-redis-token", "django-bench", "fastapi-redis-token", 0.1),
        ),
    ),
}
