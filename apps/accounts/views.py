"""The accounts API under /api/v1/auth/: parse, call one service or selector, serialize.

OpenAPI decoration: ``apps.accounts.openapi``.
"""

from functools import partial

from asgiref.sync import sync_to_async
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts import openapi, selectors, services
from apps.accounts.authentication import TokenAuth
from apps.accounts.cookies import csrf_token_for, delete_session_cookie, set_session_cookie
from apps.accounts.models import Transport
from apps.accounts.serializers import (
    EmailInput,
    LinkInput,
    LoginInput,
    MeUpdateInput,
    PasswordChangeInput,
    PasswordResetConfirmInput,
    SignupInput,
    csrf_public,
    detail_public,
    login_public,
    session_public,
    user_public,
)
from apps.core.errors import NotFound
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.core.throttling import AsyncScopedRateThrottle, AsyncUserRateThrottle
from apps.core.views import AsyncAPIView


def _auth(request: Request) -> TokenAuth:
    auth = request.auth
    assert isinstance(auth, TokenAuth)
    return auth


def _ended(request: Request) -> Response:
    """204 for a request whose own session just ended: a cookie session's cookie goes too."""
    response = Response(status=status.HTTP_204_NO_CONTENT)
    if _auth(request).transport is Transport.COOKIE:
        delete_session_cookie(response)
    return response


class PublicView(AsyncAPIView):
    """No authentication at all: a stale token must not block logging in."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AsyncScopedRateThrottle]


class SignupView(PublicView):
    throttle_scope = "signup"

    @openapi.auth_signup
    async def post(self, request: Request) -> Response:
        data = SignupInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.signup)(**data.validated_data)
        return Response(detail_public(openapi.SIGNUP_ACCEPTED), status=status.HTTP_202_ACCEPTED)


class LoginView(PublicView):
    throttle_scope = "login"

    @openapi.auth_login
    async def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, issued = await sync_to_async(services.login)(
            request=request._request, **data.validated_data
        )
        session = issued.session
        cookie = session.transport == Transport.COOKIE
        body = login_public(
            token=None if cookie else issued.token,
            session=session,
            csrf_token=csrf_token_for(session.digest) if cookie else None,
            user=user,
        )
        response = Response(body)
        if cookie:
            set_session_cookie(
                response, token=issued.token, created=session.created, expiry=session.expiry
            )
        return response


class LogoutView(AsyncAPIView):
    @openapi.auth_logout
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.logout)(digest=_auth(request).digest)
        return _ended(request)


class LogoutAllView(AsyncAPIView):
    @openapi.auth_logout_all
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.logout_all)(user=request_user(request))
        return _ended(request)


class MeView(AsyncAPIView):
    @openapi.auth_me
    async def get(self, request: Request) -> Response:
        return Response(user_public(request_user(request)))

    @openapi.auth_me_update
    async def patch(self, request: Request) -> Response:
        data = MeUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = await sync_to_async(services.profile_update)(
            user=request_user(request), **data.validated_data
        )
        return Response(user_public(user))


class SessionPagination(CursorPagination):
    ordering = ("-created", "-digest")


class SessionListView(AsyncAPIView):
    # Declared so the schema documents the paginated envelope the view answers.
    pagination_class = SessionPagination

    @openapi.auth_sessions_list
    async def get(self, request: Request) -> Response:
        return await apaginated_response(
            self,
            selectors.session_list_for(user=request_user(request)),
            partial(session_public, current_digest=_auth(request).digest),
        )


class SessionDetailView(AsyncAPIView):
    @openapi.auth_sessions_revoke
    async def delete(self, request: Request, session_id: str) -> Response:
        revoked = await sync_to_async(services.session_revoke)(
            user=request_user(request), session_id=session_id
        )
        if not revoked:
            raise NotFound()
        if str(session_id) == _auth(request).token_id:
            return _ended(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CsrfView(AsyncAPIView):
    @openapi.auth_csrf
    async def get(self, request: Request) -> Response:
        return Response(csrf_public(csrf_token_for(_auth(request).digest)))


class PasswordChangeView(AsyncAPIView):
    # Each guess costs a password hash: limited per user and per IP.
    throttle_classes = [AsyncScopedRateThrottle, AsyncUserRateThrottle]
    throttle_scope = "password_change"

    @openapi.auth_password_change
    async def post(self, request: Request) -> Response:
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_change)(
            request=request._request,
            user=request_user(request),
            current_digest=_auth(request).digest,
            **data.validated_data,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicView):
    throttle_scope = "password_reset"

    @openapi.auth_password_reset
    async def post(self, request: Request) -> Response:
        data = EmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_reset_request)(email=data.validated_data["email"])
        return Response(detail_public(openapi.RESET_LINK_ACCEPTED), status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicView):
    throttle_scope = "account_link"

    @openapi.auth_password_reset_confirm
    async def post(self, request: Request) -> Response:
        data = PasswordResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        await sync_to_async(services.password_reset_confirm)(**data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailVerifyView(PublicView):
    throttle_scope = "account_link"

    @openapi.auth_email_verify
    async def post(self, request: Request) -> Response:
        data = LinkInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = await sync_to_async(services.email_verify)(**data.validated_data)
        return Response(user_public(user))


class EmailVerificationRequestView(AsyncAPIView):
    throttle_classes = [AsyncScopedRateThrottle, AsyncUserRateThrottle]
    throttle_scope = "email_verification"

    @openapi.auth_email_verification_request
    async def post(self, request: Request) -> Response:
        await sync_to_async(services.email_verification_request)(user=request_user(request))
        return Response(
            detail_public(openapi.VERIFICATION_ACCEPTED), status=status.HTTP_202_ACCEPTED
        )
