"""No fault: the stack under the steady load answers everything (the suite's control)."""

import time

from tests.faults.load import SteadyLoad, between
from tests.faults.measure import FaultReport, latency, record, summary
from tests.faults.stack import FaultStack


def test_steady_load_without_faults_has_no_errors(
    stack: FaultStack, mixed_load: SteadyLoad
) -> None:
    started = time.monotonic()
    mixed_load.wait_for_requests(150, after=started)
    samples = between(mixed_load.samples, started)
    requests, statuses = summary(samples)
    record(
        FaultReport(
            fault="none (control)",
            promise="every request answered 2xx",
            requests=requests,
            statuses=statuses,
            fault_seconds=0.0,
            recovery_seconds=None,
            measures={"p95_s": latency(samples)["p95"]},
        )
    )
    assert all(sample.ok for sample in samples), statuses
