"""Stored figures (issue 11): the reports' results kept between requests, and the record of
writes that makes them stale.

A report at 300,000 households reads every household's standing, members and benefits: seconds
of counting. Its result only changes when the data it reads does, so it is stored with the
*figures version* it was computed at (`reports.figures`) and served again until the version
moves. On PostgreSQL every write statement to a table the reports read adds a `FiguresChange`
row from a trigger (migration 0001), whatever wrote it: a form, a bulk import, the COPY of the
synthetic data, a cascade or the admin. Nothing in Python has to remember to invalidate.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class FiguresChange(models.Model):
    """One write statement to a table the reports read (weight 1), or many older ones folded
    into one row by `reports.figures.prune` (their number as its weight). The figures version
    is the sum of the weights: it grows with every committed write and never goes back."""

    weight = models.BigIntegerField(_("weight"), default=1)
    at = models.DateTimeField(_("at"), db_default=Now())

    class Meta:
        verbose_name = _("figures change")
        verbose_name_plural = _("figures changes")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M:%S} ×{self.weight}"


class FiguresSnapshot(models.Model):
    """A computed result (a report, the worklists' counts) under its key (what was asked and
    by whose scope), with the figures version it was computed at."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    version = models.BigIntegerField(_("figures version"))
    data = models.BinaryField(_("data"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    compute_ms = models.PositiveIntegerField(_("time to compute (ms)"), default=0)
    # When a request found it stale and asked the job worker for the current figures
    # (`reports.figures.stored_or_previous`); cleared when they are stored.
    refresh_asked_at = models.DateTimeField(_("refresh asked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stored figures")
        verbose_name_plural = _("stored figures")

    def __str__(self) -> str:
        return f"{self.key} @{self.version}"
