"""The jobs app's public surface: everything another app may use.

Declare jobs in your app's ``jobs.py`` (loaded at startup by every process)::

    from apps.jobs.api import JobContext, JobPolicy, chain, job, periodic, step

    @job("things.rebuild", policy=JobPolicy(max_retries=3))
    def rebuild(context: JobContext, *, thing_id: str) -> dict[str, int]: ...

    chain("things.export", step("collect", collect), step("zip", zip_files))

    @periodic("things.cleanup", every=timedelta(hours=1))
    def cleanup() -> None: ...

and start them with ``dispatch`` (sync, inside the caller's transaction) or
``adispatch`` (async code). Nothing else of ``apps.jobs`` is for other apps
(an import-linter contract checks it: ``uv run lint-imports``).
"""

from apps.jobs.registry import JobContext, JobPolicy, chain, job, periodic, step
from apps.jobs.services import adispatch, dispatch

__all__ = [
    "JobContext",
    "JobPolicy",
    "adispatch",
    "chain",
    "dispatch",
    "job",
    "periodic",
    "step",
]
