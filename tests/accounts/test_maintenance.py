"""The accounts app's periodic jobs: expired tokens and stale login failures go away."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from apps.accounts.jobs import axes_cleanup, purge_expired_tokens
from apps.accounts.models import AuthToken
from apps.accounts.services import token_issue
from project.celery import beat_schedule
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_expired_tokens_are_purged_and_live_ones_kept() -> None:
    user = make_user()
    live = token_issue(user=user, client_name="live", user_agent="", ip_address=None)
    old = token_issue(user=user, client_name="old", user_agent="", ip_address=None)
    AuthToken.objects.filter(pk=old.session.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    purge_expired_tokens()
    assert list(AuthToken.objects.values_list("client_name", flat=True)) == ["live"]
    assert live.session.pk


def test_axes_cleanup_forgets_failures_past_the_cool_off() -> None:
    now = timezone.now()
    for username, age in (("old@example.com", timedelta(days=1)), ("new@example.com", timedelta())):
        attempt = AccessAttempt.objects.create(
            username=username, ip_address="203.0.113.5", user_agent="", failures_since_start=3
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=now - age)
    axes_cleanup()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["new@example.com"]


def test_both_run_on_the_beat_schedule() -> None:
    schedule = beat_schedule()
    assert schedule["accounts.purge_expired_tokens"]["args"] == ["accounts.purge_expired_tokens"]
    assert schedule["accounts.axes_cleanup"]["args"] == ["accounts.axes_cleanup"]
    assert all(entry["task"] == "jobs.periodic" for entry in schedule.values())
