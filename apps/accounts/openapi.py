"""OpenAPI decoration of the accounts API (``apps.accounts.views``): one per operation."""

from drf_spectacular.utils import OpenApiResponse, extend_schema

from apps.accounts.serializers import (
    CsrfOutput,
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
)
from apps.core.openapi import ErrorResponseSerializer, request_example, response_example

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
    "transport": "cookie",
    "current": True,
}
CSRF_EXAMPLE = "3f0c9a1e" * 8
LINK_EXAMPLE = {"uid": "NDI", "token": "cz9k2f-3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e"}

SIGNUP_ACCEPTED = "Check your email to confirm your address."
RESET_LINK_ACCEPTED = "If the address has an account, a reset link is on its way."
VERIFICATION_ACCEPTED = "If the address is unverified, a link is on its way."


auth_signup = extend_schema(
    operation_id="authSignup",
    tags=TAGS,
    request=SignupInput,
    responses={202: ACCEPTED},
    examples=[
        request_example(
            "Sign up", {"email": "ada@example.com", "password": "correct horse battery"}
        ),
        response_example("Accepted", {"detail": SIGNUP_ACCEPTED}, "202"),
    ],
    description="Creates an account and emails a verification link. Answers the same "
    "whether or not the email already has an account.",
)

auth_login = extend_schema(
    operation_id="authLogin",
    tags=TAGS,
    request=LoginInput,
    responses={
        200: LoginOutput,
        401: ErrorResponseSerializer,
        429: ErrorResponseSerializer,
    },
    examples=[
        request_example(
            "Log in (bearer token)",
            {"email": "ada@example.com", "password": "correct horse battery", "client_name": "ios"},
        ),
        request_example(
            "Log in (cookie session, web apps)",
            {
                "email": "ada@example.com",
                "password": "correct horse battery",
                "transport": "cookie",
            },
        ),
        response_example(
            "Logged in (bearer token)",
            {
                "token": "aa_" + "0" * 64,
                "expiry": "2026-01-08T09:00:00Z",
                "session_id": "6f1c1d2e-8a53-4a47-9b8e-1f2a3b4c5d6e",
                "transport": "bearer",
                "csrf_token": None,
                "user": USER_EXAMPLE,
            },
        ),
        response_example(
            "Logged in (cookie session, web apps)",
            {
                "token": None,
                "expiry": "2026-01-08T09:00:00Z",
                "session_id": "6f1c1d2e-8a53-4a47-9b8e-1f2a3b4c5d6e",
                "transport": "cookie",
                "csrf_token": CSRF_EXAMPLE,
                "user": USER_EXAMPLE,
            },
        ),
    ],
    description="Exchanges email and password for a session. With the default `bearer` "
    "transport the token is in the response body; with `cookie` (web apps) it is set as an "
    "httpOnly, Secure, SameSite=Lax cookie instead and the body carries the `csrf_token` "
    "that unsafe requests send as `X-CSRFToken`. Either way it is the same kind of session: "
    "every endpoint accepts both. Repeated failures for the same email from the same "
    "address lock it out for a while (429 with Retry-After).",
)

auth_csrf = extend_schema(
    operation_id="authCsrf",
    tags=TAGS,
    responses={200: CsrfOutput},
    examples=[response_example("CSRF token", {"csrf_token": CSRF_EXAMPLE})],
    description="The `X-CSRFToken` value of the current session, for a web app that kept "
    "its cookie session but lost the value (a reload). Only allowed origins can read it.",
)

auth_logout = extend_schema(
    operation_id="authLogout", tags=TAGS, request=None, responses={204: None}
)

auth_logout_all = extend_schema(
    operation_id="authLogoutAll", tags=TAGS, request=None, responses={204: None}
)

auth_me = extend_schema(
    operation_id="authMe",
    tags=TAGS,
    responses={200: UserOutput},
    examples=[response_example("Me", USER_EXAMPLE)],
)

auth_me_update = extend_schema(
    operation_id="authMeUpdate",
    tags=TAGS,
    request=MeUpdateInput,
    responses={200: UserOutput},
    examples=[
        request_example("Rename", {"full_name": "Ada King"}),
        response_example("Renamed", {**USER_EXAMPLE, "full_name": "Ada King"}),
    ],
)

auth_sessions_list = extend_schema(
    operation_id="authSessionsList",
    tags=TAGS,
    responses={200: SessionOutput(many=True)},
    # One item: drf-spectacular wraps it in the paginated envelope.
    examples=[response_example("Sessions", SESSION_EXAMPLE)],
)

auth_sessions_revoke = extend_schema(
    operation_id="authSessionsRevoke", tags=TAGS, responses={204: None}
)

auth_password_change = extend_schema(
    operation_id="authPasswordChange",
    tags=TAGS,
    request=PasswordChangeInput,
    responses={204: None},
    examples=[
        request_example(
            "Change", {"current_password": "old passphrase", "new_password": "new passphrase"}
        )
    ],
    description="Changes the password and revokes every other session.",
)

auth_password_reset = extend_schema(
    operation_id="authPasswordReset",
    tags=TAGS,
    request=EmailInput,
    responses={202: ACCEPTED},
    examples=[
        request_example("Reset", {"email": "ada@example.com"}),
        response_example("Accepted", {"detail": RESET_LINK_ACCEPTED}, "202"),
    ],
    description="Emails a single-use, expiring reset link if the email has an account. "
    "Always answers 202.",
)

auth_password_reset_confirm = extend_schema(
    operation_id="authPasswordResetConfirm",
    tags=TAGS,
    request=PasswordResetConfirmInput,
    responses={204: None},
    examples=[request_example("Confirm", {**LINK_EXAMPLE, "new_password": "new passphrase"})],
    description="Sets the new password from a reset link and revokes every session.",
)

auth_email_verify = extend_schema(
    operation_id="authEmailVerify",
    tags=TAGS,
    request=LinkInput,
    responses={200: UserOutput},
    examples=[
        request_example("Verify", LINK_EXAMPLE),
        response_example("Verified", {**USER_EXAMPLE, "email_verified": True}),
    ],
)

auth_email_verification_request = extend_schema(
    operation_id="authEmailVerificationRequest",
    tags=TAGS,
    request=None,
    responses={202: ACCEPTED},
    examples=[response_example("Accepted", {"detail": VERIFICATION_ACCEPTED}, "202")],
    description="Emails a new verification link unless the address is already verified.",
)
