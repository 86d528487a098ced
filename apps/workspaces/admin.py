from django.contrib import admin

from apps.workspaces.models import Invitation, Membership, Workspace


class MembershipInline(admin.TabularInline[Membership, Workspace]):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ("name", "id", "created_at")
    search_fields = ("name", "id")
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = ("email", "workspace", "role", "expires_at", "accepted_at", "revoked_at")
    search_fields = ("email",)
    raw_id_fields = ("workspace", "invited_by", "accepted_by")
    exclude = ("token_digest",)
