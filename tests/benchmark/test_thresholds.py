"""The load test runner's table of targets, and how it judges a run (no load is generated)."""

import dataclasses

from loadtests.report import PhaseResult, check, measure
from loadtests.scenarios import CI_AFTER_REWRITE, OURS, PROFILES, READS, TARGETS, WRITES


def _result(
    name: str, rps: float, p50: float = 10, p95: float = 20, p99: float = 25
) -> PhaseResult:
    return PhaseResult(name, 100, 0, rps, p50, p95, p99, p95_budget_ms=1000)


def test_every_target_names_phases_of_the_full_profile() -> None:
    names = {phase.name for phase in PROFILES["full"].phases}
    for target in TARGETS:
        assert target.phase in names, target
        assert target.versus is None or target.versus in names, target
    assert set(OURS) <= names


def test_each_endpoint_runs_beside_its_twin_in_both_profiles() -> None:
    for profile in PROFILES.values():
        names = [phase.name for phase in profile.phases]
        for endpoint in (*READS, *WRITES):
            twin = f"fastapi-{endpoint}"
            assert names.index(twin) == names.index(endpoint) + 1, (profile.name, endpoint)
            ours, theirs = (
                next(p for p in profile.phases if p.name == n) for n in (endpoint, twin)
            )
            assert (ours.path, ours.user_class, ours.expect) == (
                theirs.path,
                theirs.user_class,
                theirs.expect,
            )
            assert (ours.server, theirs.server) == ("django", "fastapi")


def test_full_profile_holds_the_issue_targets() -> None:
    full = PROFILES["full"]
    limits = {(t.kind, t.name): full.limit(t) for t in TARGETS}
    for endpoint in READS:
        assert limits["ratio", f"{endpoint} / fastapi-{endpoint}"] == 1.0
    for endpoint in WRITES:
        assert limits["ratio", f"{endpoint} / fastapi-{endpoint}"] == 0.7
    assert limits["ratio", "me / healthz"] == 0.8
    assert limits["rps", "documents rps"] == 5 * 149
    assert limits["p95", "documents p95"] == 60
    for name in OURS:
        assert limits["tail", f"{name} tail"] == 3.0
    assert all(limits["p95", f"{p.name} p95"] == 50 for p in full.phases if p.large)
    assert {p.users or full.users for p in full.phases if p.name == "documents"} == {32}


def test_ci_enforces_no_rewrite_target_until_switched() -> None:
    ci = PROFILES["ci"]
    assert not CI_AFTER_REWRITE
    assert ci.column == "ci"
    # Today's code: /me well ahead of stock knox, every endpoint far under its twin.
    by_name = {phase.name: _result(phase.name, rps=100) for phase in ci.phases}
    by_name["stock-knox"] = _result("stock-knox", rps=20)
    for endpoint in (*READS, *WRITES):
        by_name[f"fastapi-{endpoint}"] = _result(f"fastapi-{endpoint}", rps=1000)
    by_name["documents"] = _result("documents", rps=50, p50=200, p95=500, p99=900)
    results = list(by_name.values())
    assert check(measure(ci, results), results) == []

    after = dataclasses.replace(ci, column="ci_after")
    failures = check(measure(after, results), results)
    assert "ratio documents-list / fastapi-documents-list = 0.100, not >= 0.75" in failures
    assert "p95 documents p95 = 500.000, not <= 150 ms" in failures


def test_a_slow_phase_a_failed_request_and_a_long_tail_fail_the_run() -> None:
    full = PROFILES["full"]
    results = [
        _result("me", rps=800, p50=10, p99=45),
        _result("healthz", rps=1000),
        PhaseResult("jobs", 10, 2, 50, 10, 2000, 2100, p95_budget_ms=1500),
    ]
    failures = check(measure(full, results), results)
    assert failures == [
        "jobs: 2 failed requests",
        "jobs: p95 2000 ms over budget 1500",
        "tail me tail = 4.500, not <= 3x",
        "tail jobs tail = 210.000, not <= 3x",
    ]
    assert "ratio me / healthz" not in " ".join(failures)  # 0.8: met exactly
