"""Benchmark twins of the authenticated hot path ``GET /api/v1/auth/me``.

- ``BenchUserView``: the unauthenticated twin. An ``AsyncAPIView`` with no
  authentication, permissions or throttles that answers the same JSON for a
  fixed seeded user, read through the async psycopg pool: what /me costs
  without authentication.
- ``StockKnoxMeView``: the same endpoint the way adrf + knox give it out of the
  box: adrf's ``APIView`` (its checks run in a thread) with knox's stock
  ``TokenAuthentication`` (three queries per request, no cache), on the same
  users and tokens.

The load test runner compares /me to both (and to a bare ASGI app and a
FastAPI app) side by side. Routed only when ``BENCHMARK_ENDPOINTS`` is on.
"""

from datetime import datetime
from typing import Any

from adrf.views import APIView
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.serializers import UserOutput
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


class StockKnoxMeView(APIView):
    """/me on stock adrf + knox: the baseline the cached authenticator is measured against."""

    authentication_classes = (KnoxTokenAuthentication,)
    permission_classes = (IsAuthenticated,)
    throttle_classes = ()

    @extend_schema(exclude=True)
    async def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        return Response(UserOutput(user).data)
