"""Account emails: one function, so how they are sent changes in one place."""

from django.conf import settings

from apps.jobs.api import dispatch

SUBJECTS = {
    "verify_email": "Confirm your email address",
    "account_exists": "Someone tried to sign up with your email",
    "password_reset": "Reset your password",
}

BODIES = {
    "verify_email": "Confirm your email address by opening this link:\n\n{link}\n",
    "account_exists": (
        "Someone (maybe you) tried to create an account with this email address, "
        "which already has one. If it was you, log in or reset your password:\n\n{link}\n"
    ),
    "password_reset": (
        "Reset your password by opening this link (it works once and expires soon):\n\n{link}\n"
        "If you did not ask for this, ignore this email.\n"
    ),
}


def send_account_email(*, kind: str, to: str, link: str) -> None:
    """Queue one account email as a simple (native) ``email.send`` job.

    Call it inside the transaction that makes the email necessary: a rollback
    sends nothing. The job has no owner: it is the system's, not the user's.
    """
    dispatch(
        "email.send",
        kwargs={"to": [to], "subject": SUBJECTS[kind], "body": BODIES[kind].format(link=link)},
    )


def frontend_link(path: str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{settings.FRONTEND_URL}{path}" + (f"?{query}" if query else "")
