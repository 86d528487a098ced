from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core.docs import RedocView, SwaggerView, favicon, redoc_bundle
from apps.core.health import healthz, readyz
from apps.core.index import ApiIndexView

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiIndexView.as_view(), name="api-index"),
    path("auth/", include("apps.accounts.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SwaggerView.as_view(url_name="schema"), name="swagger"),
    path("schema/redoc/", RedocView.as_view(url_name="schema"), name="redoc"),
    path("schema/redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/v1/", include(api_v1)),
    path("api/v1/", include("apps.jobs.urls")),
    path("api/v1/", include("apps.workspaces.urls")),
    path("api/v1/", include("apps.documents.urls")),
    path("api/v1/", include("apps.webhooks.urls")),
    path("api/v1/", include("apps.exports.urls")),
]

# The admin where ADMIN_URL says, or nowhere when it is empty.
if settings.ADMIN_URL:
    urlpatterns.append(path(settings.ADMIN_URL, admin.site.urls))

# --- operations: the Prometheus scrape endpoint, off unless METRICS_ENABLED ---
if settings.METRICS_ENABLED:
    from apps.core.metrics.views import metrics_view

    urlpatterns.append(path("metrics", metrics_view, name="metrics"))

# --- development only: the mailbox page, off unless DEV_MAILBOX (uv run dev) ---
if settings.DEV_MAILBOX:
    urlpatterns.append(path("dev/mailbox/", include("apps.notifications.mailbox_views")))

# --- performance: benchmark-only endpoints, off unless BENCHMARK_ENDPOINTS ---
if settings.BENCHMARK_ENDPOINTS:
    urlpatterns.append(path("api/v1/bench/", include("apps.benchmark.urls")))

handler400 = "apps.core.errors.bad_request"
handler403 = "apps.core.errors.permission_denied"
handler404 = "apps.core.errors.page_not_found"
handler500 = "apps.core.errors.server_error"
