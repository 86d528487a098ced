"""How the fault stack's processes are started: the one place to swap.

``process_commands`` returns the command line of every long-running process
of a production-like deployment, by name; ``READY_LINES`` says what each
worker prints once it consumes work. When the project has one module that
starts its stack (``uv run dev`` and production alike), make these two
return its definitions and the fault suite follows.
"""

import sys
from pathlib import Path

# What a process prints once it takes work (the API is ready when /readyz says so).
READY_LINES = {
    "celery-worker": "ready.",
    "celery-beat": "beat: Starting",
    "db-worker": "Starting worker",
}


def process_commands(*, port: int, data_dir: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "api": [
            python, "-m", "uvicorn", "project.asgi:app",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
            "--lifespan", "on", "--no-access-log", "--timeout-keep-alive", "5",
        ],
        "celery-worker": [
            python, "-m", "celery", "-A", "project", "worker",
            "--loglevel", "INFO", "--pool", "prefork", "--concurrency", "2",
            "--hostname", "faults@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ],
        "celery-beat": [
            python, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO",
            "--schedule", str(data_dir / "celerybeat-schedule"),
        ],
        "db-worker": [
            python, "manage.py", "db_worker", "--queue-name", "*",
            "--interval", "0.2", "--no-startup-delay",
        ],
    }  # fmt: skip
