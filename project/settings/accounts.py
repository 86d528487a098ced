"""Accounts: knox tokens and their cache, brute-force protection, throttles, links."""

from datetime import timedelta

from apps.core.env import env_bool, env_int, env_str, env_timedelta
from project.settings.core import DEBUG

TOKEN_TTL = env_timedelta("TOKEN_TTL", timedelta(days=7))
TOKEN_AUTO_REFRESH = env_bool("TOKEN_AUTO_REFRESH", True)
TOKEN_MIN_REFRESH_INTERVAL = env_timedelta("TOKEN_MIN_REFRESH_INTERVAL", timedelta(minutes=10))
TOKEN_AUTO_REFRESH_MAX_TTL = env_timedelta("TOKEN_AUTO_REFRESH_MAX_TTL", timedelta(days=30))
TOKEN_LIMIT_PER_USER = env_int("TOKEN_LIMIT_PER_USER", 20)
TOKEN_PREFIX = env_str("TOKEN_PREFIX", "aa_")
# Upper bound on how long a cached token entry lives (never beyond the token's expiry).
TOKEN_CACHE_TTL = env_timedelta("TOKEN_CACHE_TTL", timedelta(minutes=15))
# How long an API process trusts cache hits after it last read the revocation
# outbox; also how long a logout waits when it cannot reach Redis.
TOKEN_REVOCATION_CHECK_INTERVAL = env_timedelta(
    "TOKEN_REVOCATION_CHECK_INTERVAL", timedelta(seconds=1)
)
# How often Celery beat deletes expired tokens.
TOKEN_PURGE_INTERVAL = env_timedelta("TOKEN_PURGE_INTERVAL", timedelta(hours=1))

# The session cookie of web clients that log in with "transport": "cookie":
# the same knox token, httpOnly (JavaScript never sees it), SameSite=Lax.
# Named __Host-<name> when it can be (Secure, path /, no domain: the browser
# then refuses it from any other host or path), __Secure-<name> when Secure
# with a domain or path, <name> over plain HTTP in development.
AUTH_COOKIE_DOMAIN = env_str("AUTH_COOKIE_DOMAIN") or None
AUTH_COOKIE_PATH = env_str("AUTH_COOKIE_PATH", "/")
AUTH_COOKIE_SECURE = env_bool("AUTH_COOKIE_SECURE", not DEBUG)
_cookie_name = env_str("AUTH_COOKIE_NAME", "session")
if AUTH_COOKIE_SECURE and AUTH_COOKIE_PATH == "/" and AUTH_COOKIE_DOMAIN is None:
    AUTH_COOKIE_NAME = "__Host-" + _cookie_name
elif AUTH_COOKIE_SECURE:
    AUTH_COOKIE_NAME = "__Secure-" + _cookie_name
else:
    AUTH_COOKIE_NAME = _cookie_name

KNOX_TOKEN_MODEL = "accounts.AuthToken"  # noqa: S105  (a model name, not a secret)
REST_KNOX = {
    "TOKEN_TTL": TOKEN_TTL,
    "AUTO_REFRESH": TOKEN_AUTO_REFRESH,
    "MIN_REFRESH_INTERVAL": int(TOKEN_MIN_REFRESH_INTERVAL.total_seconds()),
    "AUTO_REFRESH_MAX_TTL": TOKEN_AUTO_REFRESH_MAX_TTL,
    "TOKEN_LIMIT_PER_USER": TOKEN_LIMIT_PER_USER,
    "TOKEN_PREFIX": TOKEN_PREFIX,
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
}

AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_timedelta("AXES_COOLOFF_TIME", timedelta(minutes=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "apps.accounts.brute_force.axes_username"
AXES_CLIENT_IP_CALLABLE = "apps.core.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ACCESS_LOG_RETENTION_DAYS = env_int("AXES_ACCESS_LOG_RETENTION_DAYS", 30)

THROTTLE_RATES = {
    "signup": env_str("THROTTLE_SIGNUP", "10/h"),
    "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/h"),
    "email_verification": env_str("THROTTLE_EMAIL_VERIFICATION", "5/h"),
    "login": env_str("THROTTLE_LOGIN", "60/m"),
    # Per IP and per user (each guess of the current password costs a hash).
    "password_change": env_str("THROTTLE_PASSWORD_CHANGE", "10/h"),
    # Reset confirmations and email verifications, per IP.
    "account_link": env_str("THROTTLE_ACCOUNT_LINKS", "30/h"),
    # Invitations (each one an email): per inviter, and per workspace.
    "invitation": env_str("THROTTLE_INVITATIONS", "30/h"),
    "invitation_workspace": env_str("THROTTLE_INVITATIONS_PER_WORKSPACE", "100/h"),
}

PASSWORD_RESET_TIMEOUT = int(
    env_timedelta("PASSWORD_RESET_TIMEOUT", timedelta(hours=1)).total_seconds()
)
