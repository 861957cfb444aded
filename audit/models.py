"""Who looked at or took out personal data, and when (issue 10).

A row is written by `audit.services.record_view` and never changed afterwards: the admin shows
the log to administrators only and offers no add, change or delete.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ViewLog(models.Model):
    class Action(models.TextChoices):
        HOUSEHOLD_PAGE = "household_page", _("Household page viewed")
        HOUSEHOLD_PDF = "household_pdf", _("Household profile PDF")
        SEARCH_BY_ID = "search_by_id", _("Search by national ID number")
        EXPORT_HOUSEHOLDS = "export_households", _("Household list exported (Excel)")
        EXPORT_WORKLIST = "export_worklist", _("Work list exported (Excel)")
        EXPORT_REPORT = "export_report", _("List with names printed (PDF)")
        MINUTES_FILE = "minutes_file", _("Meeting minutes file downloaded")

    # SET_NULL and a copy of the name: the log outlives the account and the household.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household_code = models.CharField(_("household code"), max_length=20, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("view log entry")
        verbose_name_plural = _("view log")
        ordering = ("-at", "-id")
        indexes = (models.Index(fields=("action", "at"), name="audit_viewlog_action_at"),)

    def __str__(self) -> str:
        return f"{self.username} – {self.get_action_display()} – {self.at:%d/%m/%Y %H:%M}"
