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
    summary="Create an account (always 202; emails a verification link)",
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
    summary="Log in: a bearer token, or a cookie session for web apps",
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
    summary="The CSRF token of the current cookie session",
    tags=TAGS,
    responses={200: CsrfOutput},
    examples=[response_example("CSRF token", {"csrf_token": CSRF_EXAMPLE})],
    description="The `X-CSRFToken` value of the current session, for a web app that kept "
    "its cookie session but lost the value (a reload). Only allowed origins can read it.",
)

auth_logout = extend_schema(
    operation_id="authLogout",
    summary="End this session",
    description="Revokes the session this request authenticated with, on every server at "
    "once. A cookie session's cookie is cleared too.",
    tags=TAGS,
    request=None,
    responses={204: None},
)

auth_logout_all = extend_schema(
    operation_id="authLogoutAll",
    summary="End every session of the caller",
    description="Revokes all of the caller's sessions (every device, this one included), on "
    "every server at once. A cookie session's cookie is cleared too.",
    tags=TAGS,
    request=None,
    responses={204: None},
)

auth_me = extend_schema(
    operation_id="authMe",
    summary="The logged-in user",
    description="The caller's public profile. Served from the token cache: no database query "
    "when the session is cached.",
    tags=TAGS,
    responses={200: UserOutput},
    examples=[response_example("Me", USER_EXAMPLE)],
)

auth_me_update = extend_schema(
    operation_id="authMeUpdate",
    summary="Update the logged-in user's profile",
    description="Changes `full_name` (the only editable field; an empty body changes nothing).",
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
    summary="The caller's live sessions, newest first",
    description="One entry per unexpired session: client name, user agent, IP, created, "
    "expiry, last used, how its token travels (`transport`) and whether it is the"
    " one making this request (`current`).",
    tags=TAGS,
    responses={200: SessionOutput(many=True)},
    # One item: drf-spectacular wraps it in the paginated envelope.
    examples=[response_example("Sessions", SESSION_EXAMPLE)],
)

auth_sessions_revoke = extend_schema(
    operation_id="authSessionsRevoke",
    summary="Revoke one of the caller's sessions",
    description="The session's token is refused at once everywhere. Another user's session id"
    " answers 404. Revoking the current cookie session also clears its cookie.",
    tags=TAGS,
    responses={204: None},
)

auth_password_change = extend_schema(
    operation_id="authPasswordChange",
    summary="Change the password (other sessions end)",
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
    summary="Ask for a password reset link (always 202)",
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
    summary="Set a new password from a reset link",
    tags=TAGS,
    request=PasswordResetConfirmInput,
    responses={204: None},
    examples=[request_example("Confirm", {**LINK_EXAMPLE, "new_password": "new passphrase"})],
    description="Sets the new password from a reset link and revokes every session.",
)

auth_email_verify = extend_schema(
    operation_id="authEmailVerify",
    summary="Confirm an email address from its verification link",
    description="Marks the address of the link's user verified; the link then stops working. "
    "A used, expired or forged link answers 400.",
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
    summary="Ask for a new email verification link",
    tags=TAGS,
    request=None,
    responses={202: ACCEPTED},
    examples=[response_example("Accepted", {"detail": VERIFICATION_ACCEPTED}, "202")],
    description="Emails a new verification link unless the address is already verified.",
)
