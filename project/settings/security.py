"""Transport and browser security: CORS, HTTPS, HSTS, cookies, the client's IP."""

import ipaddress

from apps.core.env import ConfigurationError, env_bool, env_int, env_list
from project.settings.core import DEBUG

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
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
