"""A running ``uv run dev``, found by commands started in another terminal.

While ``dev`` runs it describes its servers in ``<DEV_DATA_DIR>/stack.json``
(``apps.core.devstate``). A command started by hand in this checkout
(``manage.py createsuperuser``, ``celery -A project worker``, a shell) with
``DATABASE_URL`` or ``REDIS_URL`` unset takes from there whatever of the
shared variables it has not set itself: the servers' URLs, the development
``SECRET_KEY`` and ``ALLOWED_HOSTS``, where emails go.

Never in production, by construction:

- only when a server URL is unset (a deployment sets both);
- only while a live process on this machine holds the data directory's lock
  and is the pid the file names (a stale or copied file counts for nothing);
- the file lives in the git-ignored ``.data/`` of this checkout, mode 0600;
- ``check --deploy`` fails when the settings came from it (``core.E002``).
"""

from pathlib import Path

from apps.core.devstate import running_state
from apps.core.env import env_str

DEV_DATA_DIR = Path(
    env_str("DEV_DATA_DIR", str(Path(__file__).resolve().parents[2] / ".data"))
).resolve()

_state = None if env_str("DATABASE_URL") and env_str("REDIS_URL") else running_state(DEV_DATA_DIR)
# The running dev's shared variables (empty when none applies), and its pid.
DEV_STACK: dict[str, str] = dict(_state.env) if _state is not None and _state.kind == "dev" else {}
DEV_STACK_PID: int | None = _state.pid if DEV_STACK and _state is not None else None
