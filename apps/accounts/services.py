"""Account writes. Sync, transactional, keyword-only; async views call each through
one ``sync_to_async``. Cached token entries are revoked after commit by the
receivers in ``apps.accounts.signals`` (token deletion, user deactivation).
"""

from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.emails import send_account_email
from apps.accounts.models import AuthToken, Transport, User, normalize_email
from apps.accounts.tokens import (
    email_verification_tokens,
    password_reset_tokens,
    uid_for,
    user_id_from,
)
from apps.core.errors import InvalidInput, TooManyRequests, Unauthenticated
from apps.core.http import client_ip, user_agent
from apps.jobs.api import dispatch
from apps.notifications.email import frontend_link


class LoginLockedOut(TooManyRequests):
    default_detail = "Too many failed login attempts. Try again later."
    # The same answer for the password change: its failures count as failed logins.


class InvalidCredentials(Unauthenticated):
    # Mapped to a plain 401 APIException, not an AuthenticationFailed: DRF turns
    # those into 403 on views without authenticators, and the login view has none.
    default_detail = "Unable to log in with the provided credentials."


class InvalidLink(InvalidInput):
    def __init__(self) -> None:
        super().__init__({"token": ["This link is invalid or has expired."]}, code="invalid")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    session: AuthToken


def _validate_new_password(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as error:
        # Each validator's own code survives (the exception handler keeps them).
        raise DjangoValidationError({"new_password": error.error_list}) from error


def _send_verification(user: User) -> None:
    link = frontend_link(
        "/verify-email", uid=uid_for(user), token=email_verification_tokens.make_token(user)
    )
    send_account_email(kind="verify_email", to=user.email, link=link)


@transaction.atomic
def signup(*, email: str, password: str) -> None:
    """Create an unverified account and send a verification link.

    Answers the same way, and does the same work, whether or not the email
    has an account: the password is hashed, one insert is tried (the unique
    index refuses a taken address) and one email is queued either way; an
    existing account gets a notice instead of a link. So neither the answer
    nor its timing says who has an account.
    """
    email = normalize_email(email)
    password_hash = make_password(password)
    try:
        with transaction.atomic():
            user = User.objects.create(email=email, password=password_hash)
    except IntegrityError:  # the address has an account (or a concurrent signup won)
        send_account_email(kind="account_exists", to=email, link=frontend_link("/login"))
        return
    _send_verification(user)


def token_issue(
    *,
    user: User,
    client_name: str,
    user_agent: str,
    ip_address: str | None,
    transport: Transport = Transport.BEARER,
) -> IssuedToken:
    """Issue a token; at ``TOKEN_LIMIT_PER_USER`` live tokens the oldest is revoked first.

    ``transport`` only records how the client keeps it (the sessions list shows it).
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # serialise per user
        limit: int = settings.TOKEN_LIMIT_PER_USER
        sessions = AuthToken.objects.filter(user=user).order_by("-created")
        stale = list(sessions.values_list("digest", flat=True)[limit - 1 :]) if limit > 0 else []
        if stale:
            AuthToken.objects.filter(digest__in=stale).delete()
        session, token = AuthToken.objects.create(
            user=user,
            expiry=settings.TOKEN_TTL,
            client_name=client_name,
            user_agent=user_agent,
            ip_address=ip_address,
            last_used_at=timezone.now(),
            transport=transport,
        )
    return IssuedToken(token=token, session=session)


def _authenticate_guarded(*, request: HttpRequest, email: str, password: str) -> User | None:
    """Check ``email``'s password under django-axes; None when it is wrong.

    A locked-out (email, IP) pair is refused (429) before the password is
    checked, with the same answer whether or not it is right; a wrong password
    counts as a failure for that pair. Call it outside a transaction, or the
    failure it records would roll back with the caller's error.
    """
    credentials = {"email": email}
    retry_after = settings.AXES_COOLOFF_TIME.total_seconds()
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise LoginLockedOut(retry_after=retry_after)
    user = authenticate(request=request, email=email, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise LoginLockedOut(retry_after=retry_after)
        return None
    assert isinstance(user, User)
    return user


def login(
    *,
    request: HttpRequest,
    email: str,
    password: str,
    client_name: str,
    transport: Transport = Transport.BEARER,
) -> tuple[User, IssuedToken]:
    """Check the password under django-axes and issue a token.

    A locked-out (email, IP) pair is refused before the password is checked,
    with the same answer whether or not it is right.
    """
    user = _authenticate_guarded(request=request, email=normalize_email(email), password=password)
    if user is None:
        raise InvalidCredentials()
    issued = token_issue(
        user=user,
        client_name=client_name,
        user_agent=user_agent(request),
        ip_address=client_ip(request),
        transport=transport,
    )
    user_logged_in.send(sender=User, request=request, user=user)
    return user, issued


def session_revoke(*, user: User, session_id: str) -> bool:
    """Revoke one of ``user``'s sessions; False when it is not theirs (or gone)."""
    deleted, _ = AuthToken.objects.filter(user=user, public_id=session_id).delete()
    return deleted > 0


def logout(*, digest: str) -> None:
    AuthToken.objects.filter(digest=digest).delete()


def logout_all(*, user: User) -> None:
    AuthToken.objects.filter(user=user).delete()


def password_change(
    *,
    request: HttpRequest,
    user: User,
    current_digest: str,
    current_password: str,
    new_password: str,
) -> None:
    """Change the password and revoke every other session of the user.

    The current password is checked like a login's, under django-axes: a
    wrong one counts as a failed login for (email, IP), and a locked-out pair
    is refused with 429 before the password is checked (a stolen token cannot
    guess the password at will; the view is throttled per user and per IP too).
    """
    if _authenticate_guarded(request=request, email=user.email, password=current_password) is None:
        raise InvalidInput(
            {"current_password": ["The current password is not correct."]}, code="invalid"
        )
    _password_set(user=user, keep_session_digest=current_digest, new_password=new_password)


@transaction.atomic
def _password_set(*, user: User, keep_session_digest: str, new_password: str) -> None:
    account = User.objects.select_for_update().get(pk=user.pk)
    _validate_new_password(new_password, account)
    account.set_password(new_password)
    account.keep_session_digest = keep_session_digest
    account.save(update_fields=["password"])  # revokes the other sessions (signals)


RESET_LINK_JOB = "accounts.password_reset"


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Queue the ``accounts.password_reset`` job for ``email``, whoever it belongs to.

    The request does the same work for every address (one job written, no
    lookup), so neither the answer nor its timing says whether the address has
    an account: the job decides (``password_reset_send``).
    """
    dispatch(RESET_LINK_JOB, kwargs={"email": normalize_email(email)})


@transaction.atomic
def password_reset_send(*, email: str) -> bool:
    """Email a single-use, expiring reset link if an active account with a usable
    password has this email; nothing otherwise. The body of the reset job.

    Returns whether a link was sent (for the worker's log only: the job's
    result records nothing).
    """
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    link = frontend_link(
        "/reset-password", uid=uid_for(user), token=password_reset_tokens.make_token(user)
    )
    send_account_email(kind="password_reset", to=user.email, link=link)
    return True


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> None:
    """Set a new password from a reset link and revoke every session of the user."""
    user_id = user_id_from(uid)
    user = (
        User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user_id is not None
        else None
    )
    if user is None or not password_reset_tokens.check_token(user, token):
        raise InvalidLink()
    _validate_new_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])  # revokes every session (signals)


@transaction.atomic
def email_verification_request(*, user: User) -> None:
    account = User.objects.get(pk=user.pk)
    if not account.email_verified:
        _send_verification(account)


@transaction.atomic
def email_verify(*, uid: str, token: str) -> User:
    """Mark the email of the link's user verified (the link then stops working)."""
    user_id = user_id_from(uid)
    user = (
        User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user_id is not None
        else None
    )
    if user is None or not email_verification_tokens.check_token(user, token):
        raise InvalidLink()
    user.email_verified = True
    user.save(update_fields=["email_verified"])
    return user


@transaction.atomic
def profile_update(*, user: User, full_name: str | None = None) -> User:
    account = User.objects.select_for_update().get(pk=user.pk)
    if full_name is not None:
        account.full_name = full_name
    account.save(update_fields=["full_name"])
    return account


def token_purge_expired(*, grace: timedelta = timedelta(0)) -> int:
    """Delete tokens that expired more than ``grace`` ago. Idempotent; run periodically."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now() - grace).delete()
    return deleted
