from django.urls import path

from apps.workspaces import views

WORKSPACE = "workspaces/<uuid:workspace_id>"

urlpatterns = [
    path("workspaces", views.WorkspaceListView.as_view(), name="workspaces-list"),
    path(WORKSPACE, views.WorkspaceDetailView.as_view(), name="workspaces-detail"),
    path(f"{WORKSPACE}/members", views.MemberListView.as_view(), name="members-list"),
    path(
        f"{WORKSPACE}/members/<int:user_id>",
        views.MemberDetailView.as_view(),
        name="members-detail",
    ),
    path(f"{WORKSPACE}/invitations", views.InvitationListView.as_view(), name="invitations-list"),
    path(
        f"{WORKSPACE}/invitations/<uuid:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="invitations-detail",
    ),
    path("invitations/accept", views.InvitationAcceptView.as_view(), name="invitations-accept"),
]
