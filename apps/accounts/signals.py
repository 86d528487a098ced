"""Cache invalidation after commit: the one wiring that signals do here.

Every way a token row disappears (logout, revocation, a new password set
anywhere, a deactivation, the token limit, the admin, a deleted user's
cascade, the expiry purge) goes through ``post_delete``.
``QuerySet.update()`` and raw SQL bypass these: don't use them on these tables.
"""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.accounts import token_cache
from apps.accounts.models import AuthToken, User


@receiver(post_delete, sender=AuthToken, dispatch_uid="revoke_cached_token_on_delete")
def revoke_cached_token_on_delete(
    sender: type[AuthToken], instance: AuthToken, **kwargs: Any
) -> None:
    digest = instance.digest
    transaction.on_commit(lambda: token_cache.revoke([digest]))


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
    ``QuerySet.update()`` on users bypasses this: don't change passwords or
    ``is_active`` that way.
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
