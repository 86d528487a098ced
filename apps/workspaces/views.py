"""The workspace API under /api/v1/workspaces/: parse, call one service or selector, serialize.

OpenAPI decoration: ``apps.workspaces.openapi``.
"""

from uuid import UUID

from asgiref.sync import sync_to_async
from django.urls import reverse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from apps.core.idempotency import idempotent
from apps.core.pagination import CursorPagination, apaginated_response
from apps.core.requests import request_user
from apps.core.throttling import AsyncUserRateThrottle
from apps.core.views import AsyncAPIView
from apps.workspaces import openapi, selectors, services
from apps.workspaces.models import Role
from apps.workspaces.permissions import WorkspaceRateThrottle, WorkspaceScopedView
from apps.workspaces.serializers import (
    InvitationAcceptInput,
    InvitationInput,
    MemberRoleInput,
    WorkspaceInput,
    WorkspaceUpdateInput,
    invitation_public,
    member_public,
    workspace_public,
)


class MemberPagination(CursorPagination):
    ordering = ("created_at", "id")


class WorkspaceListView(AsyncAPIView):
    pagination_class = CursorPagination

    @openapi.workspaces_list
    async def get(self, request: Request) -> Response:
        return await apaginated_response(
            self, selectors.membership_list_for(user=request_user(request)), workspace_public
        )

    @openapi.workspaces_create
    @idempotent
    async def post(self, request: Request) -> Response:
        data = WorkspaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.workspace_create)(
            owner=request_user(request), name=data.validated_data["name"]
        )
        location = reverse("workspaces-detail", args=[membership.workspace_id])
        return Response(
            workspace_public(membership),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class WorkspaceDetailView(WorkspaceScopedView):
    minimum_roles = {"PATCH": Role.ADMIN, "DELETE": Role.OWNER}

    @openapi.workspaces_retrieve
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return Response(workspace_public(self.membership))

    @openapi.workspaces_rename
    async def patch(self, request: Request, workspace_id: UUID) -> Response:
        data = WorkspaceUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.workspace_rename)(
            actor=self.membership, name=data.validated_data.get("name")
        )
        return Response(workspace_public(membership))

    @openapi.workspaces_delete
    async def delete(self, request: Request, workspace_id: UUID) -> Response:
        await sync_to_async(services.workspace_delete)(actor=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(WorkspaceScopedView):
    pagination_class = MemberPagination

    @openapi.members_list
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return await apaginated_response(
            self, selectors.member_list_for(workspace_id=self.workspace_id), member_public
        )


class MemberDetailView(WorkspaceScopedView):
    minimum_roles = {"PATCH": Role.ADMIN}

    @openapi.members_update_role
    async def patch(self, request: Request, workspace_id: UUID, user_id: int) -> Response:
        data = MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.member_role_change)(
            actor=self.membership, user_id=user_id, role=data.validated_data.get("role")
        )
        return Response(member_public(membership))

    @openapi.members_remove
    async def delete(self, request: Request, workspace_id: UUID, user_id: int) -> Response:
        await sync_to_async(services.member_remove)(actor=self.membership, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(WorkspaceScopedView):
    pagination_class = CursorPagination
    minimum_roles = {"GET": Role.ADMIN, "POST": Role.ADMIN}
    # Each invitation is an email: limited per inviter and per workspace.
    throttle_classes = [AsyncUserRateThrottle, WorkspaceRateThrottle]
    throttle_scopes = {"POST": "invitation"}

    @openapi.invitations_list
    async def get(self, request: Request, workspace_id: UUID) -> Response:
        return await apaginated_response(
            self, selectors.invitation_list_for(workspace_id=self.workspace_id), invitation_public
        )

    @openapi.invitations_create
    @idempotent
    async def post(self, request: Request, workspace_id: UUID) -> Response:
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = await sync_to_async(services.invitation_create)(
            actor=self.membership,
            email=data.validated_data["email"],
            role=Role(data.validated_data["role"]),
        )
        location = reverse("invitations-detail", args=[workspace_id, invitation.pk])
        return Response(
            invitation_public(invitation),
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class InvitationDetailView(WorkspaceScopedView):
    minimum_roles = {"GET": Role.ADMIN, "DELETE": Role.ADMIN}

    @openapi.invitations_retrieve
    async def get(self, request: Request, workspace_id: UUID, invitation_id: UUID) -> Response:
        invitation = await selectors.ainvitation_access(
            workspace_id=self.workspace_id, invitation_id=invitation_id
        )
        return Response(invitation_public(invitation))

    @openapi.invitations_revoke
    async def delete(self, request: Request, workspace_id: UUID, invitation_id: UUID) -> Response:
        await sync_to_async(services.invitation_revoke)(
            actor=self.membership, invitation_id=invitation_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptView(AsyncAPIView):
    @openapi.invitations_accept
    async def post(self, request: Request) -> Response:
        data = InvitationAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = await sync_to_async(services.invitation_accept)(
            user=request_user(request), token=data.validated_data["token"]
        )
        return Response(workspace_public(membership))
