"""Public shapes of the workspace API (never a ModelSerializer of everything)."""

from typing import Any

from django.db import models
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.serializers import EmailAddressField
from apps.core.outputs import iso_datetime, output_of
from apps.core.validators import validate_single_line
from apps.workspaces.models import Invitation, Membership, Role


class WorkspaceOutput(serializers.Serializer[Membership]):
    """A workspace as the caller sees it, with the caller's role (built from a membership)."""

    id = serializers.UUIDField(source="workspace.id")
    name = serializers.CharField(source="workspace.name")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The caller's role.")
    created_at = serializers.DateTimeField(source="workspace.created_at")
    updated_at = serializers.DateTimeField(source="workspace.updated_at")


@output_of(WorkspaceOutput)
def workspace_public(membership: Membership) -> dict[str, Any]:
    """``WorkspaceOutput`` built directly (select the membership's workspace)."""
    workspace = membership.workspace
    return {
        "id": str(workspace.id),
        "name": workspace.name,
        "role": membership.role,
        "created_at": iso_datetime(workspace.created_at),
        "updated_at": iso_datetime(workspace.updated_at),
    }


class WorkspaceInput(serializers.Serializer[Any]):
    name = serializers.CharField(
        max_length=100, trim_whitespace=True, validators=[validate_single_line]
    )


class WorkspaceUpdateInput(serializers.Serializer[Any]):
    """PATCH: only what is given changes."""

    name = serializers.CharField(
        max_length=100, trim_whitespace=True, required=False, validators=[validate_single_line]
    )


class MemberOutput(serializers.Serializer[Membership]):
    user_id = serializers.IntegerField()
    email = serializers.EmailField(source="user.email")
    full_name = serializers.CharField(source="user.full_name")
    role = serializers.ChoiceField(choices=Role.choices)
    joined_at = serializers.DateTimeField(source="created_at")


@output_of(MemberOutput)
def member_public(membership: Membership) -> dict[str, Any]:
    """``MemberOutput`` built directly (select the membership's user)."""
    return {
        "user_id": membership.user_id,
        "email": membership.user.email,
        "full_name": membership.user.full_name,
        "role": membership.role,
        "joined_at": iso_datetime(membership.created_at),
    }


class MemberRoleInput(serializers.Serializer[Any]):
    """PATCH: without ``role`` nothing changes."""

    role = serializers.ChoiceField(choices=Role.choices, required=False)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


def invitation_status(invitation: Invitation) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


class InvitationOutput(serializers.Serializer[Invitation]):
    id = serializers.UUIDField()
    workspace_id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.SerializerMethodField()
    invited_by_id = serializers.IntegerField(allow_null=True)
    expires_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=InvitationStatus.choices))
    def get_status(self, invitation: Invitation) -> str:
        return invitation_status(invitation)


@output_of(InvitationOutput)
def invitation_public(invitation: Invitation) -> dict[str, Any]:
    """``InvitationOutput`` built directly."""
    return {
        "id": str(invitation.id),
        "workspace_id": str(invitation.workspace_id),
        "email": invitation.email,
        "role": invitation.role,
        "status": invitation_status(invitation).value,
        "invited_by_id": invitation.invited_by_id,
        "expires_at": iso_datetime(invitation.expires_at),
        "accepted_at": iso_datetime(invitation.accepted_at),
        "revoked_at": iso_datetime(invitation.revoked_at),
        "created_at": iso_datetime(invitation.created_at),
    }


class InvitationInput(serializers.Serializer[Any]):
    email = EmailAddressField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class InvitationAcceptInput(serializers.Serializer[Any]):
    token = serializers.CharField(max_length=200, trim_whitespace=True)
