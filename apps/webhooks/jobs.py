"""The webhook delivery job: one retried Celery job per delivery."""

from typing import Any

from django.conf import settings

from apps.jobs.api import JobContext, JobPolicy, job

# Exponential backoff (base, doubled per attempt, capped), no jitter:
# deliveries of one event are spread by their creation times anyway. The
# delivery log's ``next_retry_at`` is exact either way (the job's context
# carries the wait the runner will use). The time limits bound one attempt
# well above the HTTP timeout.
DELIVERY_POLICY = JobPolicy(
    max_retries=settings.WEBHOOKS_MAX_RETRIES,
    backoff_base=settings.WEBHOOKS_BACKOFF_BASE.total_seconds(),
    backoff_max=settings.WEBHOOKS_BACKOFF_MAX.total_seconds(),
    jitter=False,
    soft_time_limit=settings.WEBHOOKS_TIMEOUT + 20,
    time_limit=settings.WEBHOOKS_TIMEOUT + 40,
    queue=settings.WEBHOOKS_QUEUE,
)


@job("webhooks.deliver", policy=DELIVERY_POLICY)
def deliver(context: JobContext, *, delivery_id: str) -> dict[str, Any]:
    """Attempt one webhook delivery; raises to be retried (see ``delivery_attempt``)."""
    from apps.webhooks.services import delivery_attempt

    return delivery_attempt(
        delivery_id=delivery_id, attempt=context.attempt, retry_in=context.retry_in
    )
