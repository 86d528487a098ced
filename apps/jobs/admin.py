"""Jobs in the admin: every Job row with its steps and error, filters, and the
two actions support needs (retry a failed job, cancel a queued one), both
through services (apps.jobs.services), for both backends."""

from typing import Any, override

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from apps.core.errors import Conflict
from apps.jobs.models import CANCELLABLE_STATUSES, Job, JobStatus
from apps.jobs.services import job_cancel_by_staff, job_retry


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "name",
        "status",
        "backend",
        "attempts",
        "recoveries",
        "owner",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "backend", "name", ("owner", admin.RelatedOnlyFieldListFilter))
    search_fields = ("=id", "name", "owner__email", "=request_id")
    list_select_related = ("owner",)
    date_hierarchy = "created_at"
    actions = ("retry_failed", "cancel_queued")
    fieldsets = (
        (None, {"fields": ("id", "name", "status", "backend", "queue", "owner", "request_id")}),
        ("Progress", {"fields": ("attempts", "max_attempts", "recoveries", "steps_table")}),
        ("Outcome", {"fields": ("error_type", "error_message", "result")}),
        ("Input", {"fields": ("kwargs",)}),
        (
            "Times",
            {
                "fields": (
                    "created_at",
                    "enqueued_at",
                    "started_at",
                    "heartbeat_at",
                    "finished_at",
                    "updated_at",
                )
            },
        ),
    )

    @override
    def get_readonly_fields(self, request: HttpRequest, obj: Job | None = None) -> list[str]:
        # Nothing is edited by hand: state changes go through the actions.
        return [field.name for field in Job._meta.fields] + ["steps_table"]

    @override
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs are dispatched by code, never typed in

    @admin.display(description="Steps")
    def steps_table(self, job: Job) -> str:
        """Each chain step: name, status, attempts and last error."""
        if not job.steps:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    index,
                    step["name"],
                    step["status"],
                    step["attempts"],
                    f"{step['error']['type']}: {step['error']['message']}"
                    if step.get("error")
                    else "",
                )
                for index, step in enumerate(job.steps)
            ),
        )
        return format_html(
            "<table><tr><th>#</th><th>step</th><th>status</th><th>attempts</th>"
            "<th>error</th></tr>{}</table>",
            rows,
        )

    @admin.action(description="Retry the selected failed jobs", permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._apply(request, queryset, JobStatus.FAILED, job_retry, "retried")

    @admin.action(description="Cancel the selected queued jobs", permissions=["change"])
    def cancel_queued(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        self._apply(request, queryset, CANCELLABLE_STATUSES, job_cancel_by_staff, "cancelled")

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Job],
        statuses: Any,
        service: Any,
        done: str,
    ) -> None:
        wanted = {statuses} if isinstance(statuses, str) else set(statuses)
        applied, refused = 0, []
        for job_id, name, status in queryset.values_list("pk", "name", "status"):
            if status not in wanted:
                refused.append(f"{name} {job_id} is {status}")
                continue
            try:
                service(job_id=job_id)
            except Conflict as exc:  # it moved on meanwhile
                refused.append(f"{name} {job_id}: {exc.detail}")
                continue
            applied += 1
        if applied:
            self.message_user(request, f"{applied} job(s) {done}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not {done}: " + "; ".join(refused), messages.WARNING)
