"""Async permissions for everything inside a workspace, the base view using them,
and the per-workspace rate limit."""

from typing import Any, ClassVar, override
from uuid import UUID

from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.throttling import AsyncScopedRateThrottle
from apps.core.views import AsyncAPIView
from apps.workspaces.access import aget_membership, require_role
from apps.workspaces.models import Membership, Role


class IsWorkspaceMember(BasePermission):
    """The caller is a member of the URL's ``workspace_id`` (404 otherwise).

    On a ``WorkspaceScopedView`` it stores the membership on the view and
    checks the view's ``minimum_roles`` for the request's method (403).
    """

    @override
    async def has_permission(self, request: Request, view: APIView) -> bool:  # type: ignore[override]
        membership = await aget_membership(request.user, view.kwargs["workspace_id"])
        if isinstance(view, WorkspaceScopedView):
            view.membership = membership
            minimum = view.minimum_roles.get(request.method or "")
            if minimum is not None:
                require_role(membership, minimum)
        return True


class WorkspaceScopedView(AsyncAPIView):
    """Base of every view under ``/api/v1/workspaces/<uuid:workspace_id>/``.

    Authentication first (401), then membership (404 for non-members, for any
    method, before 405), then ``minimum_roles[method]`` (403). Handlers read
    ``self.membership`` (its ``workspace`` is selected).
    """

    permission_classes = [IsAuthenticated, IsWorkspaceMember]
    minimum_roles: ClassVar[dict[str, Role]] = {}
    membership: Membership

    @property
    def workspace_id(self) -> UUID:
        workspace_id: UUID = self.kwargs["workspace_id"]
        return workspace_id


class WorkspaceRateThrottle(AsyncScopedRateThrottle):
    """The scope's rate per workspace (``THROTTLE_RATES["<scope>_workspace"]`` if set),
    whoever in it makes the requests. Runs after the membership check."""

    bucket_kind = "workspace"

    @override
    def bucket(self, request: Request, view: Any) -> str | None:
        workspace_id = view.kwargs.get("workspace_id")
        return str(workspace_id) if workspace_id is not None else None
