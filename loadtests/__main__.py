"""``uv run python -m loadtests [--profile ci|full] [--workers N]``: the load test runner.

Starts each server on loopback (uvicorn, uvloop + httptools), seeds data,
then for each phase runs locust headless as its own process for a fixed
time, one phase after another on the same machine. Writes CSV/JSON and an
HTML chart to ``loadtests/results/``, prints a table, and exits 1 when a
threshold fails (any failed request, p95 over budget, a ratio under target).

On a 2-core machine the servers are pinned to CPU 0 and locust to CPU 1
(``taskset``), so the server under test has one core and the load generator
the other.
"""

import argparse
import dataclasses
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote
from urllib.request import Request, urlopen

from loadtests.report import (
    PhaseResult,
    check,
    combine,
    load_stats,
    measure,
    print_table,
    write_reports,
)
from loadtests.scenarios import ME, PROFILES, Phase, Profile
from loadtests.seed_large import LARGE_DOCUMENTS_ENV
from loadtests.servers import Servers

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "loadtests" / "results"
AXES_FAILURE_LIMIT = "5"


def _pin(cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None:
        return []
    return ["taskset", "-c", str(cpu)]


def warm_token_cache(servers: Servers, token: str) -> None:
    """One /me request: our authenticator (re)fills the token's cache entry.

    FastAPI's cached lookup reads that entry, and every authenticated phase
    measures the cache-hit path; entries live ``TOKEN_CACHE_TTL``.
    """
    url = servers.base_url("django") + ME  # http on loopback
    request = Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urlopen(request, timeout=10) as response:  # noqa: S310
        if response.status != 200:
            raise RuntimeError(f"warming the token cache answered {response.status}")


def phase_path(phase: Phase, seeded: dict[str, Any]) -> str:
    """The phase's path with the seeded values it names filled in (URL-encoded)."""
    values = {
        key: quote(str(value)) for key, value in seeded.items() if not isinstance(value, list)
    }
    return phase.path.format(**values)


class PatchSlices:
    """Hands each PATCH phase run its own seeded documents, still at version 1."""

    def __init__(self, documents: list[str]) -> None:
        self.documents = documents
        self.taken = 0

    def take(self, count: int) -> list[str]:
        if self.taken + count > len(self.documents):
            raise RuntimeError(
                f"out of seeded PATCH documents ({len(self.documents)}): seed more"
                " (loadtests.seed.PATCH_DOCUMENTS) or run fewer users or rounds"
            )
        self.taken += count
        return self.documents[self.taken - count : self.taken]


def run_phase(
    phase: Phase,
    profile: Profile,
    base_url: str,
    seeded: dict[str, Any],
    cpu: int | None,
    round_number: int,
    patch_slices: PatchSlices,
) -> PhaseResult:
    prefix = RESULTS / f"{phase.name}-r{round_number}"
    users = phase.users or profile.users
    env = os.environ.copy()
    env["LOADTEST_PATH"] = phase_path(phase, seeded)
    env["LOADTEST_EXPECT"] = str(seeded[phase.expect]) if phase.expect else ""
    if phase.user_class == "PatchUser":
        env["LOADTEST_PATCH_DOCUMENTS"] = ",".join(patch_slices.take(users))
    env["LOADTEST_TOKEN"] = seeded["token"] if phase.token else ""
    env["LOADTEST_SESSIONS"] = str(seeded["sessions"])
    env["LOADTEST_BURST_PASSWORD"] = seeded["burst_password"]
    env["LOADTEST_SEARCH_WORD"] = seeded["search_word"]
    env["LOADTEST_SEARCH_MATCHES"] = str(seeded["search_matches"])
    # Each round's locust process gets its own slice of the burst accounts:
    # the ones an earlier round locked stay locked for the cool-off.
    per_round = seeded["burst_accounts"] // profile.rounds
    env["LOADTEST_BURST_FIRST"] = str((round_number - 1) * per_round)
    env["LOADTEST_BURST_ACCOUNTS"] = str(per_round)
    env["LOADTEST_AXES_FAILURE_LIMIT"] = AXES_FAILURE_LIMIT
    command = [
        *_pin(cpu), sys.executable, "-m", "locust",
        "-f", str(ROOT / "loadtests" / "locustfile.py"), phase.user_class,
        "--headless", "--only-summary", "--host", base_url,
        "-u", str(users), "-r", str(users),
        "-t", f"{profile.seconds_per_round}s", "--stop-timeout", "5",
        "--csv", str(prefix), "--loglevel", "WARNING",
    ]  # fmt: skip
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):  # 1 = some requests failed; reported below
        raise RuntimeError(f"locust failed for {phase.name}:\n{completed.stderr[-3000:]}")
    return load_stats(phase, Path(f"{prefix}_stats.csv"))


def report_counted(servers: Servers, me_rounds: list[PhaseResult]) -> None:
    """Print what the metrics server counted for /me against what locust sent:
    proof that the ``me-metrics`` phase measured metrics that were recording."""
    from prometheus_client.parser import text_string_to_metric_families

    counted = sum(
        sample.value
        for family in text_string_to_metric_families(servers.scrape("django-metrics"))
        for sample in family.samples
        if sample.name == "http_request_duration_seconds_count" and sample.labels.get("route") == ME
    )
    sent = sum(result.requests for result in me_rounds)
    print(f"loadtests: me-metrics: the server counted {counted:.0f} /me requests, locust {sent}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtests", description=__doc__)
    parser.add_argument("--profile", choices=sorted(PROFILES), default="ci")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--seconds", type=int, help="override the profile's seconds per phase")
    parser.add_argument("--rounds", type=int, help="override the profile's rounds")
    parser.add_argument("--users", type=int, help="override the profile's concurrent users")
    parser.add_argument("--only", action="append", help="run only these phases (repeatable)")
    parser.add_argument("--no-pin", action="store_true", help="do not pin server/locust to CPUs")
    parser.add_argument(
        "--large-documents",
        type=int,
        help="size of the large workspace (default: the profile's; 0 skips its phases)",
    )
    parser.add_argument(
        "--after-rewrite",
        action="store_true",
        help="check the CI thresholds meant for after the async read path (ci_after)",
    )
    args = parser.parse_args(argv)

    profile = PROFILES[args.profile]
    large = profile.large_documents if args.large_documents is None else args.large_documents
    profile = dataclasses.replace(
        profile,
        seconds=args.seconds or profile.seconds,
        users=args.users or profile.users,
        rounds=args.rounds or profile.rounds,
        column="ci_after" if args.after_rewrite else profile.column,
    )
    unknown = set(args.only or ()) - {phase.name for phase in profile.phases}
    if unknown:
        parser.error(f"no such phase in the {profile.name} profile: {', '.join(sorted(unknown))}")
    phases = [
        p
        for p in profile.phases
        if (not args.only or p.name in args.only) and (large > 0 or not p.large)
    ]
    pinned = not args.no_pin and (os.cpu_count() or 1) >= 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)

    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    env["SECRET_KEY"] = env.get("SECRET_KEY") or secrets.token_urlsafe(50)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    env["BENCHMARK_ENDPOINTS"] = "1"
    # No access log (INFO) unless asked for: LOG_LEVEL=INFO measures with it.
    env.setdefault("LOG_LEVEL", "WARNING")
    # Every locust user comes from 127.0.0.1: the per-IP login throttle would
    # refuse the burst after a minute's worth; axes' per-account lockout is
    # what the login burst watches.
    env["THROTTLE_LOGIN"] = "1000000/m"
    env["AXES_FAILURE_LIMIT"] = AXES_FAILURE_LIMIT
    env[LARGE_DOCUMENTS_ENV] = str(large if any(p.large for p in phases) else 0)
    env.pop("DEBUG", None)

    started = time.monotonic()
    rounds: dict[str, list[PhaseResult]] = {phase.name: [] for phase in phases}
    with Servers(env, workers=args.workers, cpu=0 if pinned else None) as servers:
        seeded = servers.seed()
        patch_slices = PatchSlices(seeded["patch_documents"])
        for name in dict.fromkeys(["django", *(p.server for p in phases)]):
            servers.start(name)
        # Phases take turns round after round, so a slow minute on a shared
        # machine weighs on every phase rather than on one.
        for round_number in range(1, profile.rounds + 1):
            for phase in phases:
                if phase.token:
                    warm_token_cache(servers, seeded["token"])
                url = servers.base_url(phase.server)
                cpu = 1 if pinned else None
                result = run_phase(phase, profile, url, seeded, cpu, round_number, patch_slices)
                rounds[phase.name].append(result)
                print(
                    f"loadtests: round {round_number}: {phase.name}: {result.rps:.0f} req/s",
                    flush=True,
                )
        if "django-metrics" in servers.ports:
            report_counted(servers, rounds.get("me-metrics", []))
    results = [combine(rounds[phase.name]) for phase in phases]
    measured = measure(profile, results)
    failures = check(measured, results)
    meta = {
        "profile": profile.name,
        "seconds_per_phase": profile.seconds,
        "rounds": profile.rounds,
        "users": profile.users,
        "thresholds": profile.column,
        "large_documents": seeded.get("large_documents", 0),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "workers": args.workers,
        "pinned": pinned,
        "cpus": os.cpu_count(),
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    write_reports(RESULTS, profile, results, measured, failures, meta)
    print_table(profile, results, measured, failures, meta)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
