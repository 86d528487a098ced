"""Transport and browser security: CORS, HTTPS, HSTS, cookies, the client's IP."""

from urllib.parse import urlsplit

from corsheaders.defaults import default_headers

from apps.core.env import env_bool, env_int, env_list
from project.settings.core import DEBUG
from project.settings.email import FRONTEND_URL


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- CORS (django-cors-headers) ----------------------------------------------
# Only the configured frontend origins, on the API only. In development the
# frontend of FRONTEND_URL (http://localhost:3000 by default) is allowed too,
# so `npm run dev` works against `uv run dev` with nothing configured.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
if DEBUG and _origin(FRONTEND_URL) not in CORS_ALLOWED_ORIGINS:
    CORS_ALLOWED_ORIGINS.append(_origin(FRONTEND_URL))
CORS_URLS_REGEX = r"^/api/"
# Credentials (the session cookie) go with the Access-Control-Allow-Origin
# echoed for an allowed origin only: any other origin gets no CORS header at all.
CORS_ALLOW_CREDENTIALS = True
# Request headers a browser may send besides the safelisted ones: the defaults
# (authorization, content-type, x-csrftoken, ...) plus conditional requests,
# idempotent retries and a caller-chosen request id.
CORS_ALLOW_HEADERS = (
    *default_headers,
    "if-match",
    "if-none-match",
    "idempotency-key",
    "x-request-id",
)
# Response headers JavaScript may read besides the safelisted ones.
CORS_EXPOSE_HEADERS = (
    "etag",
    "location",
    "retry-after",
    "x-request-id",
    "idempotent-replayed",
    "content-disposition",
)
# A browser caches a preflight this long (Chromium caps it at 2 h, Firefox at 24 h).
CORS_PREFLIGHT_MAX_AGE = 7200
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# How many reverse proxies in front of the app append to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
# The API authenticates with tokens, never cookies; the admin's views carry
# csrf_protect themselves, so the CSRF middleware (a thread hop per request)
# is not in the chain.
#
# axes.W002 asks for axes' middleware, which only turns a lockout into a
# response for form logins (and a sync one: a hop per request). The JSON login
# checks the lockout itself and answers 429 (apps.accounts.services.login).
SILENCED_SYSTEM_CHECKS = ["security.W003", "axes.W002"]
