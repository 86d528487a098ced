"""Error tracking: what reaches Sentry (a local stand-in), and that no secret does.

The servers and the worker are real processes with ``SENTRY_DSN`` pointing
at ``tests.sentry_stand_in``; the assertions read the raw envelope bytes.
"""

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import AsyncClient

from apps.core.sentry import FILTERED, scrub
from apps.jobs.tasks import run_periodic
from tests.core import sentry_jobs
from tests.factories import PASSWORD, amake_user, login, make_user
from tests.live import PROJECT_ROOT, live_server, server_env
from tests.sentry_stand_in import SentryStandIn, parse_envelope, sentry_stand_in
from tests.worker_fixtures import JobEnvironment
from tests.workers import celery_command, start, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

QUERY_SECRET = "query-secret-5b1d"
COOKIE_SECRET = "cookie-secret-93aa"


@pytest.fixture(scope="module")
def sentry() -> Iterator[SentryStandIn]:
    with sentry_stand_in() as stand_in:
        yield stand_in


def sentry_vars(stand_in: SentryStandIn) -> dict[str, str]:
    """The environment that points a process's Sentry SDK at the stand-in."""
    return {
        "SENTRY_DSN": stand_in.dsn,
        "SENTRY_ENVIRONMENT": "ci",
        "SENTRY_RELEASE": "asyncapi@test",
        "NO_PROXY": "127.0.0.1,localhost",
    }


def exception_of(event: dict[str, Any]) -> dict[str, Any]:
    values: list[dict[str, Any]] = event.get("exception", {}).get("values", [])
    return values[-1] if values else {}


@pytest.mark.workers  # starts processes
def test_unhandled_error_of_a_request_arrives_without_its_secrets(sentry: SentryStandIn) -> None:
    user = make_user()
    env = server_env(**sentry_vars(sentry), DJANGO_SETTINGS_MODULE="tests.core.sentry_settings")
    with live_server(env, timeout=60) as server:
        login = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            json={"email": user.email, "password": PASSWORD},
        )
        token = login.json()["token"]
        response = httpx.post(
            f"{server.base_url}/api/v1/test/explode?token={QUERY_SECRET}&page=2",
            json={"email": user.email, "password": PASSWORD, "note": "hello"},
            headers={
                "Authorization": f"Bearer {token}",
                "Cookie": f"sessionid={COOKIE_SECRET}; theme=dark",
                "X-Request-ID": "sentry-req-1",
            },
        )
        assert response.status_code == 500
        assert response.json()["request_id"] == "sentry-req-1"
        envelope, event = sentry.wait_for_event(
            lambda e: exception_of(e).get("type") == "RuntimeError"
        )

    for secret in (token, PASSWORD, COOKIE_SECRET, QUERY_SECRET):
        assert secret.encode() not in envelope.raw, secret
    assert FILTERED.encode() in envelope.raw
    # ...and still useful: what failed, where, for which request.
    assert event["environment"] == "ci"
    assert event["release"] == "asyncapi@test"
    assert event["tags"]["request_id"] == "sentry-req-1"
    assert event["request"]["method"] == "POST"
    assert event["request"]["url"].endswith("/api/v1/test/explode")
    assert event["request"]["data"]["note"] == "hello"
    assert exception_of(event)["value"].startswith("could not handle Bearer [Filtered] for ")
    frames = exception_of(event)["stacktrace"]["frames"]
    view_frame = next(f for f in frames if f["module"] == "tests.core.sentry_urls")
    assert view_frame["vars"]["credentials"] == FILTERED
    assert view_frame["vars"]["user_email"] == repr(user.email)
    assert "public" in envelope.auth  # the DSN's key authenticates the envelope


@pytest.mark.workers  # starts processes
def test_error_in_a_celery_job_arrives_without_its_secrets(
    sentry: SentryStandIn, job_environment: JobEnvironment, tmp_path: Path
) -> None:
    queue = f"{job_environment.prefix}sentry"
    env = job_environment.env | sentry_vars(sentry)
    env["JOBS_EXTRA_MODULES"] += ",tests.core.sentry_jobs"
    command = celery_command(queues=[queue], hostname="sentry@%h")
    worker = start("celery-sentry", command, env, tmp_path)
    try:
        wait_for(
            lambda: "ready." in worker.output(), what="worker ready", workers=(worker,), timeout=60
        )
        run_periodic.apply_async(args=(sentry_jobs.NAME,), queue=queue)
        envelope, event = sentry.wait_for_event(
            lambda e: "job could not call the API" in exception_of(e).get("value", "")
        )
    finally:
        worker.stop()

    for secret in (sentry_jobs.LEAKED_TOKEN, sentry_jobs.LEAKED_PASSWORD):
        assert secret.encode() not in envelope.raw, secret
    assert event["transaction"] == "jobs.periodic"
    assert event["extra"]["celery-job"]["task_name"] == "jobs.periodic"
    frames = exception_of(event)["stacktrace"]["frames"]
    job_frame = next(f for f in frames if f["function"] == "explode")
    assert job_frame["vars"]["payload"]["password"] == FILTERED
    assert job_frame["vars"]["body"] == repr(
        '{"email": "someone@example.com", "password": ' + FILTERED + "}"
    )


@pytest.mark.workers  # starts processes
async def test_with_sentry_on_me_still_makes_no_thread_hop(
    sentry: SentryStandIn, api: AsyncClient
) -> None:
    token = await login(api, await amake_user())
    probe = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tests.core.sentry_probe"],
        cwd=PROJECT_ROOT,
        env=server_env(**sentry_vars(sentry), PROBE_TOKEN=token),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["sentry"] is True
    assert set(result["statuses"]) == {200}
    assert result["hops"] == 0


@pytest.mark.workers  # starts processes
def test_without_a_dsn_sentry_is_not_even_imported() -> None:
    code = "import django; django.setup(); import sys; print('sentry_sdk' in sys.modules)"
    probe = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=server_env(SENTRY_DSN=""),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (
            {"password": "x", "new_password": "y", "ok": "z"},
            {"password": FILTERED, "new_password": FILTERED, "ok": "z"},
        ),
        (
            [["b'authorization'", "b'Bearer abc'"], ["b'host'", "b'x'"]],
            [["b'authorization'", FILTERED], ["b'host'", "b'x'"]],
        ),
        ("GET /a?token=abc&page=2", f"GET /a?token={FILTERED}&page=2"),
        ("sessionid=abc; theme=dark", f"sessionid={FILTERED}; theme=dark"),
        ("""b'{"password": "p\\\\"w"}'""", f"""b'{{"password": {FILTERED}}}'"""),
        ("{'api_key': 'k'}", f"{{'api_key': {FILTERED}}}"),
        ("Authorization: Basic dXNlcjpwYXNz", f"Authorization: {FILTERED}"),
        ("sent Bearer xyz.abc to", f"sent Bearer {FILTERED} to"),
        ("postgresql://app:hunter2@db/app", f"postgresql://app:{FILTERED}@db/app"),
        ("call with aa_" + "0f" * 32 + " failed", f"call with {FILTERED} failed"),
        ("Invalid token.", "Invalid token."),
    ],
)
def test_scrub(dirty: Any, clean: Any) -> None:
    assert scrub(dirty) == clean


def test_envelope_parser_reads_items_with_and_without_length() -> None:
    raw = (
        b'{"event_id":"e1"}\n{"type":"event","length":9}\n{"a":"b"}\n{"type":"session"}\n{"s":1}\n'
    )
    envelope = parse_envelope(raw)
    assert envelope.headers == {"event_id": "e1"}
    assert envelope.payloads("event") == [{"a": "b"}]
    assert envelope.payloads("session") == [{"s": 1}]
