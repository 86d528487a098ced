"""The invitation email, sent through ``apps.notifications.email.send_email``."""

from apps.notifications.email import frontend_link, send_email
from apps.workspaces.models import Invitation


def send_invitation_email(*, invitation: Invitation, token: str, inviter_name: str) -> None:
    """Queue the invitation email; call it inside the transaction creating the invitation."""
    link = frontend_link("/invitations/accept", token=token)
    body = (
        f'{inviter_name} invited you to the workspace "{invitation.workspace.name}" '
        f"as {invitation.role}.\n\nLog in with this email address and open this link to "
        f"accept (it works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC):"
        f"\n\n{link}\n"
    )
    send_email(
        to=invitation.email, subject=f"You are invited to {invitation.workspace.name}", body=body
    )
