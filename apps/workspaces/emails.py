"""The invitation email, sent as a simple (native) ``email.send`` job."""

from apps.accounts.emails import frontend_link
from apps.core.text import header_safe
from apps.jobs.services import dispatch
from apps.workspaces.models import Invitation


def send_invitation_email(*, invitation: Invitation, token: str, inviter_name: str) -> None:
    """Queue the invitation email; call it inside the transaction creating the invitation."""
    link = frontend_link("/invitations/accept", token=token)
    # Names are the inviter's input: one line each, in the body as in the subject.
    inviter_name, workspace_name = header_safe(inviter_name), header_safe(invitation.workspace.name)
    body = (
        f'{inviter_name} invited you to the workspace "{workspace_name}" '
        f"as {invitation.role}.\n\nLog in with this email address and open this link to "
        f"accept (it works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC):"
        f"\n\n{link}\n"
    )
    dispatch(
        "email.send",
        kwargs={
            "to": [invitation.email],
            "subject": header_safe(f"You are invited to {invitation.workspace.name}"),
            "body": body,
        },
    )
