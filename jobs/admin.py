"""Background jobs in the admin: read-only, administrators only (they may remove one)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from households import access
from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "owner", "ward", "status", "done", "total", "finished_at")
    list_filter = ("kind", "status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("owner__username",)
    ordering = ("-created_at",)
    list_select_related = ("owner", "ward")
    readonly_fields = (
        "id",
        "kind",
        "status",
        "owner",
        "ward",
        "parameters",
        "language",
        "task_id",
        "done",
        "total",
        "message",
        "details",
        "link",
        "action_url",
        "action_label",
        "file",
        "filename",
        "content_type",
        "created_at",
        "started_at",
        "finished_at",
        "expires_at",
    )
    fields = readonly_fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_administrator(request.user) and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)
