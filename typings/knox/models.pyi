# Minimal stubs for django-rest-knox (ships no type information): only what we use.
from datetime import datetime, timedelta
from typing import Any, ClassVar, override

from django.db import models

class AuthTokenManager(models.Manager[Any]):
    @override
    def create(  # type: ignore[override]
        self, user: Any, expiry: timedelta | None = ..., prefix: str | None = ..., **kwargs: Any
    ) -> tuple[Any, str]: ...

class AbstractAuthToken(models.Model):
    objects: ClassVar[AuthTokenManager]
    digest: models.CharField[str, str]
    token_key: models.CharField[str, str]
    user: models.ForeignKey[Any, Any]
    user_id: int
    created: models.DateTimeField[datetime, datetime]
    expiry: models.DateTimeField[datetime | None, datetime | None]

def get_token_model() -> type[AbstractAuthToken]: ...
def get_digest_token(prefix: str | None = ...) -> tuple[str, str]: ...
