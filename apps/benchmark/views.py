"""Benchmark twins of the authenticated hot path ``GET /api/v1/auth/me``.

- ``BenchUserView``: the unauthenticated twin. An ``AsyncAPIView`` with no
  authentication, permissions or throttles that answers the same JSON for a
  fixed seeded user, read through the async psycopg pool: what /me costs
  without authentication (the same body, built the same way).
- ``StockKnoxMeView``: the same endpoint the way adrf + knox give it out of the
  box: adrf's ``APIView`` (its checks run in a thread) with knox's stock
  ``TokenAuthentication`` (three queries per request, no cache), on the same
  users and tokens.

The load test runner compares /me to both (and to a bare ASGI app and a
FastAPI app) side by side. Routed only when ``BENCHMARK_ENDPOINTS`` is on.
"""

from datetime import datetime

from adrf.views import APIView
from drf_spectacular.utils import extend_schema
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.accounts.serializers import UserOutput, UserPublic, user_public_from
from apps.core.db import get_pool
from apps.core.errors import NotFound
from apps.core.views import AsyncAPIView

BENCH_USER_EMAIL = "bench@example.com"

_USER_SQL = (
    "SELECT id, email, full_name, email_verified, date_joined "
    "FROM accounts_user WHERE email = %s AND is_active"
)


async def get_bench_user() -> UserPublic | None:
    """The seeded benchmark user's public fields, read through the async pool (no thread hop)."""
    pool = await get_pool()
    async with pool.connection() as connection:
        cursor = await connection.execute(_USER_SQL, (BENCH_USER_EMAIL,))
        row = await cursor.fetchone()
    if row is None:
        return None
    user_id, email, full_name, email_verified, date_joined = row
    assert isinstance(date_joined, datetime)
    return user_public_from(
        id=int(str(user_id)),
        email=str(email),
        full_name=str(full_name),
        email_verified=bool(email_verified),
        date_joined=date_joined,
    )


class BenchUserView(AsyncAPIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(exclude=True)
    async def get(self, request: Request) -> Response:
        user = await get_bench_user()
        if user is None:
            raise NotFound("The benchmark user is not seeded.")
        return Response(user)


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
