"""Jobs run on the backend their declaration chooses, with real workers."""

import json
import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import Job, JobBackend, JobStatus
from apps.jobs.registry import JobPolicy, JobSpec, Step, all_specs, backend_for, get_spec, register
from apps.jobs.services import dispatch
from tests.jobs.sample_jobs import evidence
from tests.workers import FINAL, Worker, wait_for_job

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hard_limit_not_above_the_soft_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="must be below time_limit"):
        register(
            JobSpec(
                name="test.bad_limits",
                steps=(Step("print", print),),
                policy=JobPolicy(time_limit=5),
            )
        )
    assert "test.bad_limits" not in {spec.name for spec in all_specs()}


def test_routing_rule_is_a_function_of_the_declaration() -> None:
    assert backend_for(JobPolicy(), chain=False) == "native"
    assert backend_for(JobPolicy(max_retries=1), chain=False) == "celery"
    assert backend_for(JobPolicy(), chain=True) == "celery"
    assert backend_for(JobPolicy(time_limit=10), chain=False) == "celery"
    assert get_spec("email.send").backend == "native"
    assert get_spec("test.chain").backend == "celery"


def test_simple_job_runs_on_the_native_db_worker(native_worker: Worker) -> None:
    job = dispatch("test.echo", kwargs={"word": "hello"})
    assert job.backend == JobBackend.NATIVE
    assert DBTaskResult.objects.filter(args_kwargs__args=[str(job.pk)]).exists()

    done = wait_for_job(job.pk, FINAL, workers=(native_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.result == {"echo": {"word": "hello"}}
    assert done.attempts == 1
    assert done.started_at is not None
    assert done.finished_at is not None


def test_retried_job_fails_twice_then_succeeds(celery_worker: Worker) -> None:
    token = uuid.uuid4().hex
    job = dispatch("test.flaky", kwargs={"token": token, "failures": 2})
    assert job.backend == JobBackend.CELERY

    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert done.attempts == 3
    assert done.result == {"calls": 3}
    assert done.error is None
    assert int(evidence().get(f"flaky:{token}") or 0) == 3


def test_job_that_exhausts_its_retries_is_failed_with_the_error(celery_worker: Worker) -> None:
    token = uuid.uuid4().hex
    job = dispatch("test.always_fails", kwargs={"token": token})

    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.FAILED
    assert done.attempts == 3  # the first try and max_retries=2
    assert done.max_attempts == 3
    assert done.error == {"type": "ValueError", "message": "the input can never be processed"}
    assert done.finished_at is not None
    assert int(evidence().get(f"fails:{token}") or 0) == 3
    assert evidence().get(f"gave_up:{token}") == "1"  # the on_failure hook, once


def test_three_step_chain_records_each_step_and_resumes_a_failed_step(
    celery_worker: Worker,
) -> None:
    token = uuid.uuid4().hex
    job = dispatch("test.chain", kwargs={"token": token})
    assert [step["status"] for step in job.steps] == ["queued"] * 3
    assert job.current_step == 0

    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.SUCCEEDED
    assert [(s["name"], s["status"], s["attempts"]) for s in done.steps] == [
        ("collect", "succeeded", 1),
        ("render", "succeeded", 2),
        ("upload", "succeeded", 1),
    ]
    assert done.current_step == 2
    assert done.result == {"step": "upload", "url": f"/exports/{token}.zip"}
    # The retried step ran again; the step before it did not.
    runs = evidence().lrange(f"chain:{token}", 0, -1)
    assert runs == ["collect", "render", "render", "upload"]


def test_soft_time_limit_interrupts_the_job_and_fails_it(celery_worker: Worker) -> None:
    job = dispatch("test.overrun_soft")
    assert job.backend == JobBackend.CELERY  # time limits need Celery
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert done.error["type"] == "SoftTimeLimitExceeded"


def test_hard_time_limit_kills_the_process_and_the_job_is_failed(celery_worker: Worker) -> None:
    job = dispatch("test.overrun_hard")
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.FAILED
    assert done.error is not None
    assert done.error["type"] == "TimeLimitExceeded"
    assert done.finished_at is not None


def test_a_finished_job_delivered_again_is_skipped(celery_worker: Worker) -> None:
    from apps.jobs.backends import send_to_celery

    token = uuid.uuid4().hex
    job = dispatch("test.flaky", kwargs={"token": token, "failures": 0})
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.SUCCEEDED

    assert send_to_celery(done)  # a duplicate message, as a relay or redelivery would send
    marker = dispatch("test.ping")  # the same queue, sent after the duplicate
    wait_for_job(marker.pk, FINAL, workers=(celery_worker,))
    again = Job.objects.get(pk=job.pk)
    assert again.attempts == 1
    assert again.updated_at == done.updated_at
    assert int(evidence().get(f"flaky:{token}") or 0) == 1


def test_a_failure_hook_that_raises_does_not_undo_the_cancel() -> None:
    from apps.jobs.services import job_cancel
    from tests.factories import make_user

    owner = make_user()
    token = uuid.uuid4().hex
    job = Job.objects.create(
        owner=owner, name="test.broken_hook", backend="native", queue="default",
        kwargs={"token": token},
    )  # fmt: skip
    assert job_cancel(job_id=job.pk, owner=owner).status == JobStatus.CANCELLED
    assert evidence().get(f"broken_hook:{token}") == "1"
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED


def test_job_functions_get_their_context(celery_worker: Worker) -> None:
    token = uuid.uuid4().hex
    job = dispatch("test.flaky", kwargs={"token": token, "failures": 2})
    done = wait_for_job(job.pk, FINAL, workers=(celery_worker,))
    assert done.status == JobStatus.SUCCEEDED
    seen = [json.loads(item) for item in evidence().lrange(f"context:{token}", 0, -1)]
    # max_retries=3, backoff 0.05 doubled, no jitter: the runner's exact waits.
    assert seen == [
        {"attempt": 1, "is_final": False, "retry_in": 0.05},
        {"attempt": 2, "is_final": False, "retry_in": 0.1},
        {"attempt": 3, "is_final": False, "retry_in": 0.2},
    ]
