from django.urls import path

from apps.documents import views

DOCUMENTS = "workspaces/<uuid:workspace_id>/documents"

urlpatterns = [
    path(DOCUMENTS, views.DocumentListView.as_view(), name="documents-list"),
    path(
        f"{DOCUMENTS}/<uuid:document_id>",
        views.DocumentDetailView.as_view(),
        name="documents-detail",
    ),
]
