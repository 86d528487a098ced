"""Typed access to what authentication put on a request, for every app's views."""

from functools import cache
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from rest_framework.request import Request

if TYPE_CHECKING:  # core does not import the accounts app at runtime
    from apps.accounts.models import User

_user_model = cache(get_user_model)


def request_user(request: Request) -> "User":
    """The authenticated caller of a view behind ``IsAuthenticated`` (the default)."""
    user = request.user
    assert isinstance(user, _user_model()), "request_user() needs an authenticated view"
    return user
