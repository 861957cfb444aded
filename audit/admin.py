"""The view log in the admin: read-only, administrators only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from audit.models import ViewLog
from households import access


@admin.register(ViewLog)
class ViewLogAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "household_code", "detail", "ip_address")
    list_filter = ("action", ("at", admin.DateFieldListFilter), "username")
    search_fields = ("username", "household_code")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    # The detail page shows the values as text: no form, no raw-id look-ups.
    readonly_fields = (
        "at",
        "user",
        "username",
        "action",
        "household",
        "household_code",
        "detail",
        "ip_address",
    )
    fields = readonly_fields

    # Only administrators read the log; nobody (not even a superuser) writes or removes it.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_administrator(request.user) and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
