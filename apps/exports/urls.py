from django.urls import path

from apps.exports import views

prefix = "workspaces/<uuid:workspace_id>/exports"
urlpatterns = [
    path(prefix, views.ExportListView.as_view(), name="exports-list"),
    path(f"{prefix}/<uuid:export_id>", views.ExportDetailView.as_view(), name="exports-detail"),
    path(
        "exports/<uuid:export_id>/download",
        views.ExportDownloadView.as_view(),
        name="exports-download",
    ),
]
