"""Reading locust's CSV, checking thresholds, and writing the JSON/HTML report."""

import csv
import html
import json
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from loadtests.scenarios import TARGETS, Phase, Profile, Target


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


@dataclass(frozen=True)
class Measured:
    """One row of ``TARGETS`` whose phases ran: the value and the limit that applies."""

    target: Target
    value: float
    limit: float | None  # None: reported only in this profile

    @property
    def passed(self) -> bool:
        if self.limit is None:
            return True
        if self.target.is_minimum:
            return self.value >= self.limit
        return self.value <= self.limit

    def limit_text(self) -> str:
        if self.limit is None:
            return "reported"
        unit = {"ratio": "", "tail": "x", "p95": " ms", "rps": " req/s"}[self.target.kind]
        return f"{'>=' if self.target.is_minimum else '<='} {self.limit:g}{unit}"

    def describe(self) -> str:
        kind, name = self.target.kind, self.target.name
        return f"{kind:<6}{name:<52}{self.value:>10.3f}  ({self.limit_text()})"


def measure(profile: Profile, results: list[PhaseResult]) -> list[Measured]:
    """Each row of ``TARGETS`` whose phases ran, with the limit of the profile's column."""
    by_name = {result.name: result for result in results}
    measured = []
    for target in TARGETS:
        result = by_name.get(target.phase)
        if result is None:
            continue
        limit = profile.limit(target)
        if target.kind == "ratio":
            other = by_name.get(target.versus or "")
            if other is None or other.rps <= 0:
                continue
            value = result.rps / other.rps
        elif target.kind == "tail":
            if result.p50_ms <= 0:
                continue
            value = result.p99_ms / result.p50_ms
        elif target.kind == "p95":
            value = result.p95_ms
        else:
            value = result.rps
        measured.append(Measured(target, value, limit))
    return measured


def check(measured: list[Measured], results: list[PhaseResult]) -> list[str]:
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
    failures += [
        f"{row.target.kind} {row.target.name} = {row.value:.3f}, not {row.limit_text()}"
        for row in measured
        if not row.passed
    ]
    return failures


def print_table(
    profile: Profile,
    results: list[PhaseResult],
    measured: list[Measured],
    failures: list[str],
    meta: dict[str, Any],
) -> None:
    print(f"\nprofile {profile.name}: {json.dumps(meta)}")
    print(f"{'phase':<28}{'req/s':>10}{'requests':>10}{'fail':>6}{'p50':>7}{'p95':>7}{'p99':>7}")
    for r in results:
        print(
            f"{r.name:<28}{r.rps:>10.0f}{r.requests:>10}{r.failures:>6}"
            f"{r.p50_ms:>7.0f}{r.p95_ms:>7.0f}{r.p99_ms:>7.0f}"
        )
    for row in measured:
        print(row.describe())
    print("FAILED:\n- " + "\n- ".join(failures) if failures else "all thresholds passed")


def markdown(results: list[PhaseResult], measured: list[Measured]) -> str:
    """The phases and the ratios as Markdown tables (for docs/performance.md)."""
    lines = ["| phase | req/s | p50 ms | p95 ms | p99 ms |", "| --- | ---: | ---: | ---: | ---: |"]
    lines += [
        f"| `{r.name}` | {r.rps:,.0f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {r.p99_ms:.0f} |"
        for r in results
    ]
    lines += ["", "| check | measured | limit |", "| --- | ---: | --- |"]
    for row in measured:
        mark = "" if row.passed else " (fails)"
        lines.append(
            f"| {row.target.kind} `{row.target.name}` | {row.value:.2f}{mark}"
            f" | {row.limit_text()} |"
        )
    return "\n".join(lines) + "\n"


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
    measured: list[Measured],
    failures: list[str],
    meta: dict[str, Any],
) -> None:
    rows = [
        {"kind": m.target.kind, "name": m.target.name, "value": m.value, "limit": m.limit}
        for m in measured
    ]
    report = {
        "meta": meta,
        "phases": [asdict(r) for r in results],
        "checks": rows,
        "failures": failures,
    }
    (directory / f"{profile.name}.json").write_text(json.dumps(report, indent=2))
    (directory / f"{profile.name}.md").write_text(markdown(results, measured))
    table = "".join(
        f"<tr><td>{m.target.kind}</td><td>{html.escape(m.target.name)}</td>"
        f"<td>{m.value:.3f}</td><td>{html.escape(m.limit_text())}</td></tr>"
        for m in measured
    )
    (directory / f"{profile.name}.html").write_text(
        f"<!doctype html><meta charset=utf-8><title>loadtests {profile.name}</title>"
        f"<h1>loadtests: {profile.name}</h1><pre>{html.escape(json.dumps(meta))}</pre>"
        f"{_chart(results)}<table border=1><tr><th>check</th><th></th><th>value</th>"
        f"<th>limit</th></tr>{table}</table>"
        f"<pre>{html.escape(chr(10).join(failures) or 'all thresholds passed')}</pre>"
    )
