"""Documents for the workspace isolation test (see tests/workspaces/isolation_ids.py)."""

from typing import Any

from apps.accounts.models import User
from apps.workspaces.models import Workspace
from tests.workspaces.factories import amake_document
from tests.workspaces.isolation_ids import victim_id


@victim_id("document_id")
async def document(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    return (await amake_document(workspace=workspace, author=owner, title="secret")).pk
