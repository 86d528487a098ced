"""Users (email is the login, unique in its normalised form; no username) and their API tokens."""

import contextlib
import unicodedata
import uuid
from typing import Any, ClassVar, override

import idna
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models, router, transaction
from django.db.models.functions import Lower, Now
from django.utils import timezone
from knox.models import AbstractAuthToken


def normalize_email(email: str) -> str:
    """The one form of an address that is stored, compared and counted (lockouts).

    Unicode NFKC (fullwidth letters, ligatures and other compatibility
    look-alikes become their plain forms), trimmed, lower-cased, and the
    domain IDNA-encoded (UTS 46, without a trailing dot), so
    ``User@Exämple.com``, ``user@xn--exmple-cua.com`` and the same address
    typed in fullwidth letters are one address. Idempotent, and total: a
    domain that is not a valid IDNA name is only lower-cased (the email
    validator refuses it at input). Look-alikes from different scripts (a
    Cyrillic "a") stay distinct: NFKC does not map them, and they may be real
    addresses.
    """
    text = unicodedata.normalize("NFKC", email).strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return text.lower()
    with contextlib.suppress(idna.IDNAError, UnicodeError):  # not an IDNA name: as it is
        # UTS 46 maps ideographic full stops to "." and drops ignorables: strip after.
        domain = idna.encode(domain.rstrip(". "), uts46=True).decode("ascii")
    return f"{local}@{domain.rstrip('. ')}".lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @override
    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalize_email(username or ""))

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    email_verified = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    # Not columns. Set by ``set_unusable_password`` (Django's ``set_password``
    # keeps the raw password in ``_password`` until the save), read by the
    # receiver that revokes every session when the password changes
    # (``apps.accounts.signals``): ``keep_session_digest`` names the one
    # session a change made through the API keeps.
    _password: str | None  # declared by AbstractBaseUser, unknown to django-stubs
    password_made_unusable: bool = False
    keep_session_digest: str | None = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    @override
    def __str__(self) -> str:
        return self.email

    @override
    def save(self, **kwargs: Any) -> None:
        # One transaction for the row and what its post_save receiver does:
        # a new password (or a deactivation) and the deletion of the user's
        # sessions commit together, also from the shell or the admin.
        with transaction.atomic(using=kwargs.get("using") or router.db_for_write(type(self))):
            super().save(**kwargs)

    @override
    @classmethod
    def normalize_username(cls, username: str) -> str:
        # AbstractBaseUser.clean() calls this: forms (the admin's) store the one form.
        return normalize_email(username) if isinstance(username, str) else username

    @override
    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self.password_made_unusable = True


class Transport(models.TextChoices):
    """How a session's token travels: a header (mobile, scripts) or a cookie (web apps)."""

    BEARER = "bearer"
    COOKIE = "cookie"


class AuthToken(AbstractAuthToken):
    """A knox token (stored as its SHA-512 digest) with the client it was issued to.

    ``public_id`` is what the API calls a session id: it reveals nothing of the
    token. ``last_used_at`` is written at most once per
    ``TOKEN_MIN_REFRESH_INTERVAL`` (with the expiry refresh), not per request.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client_name = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # How it was issued; any request may still present it either way. A
    # database default too, so a process of the previous release can still
    # issue tokens during a rolling deploy.
    transport = models.CharField(
        max_length=10,
        choices=Transport.choices,
        default=Transport.BEARER,
        db_default=Transport.BEARER,
    )

    class Meta:
        verbose_name = "session"
        indexes = [models.Index(fields=["user", "created"], name="accounts_token_user_created")]

    @override
    def __str__(self) -> str:
        return f"{self.client_name or 'session'} of user {self.user_id} ({self.public_id})"


class TokenRevocation(models.Model):
    """A token whose cache entry Redis may still hold: the revocation outbox.

    Rows are written by database triggers (migration 0003), in the transaction
    that deletes a token (``revoke``) or changes a cached field of its user
    (``revoke`` when the user was deactivated, else the entry is just
    refreshed), whatever code did it. They are deleted once delivered to
    Redis; ``apps.accounts.token_cache`` says when and why that is enough.
    """

    digest = models.CharField(max_length=128)
    revoke = models.BooleanField(default=True)
    created_at = models.DateTimeField(db_default=Now())

    @override
    def __str__(self) -> str:
        return f"{'revocation' if self.revoke else 'refresh'} #{self.pk}"
