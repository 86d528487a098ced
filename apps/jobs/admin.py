from django.contrib import admin

from apps.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = ("name", "status", "backend", "attempts", "owner", "created_at", "finished_at")
    list_filter = ("status", "backend", "name")
    search_fields = ("id", "name")
    readonly_fields = [field.name for field in Job._meta.fields]
