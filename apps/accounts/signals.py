"""Cache invalidation after commit: the one wiring that signals do here.

Every way a token row disappears (logout, revocation, password change or
reset, the token limit, the admin, a deleted user's cascade, the expiry purge)
goes through ``post_delete``; a deactivated user's tokens are revoked on save.
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


@receiver(post_save, sender=User, dispatch_uid="refresh_cached_tokens_on_user_save")
def refresh_cached_tokens_on_user_save(
    sender: type[User], instance: User, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created or (update_fields is not None and set(update_fields) <= {"last_login", "password"}):
        return
    digests = list(AuthToken.objects.filter(user_id=instance.pk).values_list("digest", flat=True))
    if not digests:
        return
    if instance.is_active:
        transaction.on_commit(lambda: token_cache.forget(digests))
    else:
        transaction.on_commit(lambda: token_cache.revoke(digests))
