"""One log format in every process: uvicorn, Celery worker and beat, db_worker.

Each test starts the real process and reads everything it wrote: with
``LOG_FORMAT=json`` every line must be a JSON object with the app's fields.
"""

import json
import re
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

from apps.core.embedded import free_port
from apps.core.stack import celery_beat_command, uvicorn_command
from tests.live import LiveServer, live_server, server_env
from tests.worker_fixtures import JobEnvironment
from tests.workers import Worker, start, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

FIELDS = {"time", "level", "logger", "message", "request_id"}


def json_records(output: str) -> list[dict[str, Any]]:
    """Every line of ``output`` as a log record; fails on the first line that is not one."""
    records = []
    for line in output.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"not a JSON log line: {line!r}\n--- whole output:\n{output}")
        assert isinstance(record, dict), line
        assert record.keys() >= FIELDS, line
        records.append(record)
    assert records, "no log lines at all"
    return records


def uvicorn(
    *args: str, workers: int | None = None, **env: str
) -> AbstractContextManager[LiveServer]:
    """The stack's uvicorn command line, plus ``args``, logging at INFO."""
    port = free_port()
    command = [*uvicorn_command(port=port, workers=workers), *args]
    env_ = server_env(LOG_LEVEL="INFO", **env)
    return live_server(env_, command=command, port=port, timeout=90)


@pytest.mark.workers  # starts processes
def test_uvicorn_workers_and_supervisor_write_json_lines_with_the_request_id() -> None:
    with uvicorn(workers=2) as server:  # the stack's command: --log-config for the supervisor
        ok = httpx.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "log-ok-1"})
        missing = httpx.get(f"{server.base_url}/nowhere?token=secret-in-query")
        too_big = httpx.post(
            f"{server.base_url}/api/v1/auth/login",
            content=b"x" * (1024 * 1024 + 1),
            headers={"X-Request-ID": "log-big-1"},
        )
        output = server.stop()
    assert (ok.status_code, missing.status_code, too_big.status_code) == (200, 404, 413)

    records = json_records(output)
    access = {r["request_id"]: r for r in records if r["logger"] == "apps.access"}
    assert access["log-ok-1"] | {"duration_ms": 0} == {
        "time": access["log-ok-1"]["time"],
        "level": "INFO",
        "logger": "apps.access",
        "message": "GET /healthz 200",
        "request_id": "log-ok-1",
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": 0,
    }
    assert access["log-ok-1"]["duration_ms"] > 0
    assert access["log-big-1"]["status"] == 413
    not_found = access[missing.headers["X-Request-ID"]]
    assert not_found["message"] == "GET /nowhere 404"
    assert "secret-in-query" not in output  # the query string is never logged
    uvicorn_messages = [r["message"] for r in records if r["logger"].startswith("uvicorn")]
    assert any(m.startswith("Started parent process") for m in uvicorn_messages)
    assert any(m.startswith("Started server process") for m in uvicorn_messages)
    assert any(m.startswith("Finished server process") for m in uvicorn_messages)


PLAIN_LINE = re.compile(
    r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) +(?P<logger>[\w.]+)"
    r" \[(?P<request_id>[^\]]*)\] (?P<message>.*)$"
)


@pytest.mark.workers  # starts processes
def test_plain_format_is_one_readable_line_per_record() -> None:
    with uvicorn(LOG_FORMAT="plain") as server:
        httpx.get(f"{server.base_url}/healthz", headers={"X-Request-ID": "plain-1"})
        output = server.stop()
    lines = [PLAIN_LINE.match(line) for line in output.splitlines() if line.strip()]
    assert all(lines), output
    access = [m for m in lines if m and m["request_id"] == "plain-1"]
    assert len(access) == 1
    assert access[0]["logger"] == "apps.access"
    assert access[0]["message"].startswith("GET /healthz 200 method=GET path=/healthz status=200")
    assert "\x1b[" not in output  # no colour codes when the stream is not a terminal


def test_celery_worker_writes_json_lines(celery_worker: Worker) -> None:
    # The fixture's worker ran a real job to prove it is ready.
    records = json_records(celery_worker.output())
    loggers = {r["logger"] for r in records}
    assert {"celery.worker", "celery.app.trace"} <= loggers
    assert any(r["message"] == "celery worker starting" for r in records)  # not the banner
    assert any(
        r["logger"] == "celery.app.trace" and " succeeded in " in r["message"] for r in records
    )


def test_db_worker_writes_json_lines(native_worker: Worker) -> None:
    records = json_records(native_worker.output())
    assert any(r["logger"] == "django_tasks_db" for r in records)


@pytest.mark.workers  # starts processes
def test_celery_beat_writes_json_lines(job_environment: JobEnvironment, tmp_path: Path) -> None:
    command = celery_beat_command(schedule=tmp_path / "beat-schedule")
    # DEBUG: more kinds of lines, and the last start-up line to wait for (a
    # beat stopped earlier, while it imports its scheduler, crashes).
    env = job_environment.env | {"LOG_LEVEL": "DEBUG"}
    beat = start("celery-beat", command, env, tmp_path)
    try:
        wait_for(
            lambda: "beat: Ticking with max interval" in beat.output(),
            what="beat to start",
            workers=(beat,),
            timeout=90,  # Django's setup alone takes seconds on a loaded machine
        )
    finally:
        beat.stop()
    records = json_records(beat.output())
    assert any(r["logger"] == "celery.beat" for r in records)
