"""A process that records known metrics into ``PROMETHEUS_MULTIPROC_DIR``, for
tests/core/test_metrics_files.py: ``python -m tests.core.metrics_process``.

It turns metrics on as every process does when its apps load
(``metrics.setup``: it claims its liveness lock), with only the settings that
needs (loading the whole project takes seconds per process), counts one
request, one token cache hit and a pool gauge of 2, prints ``ready``, then
waits until its stdin closes and ends cleanly (``process.end``, as a worker
does at shutdown), unless the test kills it.
"""

import os
import sys

from django.conf import settings

settings.configure(
    METRICS_ENABLED=True,
    METRICS_TOKEN="t",
    METRICS_MULTIPROCESS_DIR=os.environ["PROMETHEUS_MULTIPROC_DIR"],
)

from apps.core import metrics  # noqa: E402
from apps.core.metrics import process  # noqa: E402

metrics.setup()

from apps.core.metrics.definitions import POOL_GAUGES  # noqa: E402

metrics.record_request({"method": "GET", metrics.ROUTE_KEY: "api/v1/things"}, 200, 0.01)
metrics.count_token_lookup(True)
POOL_GAUGES["pool_size"].labels("async", "test").set(2)
print("ready", flush=True)
sys.stdin.read()
process.end()
