"""OpenAPI decoration of the workspace API (``apps.workspaces.views``): one per operation."""

from drf_spectacular.utils import extend_schema

from apps.core.openapi import (
    create_parameters,
    create_responses,
    error_response,
    request_example,
    response_example,
)
from apps.workspaces.serializers import (
    InvitationAcceptInput,
    InvitationInput,
    InvitationOutput,
    MemberOutput,
    MemberRoleInput,
    WorkspaceInput,
    WorkspaceOutput,
    WorkspaceUpdateInput,
)

WORKSPACE_TAGS = ["workspaces"]
MEMBER_TAGS = ["members"]
INVITATION_TAGS = ["invitations"]

WORKSPACE_EXAMPLE = {
    "id": "3d3c2a8e-5b7f-4f1e-9a55-2b1c0d9e8f7a",
    "name": "Analytical Engines",
    "role": "owner",
    "created_at": "2026-01-01T09:00:00Z",
    "updated_at": "2026-01-01T09:00:00Z",
}
MEMBER_EXAMPLE = {
    "user_id": 42,
    "email": "ada@example.com",
    "full_name": "Ada Lovelace",
    "role": "admin",
    "joined_at": "2026-01-02T09:00:00Z",
}
INVITATION_EXAMPLE = {
    "id": "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b",
    "workspace_id": WORKSPACE_EXAMPLE["id"],
    "email": "charles@example.com",
    "role": "member",
    "status": "pending",
    "invited_by_id": 42,
    "expires_at": "2026-01-08T09:00:00Z",
    "accepted_at": None,
    "revoked_at": None,
    "created_at": "2026-01-01T09:00:00Z",
}
LAST_OWNER = error_response("The last owner would be lost.")

workspaces_list = extend_schema(
    operation_id="workspacesList",
    description="Each workspace with the caller's role in it, cursor-paginated.",
    summary="The workspaces the caller belongs to, newest membership first",
    tags=WORKSPACE_TAGS,
    responses={200: WorkspaceOutput(many=True)},
    examples=[response_example("My workspaces", WORKSPACE_EXAMPLE)],
)

workspaces_create = extend_schema(
    operation_id="workspacesCreate",
    description="The response is the new workspace with the caller's role (`owner`); "
    "`Location` is its path. Send `Idempotency-Key` to make retries safe.",
    summary="Create a workspace; the caller becomes its owner",
    tags=WORKSPACE_TAGS,
    request=WorkspaceInput,
    responses=create_responses({201: WorkspaceOutput}),
    parameters=create_parameters(),
    examples=[
        request_example("Create", {"name": "Analytical Engines"}),
        response_example("Created", WORKSPACE_EXAMPLE, "201"),
    ],
)

workspaces_retrieve = extend_schema(
    operation_id="workspacesRetrieve",
    description="The workspace with the caller's role in it. A workspace the caller is not a "
    "member of answers 404, whether or not it exists.",
    summary="One of the caller's workspaces",
    tags=WORKSPACE_TAGS,
    responses={200: WorkspaceOutput},
    examples=[response_example("Workspace", WORKSPACE_EXAMPLE)],
)

workspaces_rename = extend_schema(
    operation_id="workspacesRename",
    description="Members get 403; non-members 404.",
    summary="Rename a workspace (admins and owners)",
    tags=WORKSPACE_TAGS,
    request=WorkspaceUpdateInput,
    responses={200: WorkspaceOutput},
    examples=[
        request_example("Rename", {"name": "Difference Engines"}),
        response_example("Renamed", {**WORKSPACE_EXAMPLE, "name": "Difference Engines"}),
    ],
)

workspaces_delete = extend_schema(
    operation_id="workspacesDelete",
    description="Deletes its documents, members, invitations, webhooks and exports with it. "
    "Admins and members get 403.",
    summary="Delete a workspace and everything in it (owners only)",
    tags=WORKSPACE_TAGS,
    responses={204: None},
)

members_list = extend_schema(
    operation_id="membersList",
    description="Every member with their role, cursor-paginated. Any member may list them.",
    summary="The workspace's members, oldest first",
    tags=MEMBER_TAGS,
    responses={200: MemberOutput(many=True)},
    examples=[response_example("Members", MEMBER_EXAMPLE)],
)

members_update_role = extend_schema(
    operation_id="membersUpdateRole",
    summary="Change a member's role",
    description="Admins change members and admins; only owners make or unmake owners. "
    "Demoting the last owner answers 409.",
    tags=MEMBER_TAGS,
    request=MemberRoleInput,
    responses={200: MemberOutput, 409: LAST_OWNER},
    examples=[
        request_example("Make admin", {"role": "admin"}),
        response_example("Updated", MEMBER_EXAMPLE),
    ],
)

members_remove = extend_schema(
    operation_id="membersRemove",
    summary="Remove a member, or leave the workspace (your own user id)",
    description="Admins remove members and admins; only owners remove owners; anyone may "
    "leave. The last owner cannot leave or be removed (409).",
    tags=MEMBER_TAGS,
    responses={204: None, 409: LAST_OWNER},
)

invitations_list = extend_schema(
    operation_id="invitationsList",
    description="Pending, accepted, revoked and expired invitations. Members get 403.",
    summary="The workspace's invitations in every state, newest first (admins)",
    tags=INVITATION_TAGS,
    responses={200: InvitationOutput(many=True)},
    examples=[response_example("Invitations", INVITATION_EXAMPLE)],
)

invitations_create = extend_schema(
    operation_id="invitationsCreate",
    summary="Invite an email address (admins; owners to invite owners)",
    description="Emails a single-use link that expires after INVITATION_TTL. Inviting "
    "the same address again revokes the earlier link. An address that already belongs "
    "to a member answers 409. The inviter's own email must be verified (403 "
    "`email_not_verified`); invitations are rate-limited per inviter and per workspace "
    "(429 with Retry-After).",
    tags=INVITATION_TAGS,
    request=InvitationInput,
    responses=create_responses(
        {
            201: InvitationOutput,
            409: error_response(
                "Already a member, or a request with this Idempotency-Key is still running."
            ),
        }
    ),
    parameters=create_parameters(),
    examples=[
        request_example("Invite", {"email": "charles@example.com", "role": "member"}),
        response_example("Invited", INVITATION_EXAMPLE, "201"),
    ],
)

invitations_retrieve = extend_schema(
    operation_id="invitationsRetrieve",
    summary="One invitation of the workspace, in any state (admins)",
    description="What `invitationsCreate` answered, as it stands now: `pending`, `accepted`, "
    "`revoked` or `expired`. The `Location` of a created invitation points here.",
    tags=INVITATION_TAGS,
    responses={200: InvitationOutput},
    examples=[response_example("Invitation", INVITATION_EXAMPLE)],
)

invitations_revoke = extend_schema(
    operation_id="invitationsRevoke",
    description="The link stops working at once. Revoking an invitation that is no longer "
    "pending changes nothing.",
    summary="Revoke a pending invitation (admins)",
    tags=INVITATION_TAGS,
    responses={204: None},
)

invitations_accept = extend_schema(
    operation_id="invitationsAccept",
    summary="Accept an invitation with the token from its email",
    description="The caller's email must be the invited address (403 otherwise). A used, "
    "revoked or expired token answers 400.",
    tags=INVITATION_TAGS,
    request=InvitationAcceptInput,
    responses={200: WorkspaceOutput, 403: error_response("Sent to another email address.")},
    examples=[
        request_example("Accept", {"token": "k3Jd9sQ2x0Vb7nLm4pR8tYw1zA6cE5fG2hJ0uI9oP3s"}),
        response_example("Joined", {**WORKSPACE_EXAMPLE, "role": "member"}),
    ],
)
