from typing import override

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from apps.accounts.models import AuthToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    ordering = ("email",)
    list_display = ("email", "full_name", "email_verified", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "email_verified")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(AuthToken)
class SessionAdmin(admin.ModelAdmin[AuthToken]):
    """Sessions (knox tokens). Deleting one revokes it everywhere at once: the
    cache entry is dropped after commit by ``apps.accounts.signals``."""

    list_display = (
        "public_id",
        "user",
        "client_name",
        "ip_address",
        "created",
        "expiry",
        "last_used_at",
    )
    list_select_related = ("user",)
    search_fields = ("user__email", "client_name", "ip_address")
    readonly_fields = (
        "public_id", "user", "client_name", "user_agent", "ip_address", "created", "expiry",
        "last_used_at",
    )  # fmt: skip
    exclude = ("digest", "token_key")
    ordering = ("-created",)

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
