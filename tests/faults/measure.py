"""What each fault test measured, printed so the numbers can be copied into the docs.

Every fault test ends with ``record(FaultReport(...))``: the report is printed
at once (``-s`` shows it live) and again, as one table, in pytest's terminal
summary, and written to ``.data/faults/results.json``.
"""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.load import Sample, by_status, percentile
from tests.faults.stack import FaultStack


@dataclass
class FaultReport:
    fault: str  # what was done, e.g. "Redis SIGSTOP 4 s"
    promise: str  # what must hold
    requests: int  # sent under the load while the test ran
    statuses: dict[str, int]  # answers by status (or "no answer (...)")
    fault_seconds: float  # how long the fault lasted
    recovery_seconds: float | None  # end of fault -> last bad answer
    measures: dict[str, Any] = field(default_factory=dict)  # fault-specific numbers
    test: str = ""

    def line(self) -> str:
        recovery = "-" if self.recovery_seconds is None else f"{self.recovery_seconds:.2f} s"
        extra = ", ".join(f"{key}={_fmt(value)}" for key, value in self.measures.items())
        return (
            f"FAULT | {self.fault} | {self.promise} | requests={self.requests} "
            f"statuses={self.statuses} | fault {self.fault_seconds:.1f} s | "
            f"recovery {recovery} | {extra}"
        )


def _fmt(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


REPORTS: list[FaultReport] = []
RESULTS_FILE = Path(__file__).resolve().parents[2] / ".data" / "faults" / "results.json"


def record(report: FaultReport) -> FaultReport:
    REPORTS.append(report)
    print(report.line(), flush=True)
    return report


def as_data() -> list[dict[str, Any]]:
    return [asdict(report) for report in REPORTS]


def extend(data: list[dict[str, Any]]) -> None:
    """Add reports made in another process (an xdist worker's ``as_data``)."""
    REPORTS.extend(FaultReport(**report) for report in data)


def write_results() -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(as_data(), indent=2))


def table() -> list[str]:
    """The reports as the markdown table of docs/reliability.md."""
    rows = [
        "| fault | promise | requests | answers | recovery | measured |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for report in REPORTS:
        recovery = "-" if report.recovery_seconds is None else f"{report.recovery_seconds:.1f} s"
        answers = ", ".join(f"{status}: {count}" for status, count in report.statuses.items())
        extra = ", ".join(f"{key} {_fmt(value)}" for key, value in report.measures.items())
        rows.append(
            f"| {report.fault} | {report.promise} | {report.requests} | {answers} "
            f"| {recovery} | {extra} |"
        )
    return rows


def latency(samples: list[Sample]) -> dict[str, float]:
    seconds = [sample.seconds for sample in samples]
    return {"p50": percentile(seconds, 0.5), "p95": percentile(seconds, 0.95), "max": max(seconds)}


def summary(samples: list[Sample]) -> tuple[int, dict[str, int]]:
    return len(samples), by_status(samples)


# --- jobs ----------------------------------------------------------------------------


def job_counts(stack: FaultStack, *, names: tuple[str, ...] = ()) -> dict[str, int]:
    """Job rows by status (optionally only jobs with one of ``names``)."""
    if names:
        rows = stack.query(
            "SELECT status, count(*) FROM jobs_job WHERE name = ANY(%s) GROUP BY status",
            (list(names),),
        )
    else:
        rows = stack.query("SELECT status, count(*) FROM jobs_job GROUP BY status")
    return {str(status): int(count) for status, count in rows}
