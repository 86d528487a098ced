"""The accounts API under /api/v1/auth/: parse, call one service or selector, serialize."""

from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.authentication import TokenAuth
from apps.accounts.models import User
from apps.accounts.serializers import (
    DetailOutput,
    EmailInput,
    LinkInput,
    LoginInput,
    LoginOutput,
    MeUpdateInput,
    PasswordChangeInput,
    PasswordResetConfirmInput,
    SessionOutput,
    SignupInput,
    UserOutput,
    user_public,
)
from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.throttling import AsyncScopedRateThrottle
from apps.core.views import AsyncAPIView

TAGS = ["auth"]
USER_EXAMPLE = {
    "id": 42,
    "email": "ada@example.com",
    "full_name": "Ada Lovelace",
    "email_verified": True,
    "date_joined": "2026-01-01T09:00:00Z",
}
ACCEPTED = OpenApiResponse(DetailOutput, description="Accepted; the same answer in every case.")
SESSION_EXAMPLE = {
    "id": "6f1c1d2e-8a53-4a47-9b8e-1f2a3b4c5d6e",
    "client_name": "web",
    "user_agent": "Mozilla/5.0",
    "ip_address": "203.0.113.5",
    "created": "2026-01-01T09:00:00Z",
    "expiry": "2026-01-08T09:00:00Z",
    "last_used_at": "2026-01-01T09:30:00Z",
    "current": True,
}
LINK_EXAMPLE = {"uid": "NDI", "token": "cz9k2f-3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e"}


def accepted_example(detail: str) -> OpenApiExample:
    return OpenApiExample(
        "Accepted", value={"detail": detail}, response_only=True, status_codes=["202"]
    )


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _auth(request: Request) -> TokenAuth:
    auth = request.auth
    assert isinstance(auth, TokenAuth)
    return auth


class PublicView(AsyncAPIView):
    """No authentication at all: a stale token must not block logging in."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AsyncScopedRateThrottle]


class SignupView(PublicView):
    throttle_scope = "signup"

    @extend_schema(
        operation_id="authSignup",
        tags=TAGS,
        request=SignupInput,
        responses={202: ACCEPTED},
        examples=[
            OpenApiExample(
                "Sign up", value={"email": "ada@example.com", "password": "correct horse battery"},
                request_only=True,
            ),
            OpenApiExample(
                "Accepted", value={"detail": "Check your email to confirm your address."},
                response_only=True, status_codes=["202"],
            ),
        ],
        description="Creates an account and emails a verification link. Answers the same "
        "whether or not the email already has an account.",
    )  # fmt: skip
    async def post(self, request: Request) -> Response:
        data = SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.signup)(**data.validated_data)
        return Response(
            {"detail": "Check your email to confirm your address."}, status=status.HTTP_202_ACCEPTED
        )


class LoginView(PublicView):
    throttle_scope = "login"

    @extend_schema(
        operation_id="authLogin",
        tags=TAGS,
        request=LoginInput,
        responses={
            200: LoginOutput,
            401: ErrorResponseSerializer,
            429: ErrorResponseSerializer,
        },
        examples=[
            OpenApiExample(
                "Log in",
                value={
                    "email": "ada@example.com", "password": "correct horse battery",
                    "client_name": "web",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Logged in",
                value={
                    "token": "aa_" + "0" * 64, "expiry": "2026-01-08T09:00:00Z",
                    "session_id": "6f1c1d2e-8a53-4a47-9b8e-1f2a3b4c5d6e", "user": USER_EXAMPLE,
                },
                response_only=True,
            ),
        ],
        description="Exchanges email and password for a token. Repeated failures for the same "
        "email from the same address lock it out for a while (429 with Retry-After).",
    )  # fmt: skip
    async def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, issued = await sync_to_async(services.login)(
            request=request._request, **data.validated_data
        )
        body = {
            "token": issued.token,
            "expiry": issued.session.expiry,
            "session_id": issued.session.public_id,
            "user": UserOutput(user).data,
        }
        return Response(LoginOutput(body).data)


class LogoutView(AsyncAPIView):
    @extend_schema(operation_id="authLogout", tags=TAGS, request=None, responses={204: None})
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.logout)(digest=_auth(request).digest)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(AsyncAPIView):
    @extend_schema(operation_id="authLogoutAll", tags=TAGS, request=None, responses={204: None})
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.logout_all)(user=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(AsyncAPIView):
    @extend_schema(
        operation_id="authMe",
        tags=TAGS,
        responses={200: UserOutput},
        examples=[OpenApiExample("Me", value=USER_EXAMPLE, response_only=True)],
    )
    async def get(self, request: Request) -> Response:
        return Response(user_public(_user(request)))

    @extend_schema(
        operation_id="authMeUpdate",
        tags=TAGS,
        request=MeUpdateInput,
        responses={200: UserOutput},
        examples=[
            OpenApiExample("Rename", value={"full_name": "Ada King"}, request_only=True),
            OpenApiExample(
                "Renamed", value={**USER_EXAMPLE, "full_name": "Ada King"}, response_only=True
            ),
        ],
    )
    async def patch(self, request: Request) -> Response:
        data = MeUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = await sync_to_async(services.profile_update)(
            user=_user(request), **data.validated_data
        )
        return Response(UserOutput(user).data)


class SessionPagination(CursorPagination):
    ordering = ("-created", "-digest")


class SessionListView(AsyncAPIView):
    # Declared so the schema documents the paginated envelope the view answers.
    pagination_class = SessionPagination

    @extend_schema(
        operation_id="authSessionsList",
        tags=TAGS,
        responses={200: SessionOutput(many=True)},
        examples=[
            # One item: drf-spectacular wraps it in the paginated envelope.
            OpenApiExample("Sessions", value=SESSION_EXAMPLE, response_only=True)
        ],
    )
    async def get(self, request: Request) -> Response:
        return await apaginated_response(
            self,
            selectors.session_list_for(user=_user(request)),
            SessionOutput,
            context={"current_digest": _auth(request).digest},
        )


class SessionDetailView(AsyncAPIView):
    @extend_schema(operation_id="authSessionsRevoke", tags=TAGS, responses={204: None})
    async def delete(self, request: Request, session_id: str) -> Response:
        revoked = await sync_to_async(services.session_revoke)(
            user=_user(request), session_id=session_id
        )
        if not revoked:
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(AsyncAPIView):
    @extend_schema(
        operation_id="authPasswordChange",
        tags=TAGS,
        request=PasswordChangeInput,
        responses={204: None},
        examples=[
            OpenApiExample(
                "Change",
                value={"current_password": "old passphrase", "new_password": "new passphrase"},
                request_only=True,
            )
        ],
        description="Changes the password and revokes every other session.",
    )
    async def post(self, request: Request) -> Response:
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_change)(
            user=_user(request), current_digest=_auth(request).digest, **data.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicView):
    throttle_scope = "password_reset"

    @extend_schema(
        operation_id="authPasswordReset",
        tags=TAGS,
        request=EmailInput,
        responses={202: ACCEPTED},
        examples=[
            OpenApiExample("Reset", value={"email": "ada@example.com"}, request_only=True),
            accepted_example("If the address has an account, a reset link is on its way."),
        ],
        description="Emails a single-use, expiring reset link if the email has an account. "
        "Always answers 202.",
    )
    async def post(self, request: Request) -> Response:
        data = EmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_reset_request)(email=data.validated_data["email"])
        return Response(
            {"detail": "If the address has an account, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(PublicView):
    @extend_schema(
        operation_id="authPasswordResetConfirm",
        tags=TAGS,
        request=PasswordResetConfirmInput,
        responses={204: None},
        examples=[
            OpenApiExample(
                "Confirm",
                value={**LINK_EXAMPLE, "new_password": "new passphrase"},
                request_only=True,
            )
        ],
        description="Sets the new password from a reset link and revokes every session.",
    )
    async def post(self, request: Request) -> Response:
        data = PasswordResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_reset_confirm)(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(PublicView):
    @extend_schema(
        operation_id="authEmailVerify",
        tags=TAGS,
        request=LinkInput,
        responses={200: UserOutput},
        examples=[
            OpenApiExample("Verify", value=LINK_EXAMPLE, request_only=True),
            OpenApiExample(
                "Verified", value={**USER_EXAMPLE, "email_verified": True}, response_only=True
            ),
        ],
    )
    async def post(self, request: Request) -> Response:
        data = LinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = await sync_to_async(services.email_verify)(**data.validated_data)
        return Response(UserOutput(user).data)


class EmailVerificationRequestView(AsyncAPIView):
    throttle_classes = [AsyncScopedRateThrottle]
    throttle_scope = "email_verification"

    @extend_schema(
        operation_id="authEmailVerificationRequest",
        tags=TAGS,
        request=None,
        responses={202: ACCEPTED},
        examples=[accepted_example("If the address is unverified, a link is on its way.")],
        description="Emails a new verification link unless the address is already verified.",
    )
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.email_verification_request)(user=_user(request))
        return Response(
            {"detail": "If the address is unverified, a link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )
