"""Exports for the workspace isolation test (see tests/workspaces/isolation_ids.py)."""

from typing import Any

from apps.accounts.models import User
from apps.exports.models import Export
from apps.workspaces.models import Workspace
from tests.workspaces.isolation_ids import victim_id


@victim_id("export_id")
async def export(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    return (await Export.objects.acreate(workspace=workspace, requested_by=owner)).pk
