"""Reads on exports, scoped to the caller's workspaces."""

from uuid import UUID

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from apps.accounts.models import User
from apps.exports.models import Export, ExportStatus
from apps.workspaces.access import aget_membership


async def amember_check(*, user: User, workspace_id: UUID) -> None:
    """404 unless ``user`` is a member of the workspace."""
    await aget_membership(user, workspace_id)


def export_list_for(*, workspace_id: UUID) -> QuerySet[Export]:
    """The workspace's exports, newest first (lazy; paginate it)."""
    return (
        Export.objects.filter(workspace_id=workspace_id)
        .select_related("job")
        .order_by("-created_at", "-id")
    )


async def aexport_access(*, user: User, workspace_id: UUID, export_id: UUID) -> Export:
    """An export of a workspace the caller belongs to, or 404."""
    await amember_check(user=user, workspace_id=workspace_id)
    export = await export_list_for(workspace_id=workspace_id).filter(pk=export_id).afirst()
    if export is None:
        raise NotFound()
    return export


async def aexport_download_access(*, user_id: int, workspace_id: UUID, export_id: UUID) -> Export:
    """A ready export for a still-active member (the one a download link was issued to)."""
    user = await User.objects.filter(pk=user_id, is_active=True).afirst()
    if user is None:
        raise NotFound()
    export = await aexport_access(user=user, workspace_id=workspace_id, export_id=export_id)
    if export.status != ExportStatus.READY or not export.file_name:
        raise NotFound("This export is not ready, or it has expired.")
    return export
