"""Jobs of the accounts app: the password reset email, and periodic maintenance
(declared here, run by Celery beat)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from apps.jobs.api import JobContext, job, periodic


@periodic("accounts.purge_expired_tokens", every=settings.TOKEN_PURGE_INTERVAL)
def purge_expired_tokens() -> None:
    """Delete expired tokens (the authenticator never scans for them per request)."""
    from apps.accounts.services import token_purge_expired

    token_purge_expired()


@periodic("accounts.axes_cleanup", every=timedelta(hours=1))
def axes_cleanup() -> None:
    """Delete failed-login records whose cool-off has passed, and old access logs."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(
        attempt_time__lt=timezone.now() - settings.AXES_COOLOFF_TIME
    ).delete()
    AxesProxyHandler.reset_logs(age_days=settings.AXES_ACCESS_LOG_RETENTION_DAYS)


@job("accounts.password_reset")
def password_reset(context: JobContext, *, email: str) -> None:
    """Send a reset link if ``email`` has an active account (see ``password_reset_send``).

    A simple (native) job, not retried: a user who got nothing asks again.
    Returns nothing, so the Job row never records whether the address has an account.
    """
    from apps.accounts.services import password_reset_send

    password_reset_send(email=email)
