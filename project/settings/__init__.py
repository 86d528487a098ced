"""Settings, assembled once from one module per concern.

Each module reads its environment variables once, at import, through the
typed helpers in ``apps.core.env``; every variable read is listed in
``docs/configuration.md`` (``tests/core/test_configuration_docs.py`` checks
both directions). A module that needs another's value imports it by name.
Order matters only where a module imports from another.
"""

from project.settings.accounts import *  # noqa: F403
from project.settings.api import *  # noqa: F403
from project.settings.core import *  # noqa: F403
from project.settings.database import *  # noqa: F403
from project.settings.devstack import *  # noqa: F403
from project.settings.email import *  # noqa: F403
from project.settings.exports import *  # noqa: F403
from project.settings.jobs import *  # noqa: F403
from project.settings.logging import *  # noqa: F403
from project.settings.observability import *  # noqa: F403
from project.settings.redis import *  # noqa: F403
from project.settings.security import *  # noqa: F403
from project.settings.webhooks import *  # noqa: F403
from project.settings.workspaces import *  # noqa: F403
