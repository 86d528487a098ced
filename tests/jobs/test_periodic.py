"""Periodic jobs: the beat schedule comes from code; the relay runs at worker
start; pruning deletes only what is finished and past the retention."""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.core.embedded import free_port
from apps.jobs.models import Job, JobStatus
from apps.jobs.registry import all_periodic
from apps.jobs.services import dispatch, jobs_prune
from apps.jobs.tasks import run_periodic
from project.celery import app as celery_app
from project.celery import beat_schedule
from tests.worker_fixtures import JobEnvironment
from tests.workers import (
    FINAL,
    Worker,
    broker_url,
    celery_command,
    start,
    wait_for,
    wait_for_job,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_beat_schedule_is_built_from_the_periodic_declarations() -> None:
    schedule = beat_schedule()
    assert schedule["jobs.relay_outbox"] == {
        "task": "jobs.periodic",
        "schedule": settings.JOBS_RELAY_INTERVAL.total_seconds(),
        "args": ["jobs.relay_outbox"],
    }
    assert schedule["jobs.prune_finished"]["args"] == ["jobs.prune_finished"]
    assert set(schedule) == {spec.name for spec in all_periodic()}
    assert {
        "jobs.relay_outbox",
        "jobs.prune_finished",
        "accounts.purge_expired_tokens",
        "accounts.axes_cleanup",
        "exports.purge_expired",
    } <= set(schedule)


def _finished(status: str, age: timedelta) -> Job:
    job = Job.objects.create(name="test.echo", backend="native", queue="default", status=status)
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - age)
    return job


def test_prune_deletes_only_finished_jobs_past_the_retention(native_worker: Worker) -> None:
    old_done = _finished(JobStatus.SUCCEEDED, timedelta(days=30))
    old_failed = _finished(JobStatus.FAILED, timedelta(days=30))
    recent = _finished(JobStatus.SUCCEEDED, timedelta(hours=1))
    running = Job.objects.create(
        name="test.echo", backend="native", queue="default", status="running"
    )
    ran = dispatch("test.echo")
    wait_for_job(ran.pk, FINAL, workers=(native_worker,))
    # The Job row is final inside the task body; the worker records its own
    # DBTaskResult outcome just after. Wait for that too before backdating.
    wait_for(
        lambda: not DBTaskResult.objects.filter(finished_at__isnull=True).exists(),
        what="the db_worker to record the task's outcome",
        workers=(native_worker,),
    )
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=30))

    jobs, results = jobs_prune(older_than=timedelta(days=14))

    assert jobs == 2
    assert results >= 1
    remaining = set(Job.objects.values_list("pk", flat=True))
    assert {recent.pk, running.pk, ran.pk} <= remaining
    assert not remaining & {old_done.pk, old_failed.pk}


def test_periodic_task_runs_on_the_worker(
    job_environment: JobEnvironment, celery_worker: Worker
) -> None:
    old = _finished(JobStatus.SUCCEEDED, settings.JOBS_RETENTION + timedelta(days=1))
    with celery_app.connection_for_write() as connection:
        queue = f"{job_environment.prefix}default"
        message = run_periodic.si("jobs.prune_finished").set(queue=queue)
        message.apply_async(connection=connection)
    wait_for(
        lambda: not Job.objects.filter(pk=old.pk).exists(),
        what="the periodic prune to run",
        workers=(celery_worker,),
    )


def test_a_starting_worker_relays_jobs_that_never_reached_the_broker(
    job_environment: JobEnvironment,
) -> None:
    with broker_url(f"redis://127.0.0.1:{free_port()}/0"), transaction.atomic():
        stuck = dispatch("test.ping_long")
    Job.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert Job.objects.get(pk=stuck.pk).enqueued_at is None

    worker = start(
        "celery-long-relay",
        celery_command(queues=[f"{job_environment.prefix}long"], hostname="relay@%h"),
        job_environment.env,
        job_environment.log_dir,
    )
    try:
        done = wait_for_job(stuck.pk, FINAL, workers=(worker,), timeout=30)
        assert done.status == JobStatus.SUCCEEDED
        assert done.enqueued_at is not None
    finally:
        worker.stop()


@pytest.mark.workers  # starts processes
def test_celery_beat_sends_the_declared_periodic_jobs(
    job_environment: JobEnvironment, tmp_path: Path
) -> None:
    """A real ``celery beat`` process builds its schedule from the registry."""
    env = {**job_environment.env, "JOBS_RELAY_INTERVAL": "0.5s"}
    command = [
        sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel", "INFO",
        "--schedule", str(tmp_path / "beat-schedule"),
    ]  # fmt: skip
    beat = start("celery-beat", command, env, job_environment.log_dir)
    try:
        wait_for(
            lambda: "Sending due task jobs.relay_outbox (jobs.periodic)" in beat.output(),
            what="beat to send the relay",
            workers=(beat,),
            timeout=30,
        )
    finally:
        beat.stop()
