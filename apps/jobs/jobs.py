"""Jobs the jobs app itself declares: its periodic maintenance."""

from django.conf import settings

from apps.jobs.registry import periodic


@periodic("jobs.relay_outbox", every=settings.JOBS_RELAY_INTERVAL)
def relay_outbox() -> None:
    """Send queued Celery jobs that never reached the broker (see ``job_outbox_relay``)."""
    from apps.jobs.services import job_outbox_relay

    job_outbox_relay()


@periodic("jobs.prune_finished", every=settings.JOBS_PRUNE_INTERVAL)
def prune_finished() -> None:
    """Delete finished jobs and native task results past ``JOBS_RETENTION``."""
    from apps.jobs.services import jobs_prune

    jobs_prune()


@periodic("jobs.recover", every=settings.JOBS_REAPER_INTERVAL)
def recover_lost() -> None:
    """Resume running jobs whose worker died, and reclaim lost native tasks."""
    from apps.jobs.recovery import jobs_recover, native_tasks_reclaim

    jobs_recover()
    native_tasks_reclaim()
