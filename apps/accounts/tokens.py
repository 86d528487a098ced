"""Signed, expiring, single-use links for password resets and email verification.

Both build on Django's ``PasswordResetTokenGenerator``: a link stops working
when it expires (``PASSWORD_RESET_TIMEOUT``) or when the state it was made for
changes (a new password, a verified email), so each link works once.
"""

from typing import override

from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from apps.accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "apps.accounts.tokens.EmailVerificationTokenGenerator"

    @override
    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


password_reset_tokens = default_token_generator
email_verification_tokens = EmailVerificationTokenGenerator()


def uid_for(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_id_from(uid: str) -> int | None:
    try:
        return int(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError):
        return None
