"""How the fault stack's processes are started: ``apps.core.stack``'s commands.

``process_commands`` returns the command line of every long-running process
of a production-like deployment, by name, built by the same functions that
``uv run dev``, the tests and the runners use (so uvicorn gets the production
``SERVER_OPTIONS``); ``READY_LINES`` says what each worker prints once it
consumes work.
"""

from pathlib import Path

from apps.core.stack import (
    celery_beat_command,
    celery_worker_command,
    db_worker_command,
    uvicorn_command,
)

# What a process prints once it takes work (the API is ready when /readyz says so).
READY_LINES = {
    "celery-worker": "ready.",
    "celery-beat": "beat: Starting",
    "db-worker": "Starting worker",
}


def process_commands(*, port: int, data_dir: Path) -> dict[str, list[str]]:
    return {
        "api": uvicorn_command(port=port, workers=2),
        "celery-worker": celery_worker_command(
            hostname="faults@%h", pool="prefork", concurrency=2, quiet=True
        ),
        "celery-beat": celery_beat_command(schedule=data_dir / "celerybeat-schedule"),
        "db-worker": db_worker_command(interval=0.2, startup_delay=False),
    }
