"""The metrics endpoint against a real stack: two uvicorn workers, a Celery
worker and a ``db_worker``, all writing to one multiprocess directory.

After a short load (``/me`` until both uvicorn workers served some, unknown
paths, a workspace with a webhook whose receiver fails the first attempt, a
password reset that runs two native jobs, a Celery job left in the outbox),
one scrape of either worker shows every process's counts: requests per route
template and status, token cache hits and misses, pool usage per role, jobs
per name and backend, webhook outcomes, the outbox. Without the token the
endpoint answers 401 in the standard error shape.
"""

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from knox.crypto import hash_token
from prometheus_client.parser import text_string_to_metric_families

from apps.accounts import token_cache
from apps.core.embedded import free_port
from apps.core.stack import uvicorn_command
from apps.jobs.models import Job, JobBackend, JobStatus
from apps.webhooks.models import Delivery, DeliveryStatus
from tests.factories import make_token, make_user
from tests.live import LiveServer, live_server, server_env
from tests.webhooks.receiver import Receiver, running_receiver
from tests.workers import (
    Worker,
    celery_command,
    db_worker_command,
    start,
    unique_prefix,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, metric: str, /, **labels: str) -> float:
    return samples.get((metric, frozenset(labels.items())), 0.0)


class Stack:
    def __init__(self, server: LiveServer, token: str, directory: Path) -> None:
        self.server, self.token, self.directory = server, token, directory
        self.client = httpx.Client(base_url=server.base_url, timeout=30)

    def scrape(self) -> Samples:
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {self.token}"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/plain")
        return parse(response.text)

    def scrape_until(self, what: str, condition: Callable[[Samples], bool]) -> Samples:
        latest: Samples = {}

        def holds() -> bool:
            nonlocal latest
            latest = self.scrape()
            return condition(latest)

        wait_for(holds, timeout=60, what=what)
        return latest


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def stack(tmp_path: Path, receiver: Receiver, session_db_worker_paused: None) -> Iterator[Stack]:
    token = secrets.token_urlsafe(32)
    directory = tmp_path / "metrics"
    env = server_env(
        METRICS_ENABLED="true",
        METRICS_TOKEN=token,
        PROMETHEUS_MULTIPROC_DIR=str(directory),
        JOBS_QUEUE_PREFIX=unique_prefix(),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp_path / "emails"),
        LOG_LEVEL="WARNING",
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    queue = f"{env['JOBS_QUEUE_PREFIX']}default"
    workers: list[Worker] = []
    try:
        celery = celery_command(queues=[queue], hostname="metrics@%h")
        workers.append(start("metrics-celery", celery, env, logs))
        workers.append(start("metrics-db-worker", db_worker_command(), env, logs))
        port = free_port()
        command = uvicorn_command(port=port, workers=2)
        with live_server(env=env, command=command, port=port, timeout=90) as server:
            yield Stack(server, token, directory)
    finally:
        for worker in workers:
            worker.stop()


def _get_in_parallel(base_url: str, path: str, headers: dict[str, str], count: int) -> None:
    """``count`` GETs from 8 threads, each on a new connection (so both workers take some)."""
    statuses: list[int] = []

    def run(share: int) -> None:
        for _ in range(share):
            statuses.append(httpx.get(base_url + path, headers=headers, timeout=30).status_code)

    threads = [threading.Thread(target=run, args=(count // 8,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * (count // 8 * 8)


@pytest.mark.workers  # starts processes
def test_one_scrape_shows_every_process_counts(stack: Stack, receiver: Receiver) -> None:
    base = stack.server.base_url
    user = make_user()
    token = make_token(user)
    token_cache.forget([hash_token(token)])  # the first /me is a cache miss
    headers = {"Authorization": f"Bearer {token}"}

    # /me until each uvicorn worker served some: each writes its own files.
    sent_me = 0
    deadline = time.monotonic() + 60
    while len(list(stack.directory.glob("histogram_*.db"))) < 2:
        assert time.monotonic() < deadline, "one uvicorn worker served every request"
        _get_in_parallel(base, "/api/v1/auth/me", headers, 40)
        sent_me += 40
    # Unknown paths: one label, whatever the path.
    for path in ("/nope/1", "/nope/abc/def"):
        assert stack.client.get(path).status_code == 404

    # A Celery job through the API: a webhook delivery whose first attempt fails.
    client = stack.client
    workspace = client.post("/api/v1/workspaces", json={"name": "Metrics"}, headers=headers)
    assert workspace.status_code == 201, workspace.text
    workspace_id = workspace.json()["id"]
    endpoint = client.post(
        f"/api/v1/workspaces/{workspace_id}/webhooks",
        json={"url": receiver.url("/hooks"), "events": ["document.created"]},
        headers=headers,
    )
    assert endpoint.status_code == 201, endpoint.text
    receiver.route("/hooks", secret=endpoint.json()["secret"], fail_first=1)
    document = client.post(
        f"/api/v1/workspaces/{workspace_id}/documents",
        json={"title": "Counted", "body": "once"},
        headers=headers,
    )
    assert document.status_code == 201, document.text
    # Native jobs: the reset request's job (dispatched by the API) sends its
    # email through a second job (dispatched by db_worker).
    reset = client.post("/api/v1/auth/password/reset", json={"email": user.email})
    assert reset.status_code in (200, 202, 204), reset.text
    authenticated = sent_me + 3

    wait_for(
        lambda: (
            Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists()
            and Job.objects.filter(name="email.send", status=JobStatus.SUCCEEDED).exists()
        ),
        timeout=60,
        what="the webhook delivery and the reset email",
    )
    # The outbox: a Celery job that never reached the broker.
    Job.objects.create(name="webhooks.deliver", backend=JobBackend.CELERY, queue="default")

    # Without the token, or with another: refused in the standard error shape.
    for refused_headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": token}):
        refused = client.get("/metrics", headers=refused_headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["errors"][0]["code"] == "not_authenticated"
        assert "http_request" not in refused.text

    def complete(samples: Samples) -> bool:
        # Pools are published every few seconds; job counts land just after commit.
        return (
            all(
                value(samples, "db_pool_requests_total", pool=pool, role=role) > 0
                for pool, role in (("async", "api"), ("django", "celery"), ("django", "db_worker"))
            )
            and value(samples, "jobs_succeeded_total", name="email.send", backend="native") == 1
        )

    samples = stack.scrape_until("every process's counts", complete)
    text = stack.client.get("/metrics", headers={"Authorization": f"Bearer {stack.token}"}).text

    # Requests: by route template, never the raw path.
    me = {"route": "/api/v1/auth/me", "method": "GET", "status": "200"}
    assert value(samples, "http_request_duration_seconds_count", **me) == sent_me
    assert value(samples, "http_request_duration_seconds_bucket", le="+Inf", **me) == sent_me
    assert value(samples, "http_request_duration_seconds_sum", **me) > 0
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    assert value(samples, "http_request_duration_seconds_count", **unmatched) == 2
    created = {
        "route": "/api/v1/workspaces/<uuid:workspace_id>/documents",
        "method": "POST",
        "status": "201",
    }
    assert value(samples, "http_request_duration_seconds_count", **created) == 1
    assert workspace_id not in text
    assert "/nope" not in text

    # The token cache: every authenticated request looked its token up once.
    hits = value(samples, "token_cache_lookups_total", result="hit")
    misses = value(samples, "token_cache_lookups_total", result="miss")
    assert misses >= 1
    assert hits + misses == authenticated
    assert value(samples, "token_cache_lookups_total", result="fallback") == 0

    # Pools: both uvicorn workers' async pools (livesum), and each role's.
    max_size = settings.DATABASE_POOL_MAX_SIZE
    assert value(samples, "db_pool_max_connections", pool="async", role="api") == 2 * max_size
    assert value(samples, "db_pool_connections", pool="async", role="api") >= 1

    # Jobs, per name and backend, counted in whichever process did it.
    deliver = {"name": "webhooks.deliver", "backend": "celery"}
    assert value(samples, "jobs_dispatched_total", **deliver) == 1
    assert value(samples, "jobs_started_total", **deliver) == 2
    assert value(samples, "jobs_failed_total", final="false", **deliver) == 1
    assert value(samples, "jobs_succeeded_total", **deliver) == 1
    for name in ("accounts.password_reset", "email.send"):
        native = {"name": name, "backend": "native"}
        assert value(samples, "jobs_dispatched_total", **native) == 1
        assert value(samples, "jobs_started_total", **native) == 1
        assert value(samples, "jobs_succeeded_total", **native) == 1

    # Webhook outcomes, and the outbox (read at scrape time).
    assert value(samples, "webhook_delivery_attempts_total", outcome="retrying") == 1
    assert value(samples, "webhook_delivery_attempts_total", outcome="succeeded") == 1
    assert value(samples, "jobs_outbox_depth") == 1
