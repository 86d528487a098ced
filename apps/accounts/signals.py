"""Cache invalidation after commit: the one wiring that signals do here.

Every way a token row disappears (logout, revocation, a new password set
anywhere, a deactivation, the token limit, the admin, a deleted user's
cascade, the expiry purge) goes through ``post_delete``. These receivers
deliver to Redis at once, after commit, in one batch per transaction. They
are the fast path only: the durable record is the revocation outbox, which
database triggers write whatever deleted the row or changed the user
(``QuerySet.update()`` and raw SQL included; see ``apps.accounts.token_cache``).
"""

import time
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts import token_cache
from apps.accounts.models import AuthToken, User


class RevocationBatch:
    """The digests one transaction revokes, delivered once after it commits."""

    def __init__(self, digests: list[str]) -> None:
        self.digests = digests

    def __call__(self) -> None:
        token_cache.revoke(self.digests, committed_at=time.monotonic())


def revoke_after_commit(digests: list[str], *, using: str) -> None:
    """Revoke ``digests`` in Redis once the current transaction commits (at once outside one).

    All revocations of a transaction share one batch, so one delivery (and,
    when Redis is down, one bounded wait; see ``token_cache.revoke``) covers a
    logout-all or a purge of many tokens.
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        # Django's own list of this transaction's commit callbacks.
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, RevocationBatch):
                callback.digests.extend(digests)
                return
    transaction.on_commit(RevocationBatch(list(digests)), using=using)


@receiver(post_delete, sender=AuthToken, dispatch_uid="revoke_cached_token_on_delete")
def revoke_cached_token_on_delete(
    sender: type[AuthToken], instance: AuthToken, using: str, **kwargs: Any
) -> None:
    revoke_after_commit([instance.digest], using=using)


@receiver(post_save, sender=User, dispatch_uid="revoke_sessions_on_user_save")
def revoke_sessions_on_user_save(
    sender: type[User], instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """Keep sessions in step with the user row, however it was saved.

    - A new password (``set_password`` anywhere: the API, the admin,
      ``changepassword``, the shell) or an unusable one deletes every session
      of the user but ``keep_session_digest`` (the API's own change keeps the
      session that made it). A hash upgrade at login is not a new password
      (Django clears ``_password`` for it) and revokes nothing.
    - A deactivated user's sessions are deleted, not just hidden, so
      reactivating the account does not bring them back.
    - Any other change refreshes the cached entries (they hold the user's
      public fields); ``last_login`` and ``password`` writes alone do not.

    Deleted sessions leave the cache after commit (``post_delete`` above).
    ``QuerySet.update()`` on users bypasses this receiver (not the outbox
    triggers): don't change passwords or ``is_active`` that way.
    """
    if created:
        return
    new_password = instance._password is not None or instance.password_made_unusable
    if new_password or not instance.is_active:
        sessions = AuthToken.objects.filter(user_id=instance.pk)
        if instance.is_active and instance.keep_session_digest is not None:
            sessions = sessions.exclude(digest=instance.keep_session_digest)
        sessions.delete()
        instance.password_made_unusable = False
        instance.keep_session_digest = None
        return
    if update_fields is not None and set(update_fields) <= {"last_login", "password"}:
        return
    digests = list(AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))
    if digests:
        transaction.on_commit(lambda: token_cache.forget(digests))
