"""Public input and output shapes of the accounts API."""

from datetime import datetime
from typing import Any, TypedDict, override

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from apps.accounts.models import AuthToken, User, normalize_email
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


_DATETIME = serializers.DateTimeField()


def user_public_from(
    *, id: int, email: str, full_name: str, email_verified: bool, date_joined: datetime
) -> UserPublic:
    """``UserOutput(user).data`` built directly, for the hot path.

    A DRF serializer deep-copies its fields on every instantiation (most of
    /me's own CPU time); this builds the same body, formatting the date with
    DRF's own field so it stays identical (tests compare the two).
    """
    return {
        "id": id,
        "email": email,
        "full_name": full_name,
        "email_verified": email_verified,
        "date_joined": _DATETIME.to_representation(date_joined),
    }


def user_public(user: User) -> UserPublic:
    return user_public_from(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        email_verified=user.email_verified,
        date_joined=user.date_joined,
    )


def _check_password(password: str, email: str) -> None:
    try:
        validate_password(password, user=User(email=email))
    except DjangoValidationError as error:
        raise serializers.ValidationError({"password": get_error_detail(error)}) from error


class SignupInput(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)

    @override
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["email"] = normalize_email(attrs["email"])
        _check_password(attrs["password"], attrs["email"])
        return attrs


class LoginInput(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    client_name = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )


class LoginOutput(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    expiry = serializers.DateTimeField(allow_null=True)
    session_id = serializers.UUIDField()
    user = UserOutput()


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
    current = serializers.SerializerMethodField()

    def get_current(self, session: AuthToken) -> bool:
        return bool(session.digest == self.context.get("current_digest"))


class PasswordChangeInput(serializers.Serializer[Any]):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class EmailInput(serializers.Serializer[Any]):
    email = serializers.EmailField(max_length=254)


class LinkInput(serializers.Serializer[Any]):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetConfirmInput(LinkInput):
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class DetailOutput(serializers.Serializer[Any]):
    detail = serializers.CharField()
