"""The workspace API under /api/v1/workspaces/: parse, call one service or selector, serialize."""

from typing import Any
from uuid import UUID

from asgiref.sync import sync_to_async
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.openapi import ErrorResponseSerializer
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.views import AsyncAPIView
from apps.workspaces import selectors, services
from apps.workspaces.models import Role
from apps.workspaces.permissions import WorkspaceScopedView
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


def page_example(name: str, item: dict[str, Any]) -> OpenApiExample:
    return OpenApiExample(
        name, value={"next": None, "previous": None, "results": [item]}, response_only=True
    )


def conflict_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorResponseSerializer, description=description)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class MemberPagination(CursorPagination):
    ordering = ("created_at", "id")


class WorkspaceListView(AsyncAPIView):
    pagination_class = CursorPagination

    @extend_schema(
        operation_id="workspacesList",
        summary="The workspaces the caller belongs to, newest membership first",
        tags=WORKSPACE_TAGS,
        responses={200: WorkspaceOutput(many=True)},
        examples=[page_example("My workspaces", WORKSPACE_EXAMPLE)],
    )
    async def get(self, request: Request) -> Response:
        return await apaginated_response(
            self, selectors.membership_list_for(user=_user(request)), WorkspaceOutput
        )

    @extend_schema(
        operation_id="workspacesCreate",
        summary="Create a workspace; the caller becomes its owner",
        tags=WORKSPACE_TAGS,
        request=WorkspaceInput,
        responses={201: WorkspaceOutput},
        examples=[
            OpenApiExample("Create", value={"name": "Analytical Engines"}, request_only=True),
            OpenApiExample(
                "Created", value=WORKSPACE_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )
    async def post(self, request: Request) -> Response:
        data = WorkspaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.workspace_create)(
            owner=_user(request), name=data.validated_data["name"]
        )
        return Response(WorkspaceOutput(membership).data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(WorkspaceScopedView):
    minimum_roles = {"PATCH": Role.ADMIN, "DELETE": Role.OWNER}

    @extend_schema(
        operation_id="workspacesRetrieve",
        summary="One of the caller's workspaces",
        tags=WORKSPACE_TAGS,
        responses={200: WorkspaceOutput},
        examples=[OpenApiExample("Workspace", value=WORKSPACE_EXAMPLE, response_only=True)],
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return Response(WorkspaceOutput(self.membership).data)

    @extend_schema(
        operation_id="workspacesRename",
        summary="Rename a workspace (admins and owners)",
        tags=WORKSPACE_TAGS,
        request=WorkspaceUpdateInput,
        responses={200: WorkspaceOutput},
        examples=[
            OpenApiExample("Rename", value={"name": "Difference Engines"}, request_only=True),
            OpenApiExample(
                "Renamed",
                value={**WORKSPACE_EXAMPLE, "name": "Difference Engines"},
                response_only=True,
            ),
        ],
    )
    async def patch(self, request: Request, workspace_id: UUID) -> Response:
        data = WorkspaceUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.workspace_rename)(
            actor=self.membership, name=data.validated_data.get("name")
        )
        return Response(WorkspaceOutput(membership).data)

    @extend_schema(
        operation_id="workspacesDelete",
        summary="Delete a workspace and everything in it (owners only)",
        tags=WORKSPACE_TAGS,
        responses={204: None},
    )
    async def delete(self, request: Request, workspace_id: UUID) -> Response:
        await sync_to_async(services.workspace_delete)(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(WorkspaceScopedView):
    pagination_class = MemberPagination

    @extend_schema(
        operation_id="membersList",
        summary="The workspace's members, oldest first",
        tags=MEMBER_TAGS,
        responses={200: MemberOutput(many=True)},
        examples=[page_example("Members", MEMBER_EXAMPLE)],
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return await apaginated_response(
            self, selectors.member_list_for(workspace_id=self.workspace_id), MemberOutput
        )


class MemberDetailView(WorkspaceScopedView):
    minimum_roles = {"PATCH": Role.ADMIN}

    @extend_schema(
        operation_id="membersUpdateRole",
        summary="Change a member's role",
        description="Admins change members and admins; only owners make or unmake owners. "
        "Demoting the last owner answers 409.",
        tags=MEMBER_TAGS,
        request=MemberRoleInput,
        responses={200: MemberOutput, 409: conflict_response("The last owner would be lost.")},
        examples=[
            OpenApiExample("Make admin", value={"role": "admin"}, request_only=True),
            OpenApiExample("Updated", value=MEMBER_EXAMPLE, response_only=True),
        ],
    )
    async def patch(self, request: Request, workspace_id: UUID, user_id: int) -> Response:
        data = MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.member_role_change)(
            actor=self.membership, user_id=user_id, role=data.validated_data.get("role")
        )
        return Response(MemberOutput(membership).data)

    @extend_schema(
        operation_id="membersRemove",
        summary="Remove a member, or leave the workspace (your own user id)",
        description="Admins remove members and admins; only owners remove owners; anyone may "
        "leave. The last owner cannot leave or be removed (409).",
        tags=MEMBER_TAGS,
        responses={204: None, 409: conflict_response("The last owner would be lost.")},
    )
    async def delete(self, request: Request, workspace_id: UUID, user_id: int) -> Response:
        await sync_to_async(services.member_remove)(actor=self.membership, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(WorkspaceScopedView):
    pagination_class = CursorPagination
    minimum_roles = {"GET": Role.ADMIN, "POST": Role.ADMIN}

    @extend_schema(
        operation_id="invitationsList",
        summary="The workspace's invitations in every state, newest first (admins)",
        tags=INVITATION_TAGS,
        responses={200: InvitationOutput(many=True)},
        examples=[page_example("Invitations", INVITATION_EXAMPLE)],
    )
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return await apaginated_response(
            self, selectors.invitation_list_for(workspace_id=self.workspace_id), InvitationOutput
        )

    @extend_schema(
        operation_id="invitationsCreate",
        summary="Invite an email address (admins; owners to invite owners)",
        description="Emails a single-use link that expires after INVITATION_TTL. Inviting "
        "the same address again revokes the earlier link. An address that already belongs "
        "to a member answers 409.",
        tags=INVITATION_TAGS,
        request=InvitationInput,
        responses={201: InvitationOutput, 409: conflict_response("Already a member.")},
        examples=[
            OpenApiExample(
                "Invite", value={"email": "charles@example.com", "role": "member"},
                request_only=True,
            ),
            OpenApiExample(
                "Invited", value=INVITATION_EXAMPLE, response_only=True, status_codes=["201"]
            ),
        ],
    )  # fmt: skip
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = await sync_to_async(services.invitation_create)(
            actor=self.membership,
            email=data.validated_data["email"],
            role=Role(data.validated_data["role"]),
        )
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailView(WorkspaceScopedView):
    minimum_roles = {"DELETE": Role.ADMIN}

    @extend_schema(
        operation_id="invitationsRevoke",
        summary="Revoke a pending invitation (admins)",
        tags=INVITATION_TAGS,
        responses={204: None},
    )
    async def delete(self, request: Request, workspace_id: UUID, invitation_id: UUID) -> Response:
        await sync_to_async(services.invitation_revoke)(
            actor=self.membership, invitation_id=invitation_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(AsyncAPIView):
    @extend_schema(
        operation_id="invitationsAccept",
        summary="Accept an invitation with the token from its email",
        description="The caller's email must be the invited address (403 otherwise). A used, "
        "revoked or expired token answers 400.",
        tags=INVITATION_TAGS,
        request=InvitationAcceptInput,
        responses={
            200: WorkspaceOutput,
            403: OpenApiResponse(
                ErrorResponseSerializer, description="Sent to another email address."
            ),
        },
        examples=[
            OpenApiExample(
                "Accept", value={"token": "k3Jd9sQ2x0Vb7nLm4pR8tYw1zA6cE5fG2hJ0uI9oP3s"},
                request_only=True,
            ),
            OpenApiExample(
                "Joined", value={**WORKSPACE_EXAMPLE, "role": "member"}, response_only=True
            ),
        ],
    )  # fmt: skip
    async def post(self, request: Request) -> Response:
        data = InvitationAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.invitation_accept)(
            user=_user(request), token=data.validated_data["token"]
        )
        return Response(WorkspaceOutput(membership).data)
