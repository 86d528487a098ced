"""Reads on jobs, always scoped to the owner."""

from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from apps.core.aquery import afirst
from apps.core.errors import NotFound
from apps.jobs.models import Job


def job_list_for(
    *, owner: AbstractBaseUser, status: str | None = None, name: str | None = None
) -> QuerySet[Job]:
    """The owner's jobs, newest first, optionally filtered (lazy; paginate it)."""
    jobs = Job.objects.filter(owner_id=owner.pk)
    if status:
        jobs = jobs.filter(status=status)
    if name:
        jobs = jobs.filter(name=name)
    return jobs.order_by("-created_at", "-id")


def job_detail_for(*, job_id: UUID, owner: AbstractBaseUser) -> QuerySet[Job]:
    """The job if ``owner`` owns it (lazy)."""
    return Job.objects.filter(pk=job_id, owner_id=owner.pk)


async def ajob_access(*, job_id: UUID, owner: AbstractBaseUser) -> Job:
    """The owner's job, or 404 (another user's job is indistinguishable from none).

    Read on the async pool: no thread hop.
    """
    job = await afirst(job_detail_for(job_id=job_id, owner=owner))
    if job is None:
        raise NotFound()
    return job
