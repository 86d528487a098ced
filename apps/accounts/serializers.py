"""Public input and output shapes of the accounts API."""

from datetime import datetime
from typing import Any, TypedDict, override

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from apps.accounts.models import AuthToken, Transport, User, normalize_email
from apps.core.outputs import iso_datetime, output_of
from apps.core.validators import validate_single_line


class UserOutput(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    email_verified = serializers.BooleanField(read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)


class UserPublic(TypedDict):
    """What ``UserOutput`` renders."""

    id: int
    email: str
    full_name: str
    email_verified: bool
    date_joined: str


def user_public_from(
    *, id: int, email: str, full_name: str, email_verified: bool, date_joined: datetime
) -> UserPublic:
    """``UserOutput(user).data`` built directly, for the hot path.

    A DRF serializer deep-copies its fields on every instantiation (most of
    /me's own CPU time); this builds the same body (tests compare the two).
    """
    return {
        "id": id,
        "email": email,
        "full_name": full_name,
        "email_verified": email_verified,
        "date_joined": iso_datetime(date_joined) or "",
    }


@output_of(UserOutput)
def user_public(user: User) -> UserPublic:
    return user_public_from(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        email_verified=user.email_verified,
        date_joined=user.date_joined,
    )


class EmailAddressField(serializers.EmailField):
    """An email address, in its one normalised form (``normalize_email``).

    The length limit and the address check apply to that form: an
    IDNA-encoded domain is longer than its Unicode spelling, and the stored
    column holds 254 characters.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    @override
    def to_internal_value(self, data: Any) -> str:
        return normalize_email(super().to_internal_value(data))


def _check_password(password: str, email: str) -> None:
    try:
        validate_password(password, user=User(email=email))
    except DjangoValidationError as error:
        raise serializers.ValidationError({"password": get_error_detail(error)}) from error


class SignupInput(serializers.Serializer[Any]):
    email = EmailAddressField()
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)

    @override
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_password(attrs["password"], attrs["email"])
        return attrs


class LoginInput(serializers.Serializer[Any]):
    email = EmailAddressField()
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    client_name = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )
    transport = serializers.ChoiceField(
        choices=Transport.choices,
        required=False,
        default=Transport.BEARER,
        help_text="`bearer` (default): the token is in the response, send it as "
        "`Authorization: Bearer <token>`. `cookie` (web apps): the token is set as an "
        "httpOnly session cookie instead, and unsafe requests send `csrf_token` as the "
        "`X-CSRFToken` header.",
    )


class LoginOutput(serializers.Serializer[Any]):
    token = serializers.CharField(
        allow_null=True,
        help_text="Send as `Authorization: Bearer <token>`. Null with the cookie transport "
        "(the token is in the httpOnly cookie).",
    )
    expiry = serializers.DateTimeField(allow_null=True)
    session_id = serializers.UUIDField()
    transport = serializers.ChoiceField(choices=Transport.choices)
    csrf_token = serializers.CharField(
        allow_null=True,
        help_text="With the cookie transport: send as the `X-CSRFToken` header on every "
        "POST, PUT, PATCH and DELETE. Null with the bearer transport (not needed).",
    )
    user = UserOutput()


@output_of(LoginOutput)
def login_public(
    *, token: str | None, session: AuthToken, csrf_token: str | None, user: User
) -> dict[str, Any]:
    """``LoginOutput`` built directly (``token`` None with the cookie transport)."""
    return {
        "token": token,
        "expiry": iso_datetime(session.expiry),
        "session_id": str(session.public_id),
        "transport": str(session.transport),
        "csrf_token": csrf_token,
        "user": user_public(user),
    }


class CsrfOutput(serializers.Serializer[Any]):
    csrf_token = serializers.CharField(
        help_text="The `X-CSRFToken` header value for this session's cookie-authenticated "
        "POST, PUT, PATCH and DELETE requests."
    )


@output_of(CsrfOutput)
def csrf_public(csrf_token: str) -> dict[str, str]:
    """``CsrfOutput`` built directly."""
    return {"csrf_token": csrf_token}


class MeUpdateInput(serializers.Serializer[Any]):
    full_name = serializers.CharField(
        max_length=150, allow_blank=True, validators=[validate_single_line]
    )


class SessionOutput(serializers.Serializer[AuthToken]):
    id = serializers.UUIDField(source="public_id")
    client_name = serializers.CharField()
    user_agent = serializers.CharField()
    ip_address = serializers.IPAddressField(allow_null=True)
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    transport = serializers.ChoiceField(
        choices=Transport.choices,
        help_text="How the session's token is kept: `bearer` (a header) or `cookie`.",
    )
    current = serializers.SerializerMethodField()

    def get_current(self, session: AuthToken) -> bool:
        return bool(session.digest == self.context.get("current_digest"))


@output_of(SessionOutput)
def session_public(session: AuthToken, *, current_digest: str | None) -> dict[str, Any]:
    """``SessionOutput`` built directly (``current``: the request's own session)."""
    return {
        "id": str(session.public_id),
        "client_name": session.client_name,
        "user_agent": session.user_agent,
        "ip_address": session.ip_address,
        "created": iso_datetime(session.created),
        "expiry": iso_datetime(session.expiry),
        "last_used_at": iso_datetime(session.last_used_at),
        "transport": str(session.transport),
        "current": session.digest == current_digest,
    }


class PasswordChangeInput(serializers.Serializer[Any]):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class EmailInput(serializers.Serializer[Any]):
    email = EmailAddressField()


class LinkInput(serializers.Serializer[Any]):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetConfirmInput(LinkInput):
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class DetailOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()


@output_of(DetailOutput)
def detail_public(detail: str) -> dict[str, str]:
    """``DetailOutput`` built directly."""
    return {"detail": detail}
