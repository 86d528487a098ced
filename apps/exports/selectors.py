"""Reads on exports, scoped to one workspace (the views check the membership)."""

from uuid import UUID

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.aquery import afirst
from apps.core.errors import NotFound
from apps.exports.models import Export, ExportStatus
from apps.workspaces.access import aget_membership


def export_list_for(*, workspace_id: UUID) -> QuerySet[Export]:
    """The workspace's exports, newest first (lazy; paginate it)."""
    return Export.objects.filter(workspace_id=workspace_id).order_by("-created_at", "-id")


def export_detail_for(*, workspace_id: UUID, export_id: UUID) -> QuerySet[Export]:
    """The export (with its job) if it is the workspace's (lazy)."""
    return export_list_for(workspace_id=workspace_id).filter(pk=export_id)


def active_user_for(*, user_id: int) -> QuerySet[User]:
    """The user if active (lazy)."""
    return User.objects.filter(pk=user_id, is_active=True)


def export_for(*, export_id: UUID) -> QuerySet[Export]:
    """The export, whatever its workspace (lazy; check the caller's membership)."""
    return Export.objects.filter(pk=export_id)


async def aexport_access(*, workspace_id: UUID, export_id: UUID) -> Export:
    """An export of the workspace, or 404 (the view checked the membership).

    Read on the async pool: no thread hop.
    """
    export = await afirst(export_detail_for(workspace_id=workspace_id, export_id=export_id))
    if export is None:
        raise NotFound()
    return export


async def aexport_download_access(*, user_id: int, export_id: UUID) -> Export:
    """A ready export, for an active user who is (still) a member of its workspace;
    404 otherwise."""
    user = await afirst(active_user_for(user_id=user_id))
    export = await afirst(export_for(export_id=export_id))
    if user is None or export is None:
        raise NotFound()
    await aget_membership(user, export.workspace_id)
    if export.status != ExportStatus.READY or not export.file_name:
        raise NotFound("This export is not ready, or it has expired.")
    return export
