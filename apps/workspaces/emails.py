"""The invitation email, sent through ``apps.notifications.email.send_email``."""

from apps.core.text import header_safe
from apps.notifications.email import frontend_link, send_email
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
    send_email(to=invitation.email, subject=f"You are invited to {workspace_name}", body=body)
