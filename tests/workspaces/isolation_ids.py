"""Real objects inside a victim workspace, by URL kwarg name, for the isolation test.

``tests/workspaces/test_isolation.py`` fills every id in a workspace route
with a REAL object of the victim's workspace, so a view that forgot the
membership check answers 200 (and fails the test) instead of a lucky 404.
An app whose routes under ``workspaces/<uuid:workspace_id>/`` capture another
id registers a factory for that kwarg in ``tests/<app>/isolation_ids.py``
(found automatically):

    @victim_id("endpoint_id")
    async def endpoint(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
        return (await make_endpoint(workspace=workspace)).pk

Factories run in the order the route names the kwargs; ``ids`` holds those
made so far (a delivery can use its endpoint's).
"""

import importlib
import importlib.util
import pkgutil
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import tests
from apps.accounts.models import User
from apps.workspaces.models import Invitation, Membership, Role, Workspace
from tests.factories import amake_user

VictimFactory = Callable[[Workspace, User, dict[str, Any]], Awaitable[Any]]
FACTORIES: dict[str, VictimFactory] = {}


def victim_id(name: str) -> Callable[[VictimFactory], VictimFactory]:
    def register(factory: VictimFactory) -> VictimFactory:
        FACTORIES[name] = factory
        return factory

    return register


def load_all() -> dict[str, VictimFactory]:
    """Import every ``tests/<app>/isolation_ids.py`` and return the registry."""
    for module in pkgutil.iter_modules(tests.__path__):
        name = f"tests.{module.name}.isolation_ids"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    return FACTORIES


@victim_id("user_id")
async def member(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    user = await amake_user()
    await Membership.objects.acreate(workspace=workspace, user=user, role=Role.MEMBER)
    return user.pk


@victim_id("invitation_id")
async def invitation(workspace: Workspace, owner: User, ids: dict[str, Any]) -> Any:
    created = await Invitation.objects.acreate(
        workspace=workspace,
        email=f"{uuid.uuid4().hex}@example.com",
        invited_by=owner,
        token_digest=uuid.uuid4().hex,
        expires_at=workspace.created_at.replace(year=workspace.created_at.year + 1),
    )
    return created.pk
