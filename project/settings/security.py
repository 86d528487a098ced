"""Transport and browser security: CORS, HTTPS, HSTS, cookies, the client's IP."""

import ipaddress
from urllib.parse import urlsplit

from corsheaders.defaults import default_headers
from django.utils.csp import CSP

from apps.core.env import ConfigurationError, env_bool, env_int, env_list, env_str
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

# How many reverse proxies in front of the app append to X-Forwarded-For, and
# which peers may be one (IPs or networks, "*" for any): the header counts
# only from those. apps.core.http.client_ip decides; uvicorn runs with
# --no-proxy-headers so it never rewrites the client address itself.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1", "::1"])
for _entry in FORWARDED_ALLOW_IPS:
    if _entry != "*":
        try:
            ipaddress.ip_network(_entry, strict=False)
        except ValueError as _exc:
            raise ConfigurationError(
                f"FORWARDED_ALLOW_IPS must list IP addresses, networks or *, got {_entry!r}"
            ) from _exc

# --- Content Security Policy (Django's own, apps.core.middleware) --------------
# API responses are data, never a document: nothing may load, nothing may frame.
_API_POLICY: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
# HTML pages (Swagger UI, Redoc, the admin): this server's own files, inline
# code only with the per-response nonce, nothing from anywhere else. Redoc
# runs its search index in a worker it builds from a blob: URL; Swagger UI's
# and Redoc's stylesheets embed data: images. Redoc's bundle inserts one
# stylesheet (perfect-scrollbar's) as it loads, before it knows the nonce:
# allowed by its hash (and the empty element it starts as). The browser suite
# fails on any violation, so a new Redoc that changes it is caught.
_REDOC_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # perfect-scrollbar's .ps rules
]
_PAGE_POLICY: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, *_REDOC_STYLE_HASHES],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
_CSP_REPORT_URI = env_str("CSP_REPORT_URI")
if _CSP_REPORT_URI:
    for _policy in (_API_POLICY, _PAGE_POLICY):
        _policy["report-uri"] = [_CSP_REPORT_URI]
# For a rollout: CSP_REPORT_ONLY=true sends both policies as
# Content-Security-Policy-Report-Only (browsers report, block nothing).
if env_bool("CSP_REPORT_ONLY", False):
    SECURE_CSP: dict[str, list[str]] = {}
    SECURE_CSP_REPORT_ONLY = _API_POLICY
    CSP_PAGES: dict[str, list[str]] = {}
    CSP_PAGES_REPORT_ONLY = _PAGE_POLICY
else:
    SECURE_CSP = _API_POLICY
    SECURE_CSP_REPORT_ONLY = {}
    CSP_PAGES = _PAGE_POLICY
    CSP_PAGES_REPORT_ONLY = {}

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
# The API checks CSRF itself, only for cookie-authenticated writes
# (apps.accounts.cookies); the admin's views carry csrf_protect themselves, so
# the CSRF middleware (a thread hop per request) is not in the chain.
#
# axes.W002 asks for axes' middleware, which only turns a lockout into a
# response for form logins (and a sync one: a hop per request). The JSON login
# checks the lockout itself and answers 429 (apps.accounts.services.login).
SILENCED_SYSTEM_CHECKS = ["security.W003", "axes.W002"]
