"""Cache invalidation after commit: the one wiring that signals do here.

Every way a token row disappears (logout, revocation, password change or
reset, the token limit, the admin, a deleted user's cascade, the expiry purge)
goes through ``post_delete``; a deactivated user's tokens are revoked on save.
These deliver to Redis at once, after commit, in one batch per transaction.
They are the fast path only: the durable record is the revocation outbox,
which database triggers write whatever deleted the row or changed the user
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


@receiver(post_save, sender=User, dispatch_uid="refresh_cached_tokens_on_user_save")
def refresh_cached_tokens_on_user_save(
    sender: type[User],
    instance: User,
    created: bool,
    using: str,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    digests = list(AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))
    if not digests:
        return
    if instance.is_active:
        transaction.on_commit(lambda: token_cache.forget(digests), using=using)
    else:
        revoke_after_commit(digests, using=using)
