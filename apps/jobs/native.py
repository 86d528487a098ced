"""The ``django.tasks`` entry point (database backend, run by ``manage.py db_worker``)."""

from django.tasks import task

from apps.jobs.runner import execute


@task()
def run_native_job(job_id: str) -> None:
    """Run a native job once. Idempotent: a finished or cancelled job is skipped."""
    execute(job_id=job_id, step=None)
