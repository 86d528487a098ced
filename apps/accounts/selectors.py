"""Account reads, scoped to the caller."""

from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import AuthToken, User


def session_list_for(*, user: User) -> QuerySet[AuthToken]:
    """The caller's live (unexpired) sessions, newest first."""
    return AuthToken.objects.filter(user_id=user.pk, expiry__gt=timezone.now()).order_by(
        "-created", "-digest"
    )
