"""Benchmark twins of the authenticated hot path.

``BenchUserView`` is an unauthenticated ``AsyncAPIView`` returning the same
JSON shape as ``GET /api/v1/auth/me`` for a fixed seeded user, read through
the async psycopg pool. The load test runner compares the real endpoint to it
(and to a bare ASGI app, ``loadtests.bare_asgi``) side by side.
"""

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.db import get_pool
from apps.core.views import AsyncAPIView

BENCH_USER_EMAIL = "bench@example.com"

_USER_SQL = (
    "SELECT id, email, full_name, email_verified, date_joined "
    "FROM accounts_user WHERE email = %s AND is_active"
)


class BenchUserOutput(serializers.Serializer[dict[str, Any]]):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    email_verified = serializers.BooleanField()
    date_joined = serializers.DateTimeField()


async def get_bench_user() -> dict[str, Any] | None:
    """The seeded benchmark user as a dict, read through the async pool (no thread hop)."""
    pool = await get_pool()
    async with pool.connection() as connection:
        cursor = await connection.execute(_USER_SQL, (BENCH_USER_EMAIL,))
        row = await cursor.fetchone()
    if row is None:
        return None
    user_id, email, full_name, email_verified, date_joined = row
    assert isinstance(date_joined, datetime)
    return {
        "id": user_id,
        "email": email,
        "full_name": full_name,
        "email_verified": email_verified,
        "date_joined": date_joined,
    }


class BenchUserView(AsyncAPIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(exclude=True)
    async def get(self, request: Request) -> Response:
        user = await get_bench_user()
        if user is None:
            raise NotFound("The benchmark user is not seeded.")
        return Response(BenchUserOutput(user).data)
