"""Long exports, PDFs and imports run outside the request (issue 11 §4).

The task itself goes through django-tasks (`jobs.tasks.run_job`); a `Job` row is what the
app keeps about it: who asked (only they, or an administrator, may see it and download its
file), for which ward, how far it got, the Vietnamese message to show, and the file it made
(under `settings.JOBS_DIR`, never served as media) until it expires.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLD_XLSX = "household_xlsx", _("Household list (Excel)")
        HOUSEHOLD_PDF = "household_pdf", _("Household list (PDF)")
        IMPORT = "import", _("Household import from Excel")
        IMPORT_CHECK = "import_check", _("Check of a household import file")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Not completed")

    # A random key: job addresses are not numbered one after another.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    ward = models.ForeignKey(
        "households.Ward",
        verbose_name=_("ward / commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the runner needs to do the work again from scratch (the list's query string, the
    # uploaded file's name): plain JSON, checked again by the runner as if it were a request.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="vi")
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Row-by-row reasons a job was refused (an import's problems), shown as a table.
    details = models.JSONField(_("details"), default=list, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # A next step the user confirms with a button (a checked import: "Confirm import").
    action_url = models.CharField(_("next step"), max_length=500, blank=True)
    action_label = models.CharField(_("next step's button"), max_length=100, blank=True)
    file = models.CharField(_("stored file"), max_length=100, blank=True)
    filename = models.CharField(_("file name"), max_length=150, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("removed after"), db_index=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ("-created_at",)
        indexes = (models.Index(fields=("owner", "-created_at"), name="jobs_job_owner_created"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(total__isnull=True) | models.Q(done__lte=models.F("total")),
                name="jobs_job_done_within_total",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(finished_at__isnull=False),
                name="jobs_job_done_has_finish_time",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def has_file(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)
