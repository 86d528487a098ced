"""PostgreSQL: one URL (dj-database-url) for Django's pool and the async pool."""

import dj_database_url

from apps.core.env import env_bool, env_int, env_str
from project.settings.devstack import DEV_STACK

DATABASE_URL = env_str(
    "DATABASE_URL", DEV_STACK.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/app")
)
# Behind a transaction-mode pooler (PgBouncer, Neon's "-pooler" host) prepared
# statements and server-side cursors do not survive between transactions.
DATABASE_BEHIND_POOLER = env_bool("DATABASE_BEHIND_POOLER", False)
DATABASE_POOL_MIN_SIZE = env_int("DATABASE_POOL_MIN_SIZE", 2)
DATABASE_POOL_MAX_SIZE = env_int("DATABASE_POOL_MAX_SIZE", 10)
DATABASE_POOL_TIMEOUT = env_int("DATABASE_POOL_TIMEOUT", 10)

# Pooled connections are checked when handed out (CONN_HEALTH_CHECKS makes
# Django give its pool psycopg's check_connection): none survives a restart.
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)
# Django's backend plus the database circuit breaker (fail fast while it is down).
_database["ENGINE"] = "apps.core.postgresql"
_database.setdefault("OPTIONS", {})["pool"] = {
    "min_size": DATABASE_POOL_MIN_SIZE,
    "max_size": DATABASE_POOL_MAX_SIZE,
    "timeout": DATABASE_POOL_TIMEOUT,
}
_database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_BEHIND_POOLER
DATABASES = {"default": _database}
