"""Periodic maintenance of the accounts app (run by Celery beat, see JOBS_PERIODIC)."""

from django.conf import settings
from django.utils import timezone


def purge_expired_tokens() -> None:
    """Delete expired tokens (the authenticator never scans for them per request)."""
    from apps.accounts.services import token_purge_expired

    token_purge_expired()


def axes_cleanup() -> None:
    """Delete failed-login records whose cool-off has passed, and old access logs."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(
        attempt_time__lt=timezone.now() - settings.AXES_COOLOFF_TIME
    ).delete()
    AxesProxyHandler.reset_logs(age_days=settings.AXES_ACCESS_LOG_RETENTION_DAYS)
