"""Reads on exports, scoped to one workspace (the views check the membership)."""

from uuid import UUID

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.errors import NotFound
from apps.exports.models import Export, ExportStatus
from apps.workspaces.access import aget_membership


def export_list_for(*, workspace_id: UUID) -> QuerySet[Export]:
    """The workspace's exports, newest first (lazy; paginate it)."""
    return Export.objects.filter(workspace_id=workspace_id).order_by("-created_at", "-id")


async def aexport_access(*, workspace_id: UUID, export_id: UUID) -> Export:
    """An export of the workspace, or 404 (the view checked the membership)."""
    export = await export_list_for(workspace_id=workspace_id).filter(pk=export_id).afirst()
    if export is None:
        raise NotFound()
    return export


async def aexport_download_access(*, user_id: int, export_id: UUID) -> Export:
    """A ready export, for an active user who is (still) a member of its workspace;
    404 otherwise."""
    user = await User.objects.filter(pk=user_id, is_active=True).afirst()
    export = await Export.objects.filter(pk=export_id).afirst()
    if user is None or export is None:
        raise NotFound()
    await aget_membership(user, export.workspace_id)
    if export.status != ExportStatus.READY or not export.file_name:
        raise NotFound("This export is not ready, or it has expired.")
    return export
