"""Reading locust's CSV, checking thresholds, and writing the JSON/HTML report."""

import csv
import html
import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from loadtests.scenarios import Phase, Profile


@dataclass(frozen=True)
class PhaseResult:
    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    p95_budget_ms: float


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def load_stats(phase: Phase, path: Path) -> PhaseResult:
    """The ``Aggregated`` row of locust's ``<prefix>_stats.csv``."""
    with path.open(newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    if not rows:
        raise RuntimeError(f"no Aggregated row in {path}")
    row = rows[0]
    return PhaseResult(
        name=phase.name,
        requests=int(_number(row["Request Count"])),
        failures=int(_number(row["Failure Count"])),
        rps=_number(row["Requests/s"]),
        p50_ms=_number(row["50%"]),
        p95_ms=_number(row["95%"]),
        p99_ms=_number(row["99%"]),
        p95_budget_ms=phase.p95_budget_ms,
    )


def combine(rounds: list[PhaseResult]) -> PhaseResult:
    """One phase's rounds as one result: counts summed, throughput averaged
    (rounds last equally long), each latency percentile the rounds' median."""
    first = rounds[0]
    return PhaseResult(
        name=first.name,
        requests=sum(r.requests for r in rounds),
        failures=sum(r.failures for r in rounds),
        rps=statistics.fmean(r.rps for r in rounds),
        p50_ms=statistics.median(r.p50_ms for r in rounds),
        p95_ms=statistics.median(r.p95_ms for r in rounds),
        p99_ms=statistics.median(r.p99_ms for r in rounds),
        p95_budget_ms=first.p95_budget_ms,
    )


def ratios(profile: Profile, results: list[PhaseResult]) -> list[tuple[str, float, float | None]]:
    """(name, measured, minimum or None) for each ratio whose two phases ran."""
    by_name = {result.name: result for result in results}
    measured = []
    for ratio in profile.ratios:
        top, bottom = by_name.get(ratio.numerator), by_name.get(ratio.denominator)
        if top and bottom and bottom.rps > 0:
            measured.append((ratio.name, top.rps / bottom.rps, ratio.minimum))
    return measured


def check(profile: Profile, results: list[PhaseResult]) -> list[str]:
    """Every threshold that failed, as a sentence."""
    failures = []
    for result in results:
        if result.requests == 0:
            failures.append(f"{result.name}: no request completed")
        if result.failures:
            failures.append(f"{result.name}: {result.failures} failed requests")
        if result.p95_ms > result.p95_budget_ms:
            failures.append(
                f"{result.name}: p95 {result.p95_ms:.0f} ms over budget {result.p95_budget_ms:.0f}"
            )
    for name, value, minimum in ratios(profile, results):
        if minimum is not None and value < minimum:
            failures.append(f"ratio {name} = {value:.3f} under target {minimum}")
    for phase, value, maximum in tails(profile, results):
        if value > maximum:
            failures.append(f"{phase}: p99 is {value:.1f}x p50, over {maximum}x")
    return failures


def tails(profile: Profile, results: list[PhaseResult]) -> list[tuple[str, float, float]]:
    """(phase, p99 / p50, maximum) for each tail bound whose phase ran."""
    by_name = {result.name: result for result in results}
    measured = []
    for tail in profile.tails:
        result = by_name.get(tail.phase)
        if result and result.p50_ms > 0:
            measured.append((tail.phase, result.p99_ms / result.p50_ms, tail.max_p99_over_p50))
    return measured


def print_table(
    profile: Profile, results: list[PhaseResult], failures: list[str], meta: dict[str, Any]
) -> None:
    print(f"\nprofile {profile.name}: {json.dumps(meta)}")
    print(f"{'phase':<24}{'req/s':>10}{'requests':>10}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}")
    for r in results:
        print(
            f"{r.name:<24}{r.rps:>10.0f}{r.requests:>10}{r.failures:>6}"
            f"{r.p50_ms:>7.0f}{r.p95_ms:>7.0f}{r.p99_ms:>7.0f}"
        )
    for name, value, minimum in ratios(profile, results):
        target = f"(min {minimum})" if minimum is not None else "(reported)"
        print(f"ratio {name:<40}{value:>8.3f}  {target}")
    for phase, value, maximum in tails(profile, results):
        print(f"tail  {phase + ' p99 / p50':<40}{value:>8.2f}  (max {maximum})")
    print("FAILED:\n- " + "\n- ".join(failures) if failures else "all thresholds passed")


def _chart(results: list[PhaseResult]) -> str:
    top = max((r.rps for r in results), default=1.0) or 1.0
    bars = []
    for index, r in enumerate(results):
        width = 500 * r.rps / top
        y = 10 + index * 30
        bars.append(
            f'<text x="0" y="{y + 15}">{html.escape(r.name)}</text>'
            f'<rect x="200" y="{y}" width="{width:.0f}" height="20" fill="#4a7bd0"/>'
            f'<text x="{205 + width:.0f}" y="{y + 15}">{r.rps:.0f} req/s</text>'
        )
    height = 20 + 30 * len(results)
    return f'<svg width="820" height="{height}" font-family="sans-serif">{"".join(bars)}</svg>'


def write_reports(
    directory: Path,
    profile: Profile,
    results: list[PhaseResult],
    failures: list[str],
    meta: dict[str, Any],
) -> None:
    measured = [{"name": n, "value": v, "minimum": m} for n, v, m in ratios(profile, results)]
    report = {
        "meta": meta,
        "phases": [asdict(r) for r in results],
        "ratios": measured,
        "tails": [
            {"phase": p, "p99_over_p50": v, "maximum": m} for p, v, m in tails(profile, results)
        ],
        "failures": failures,
    }
    (directory / f"{profile.name}.json").write_text(json.dumps(report, indent=2))
    rows = "".join(
        f"<tr><td>{html.escape(str(r['name']))}</td><td>{r['value']:.3f}</td>"
        f"<td>{r['minimum'] or 'reported'}</td></tr>"
        for r in measured
    )
    (directory / f"{profile.name}.html").write_text(
        f"<!doctype html><meta charset=utf-8><title>loadtests {profile.name}</title>"
        f"<h1>loadtests: {profile.name}</h1><pre>{html.escape(json.dumps(meta))}</pre>"
        f"{_chart(results)}<table border=1><tr><th>ratio</th><th>value</th><th>min</th></tr>"
        f"{rows}</table><pre>{html.escape(chr(10).join(failures) or 'all thresholds passed')}</pre>"
    )
