from typing import Any

from rest_framework.request import Request

class AsyncRequest(Request):
    _authenticator: Any
    def _not_authenticated(self) -> None: ...
