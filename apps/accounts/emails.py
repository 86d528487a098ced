"""Account emails: their texts, sent through ``apps.notifications.email.send_email``."""

from apps.notifications.email import send_email

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
    """Queue one account email (see ``send_email``: call it inside the
    transaction that makes the email necessary)."""
    send_email(to=to, subject=SUBJECTS[kind], body=BODIES[kind].format(link=link))
