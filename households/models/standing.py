"""The stored standings: for each household, the days each of its recognised results counts.

`households.standing` defines which recognised result counts on a day; this table holds the
answer once, as spans of days, so that a page or a report reading the standing of 300,000
households joins one row per household instead of searching its results (issue 11). It is
derived data: `households.standing.refresh_spans` rebuilds it from the assessments whenever a
result is recognised or a household archived or restored, and never holds anything else.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models.assessments import AreaChoice, Assessment, PovertyStatus
from households.models.registry import Household
from households.models.units import Ward

# The end of a span still in force: a far day rather than NULL, so that "in force on D" is
# two plain comparisons an index can serve.
OPEN_END = datetime.date(9999, 12, 31)


class StandingSpan(models.Model):
    """The recognised result `assessment` counts for `household` from `valid_from` up to, not
    including, `valid_until`. A household's spans never overlap; the columns copied from the
    assessment are the ones every count reads."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="standing_spans"
    )
    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="standing_span"
    )
    valid_from = models.DateField()
    valid_until = models.DateField(default=OPEN_END)
    status = models.CharField(max_length=20, choices=PovertyStatus.choices)
    poor_group = models.CharField(max_length=2, blank=True)
    area = models.CharField(max_length=5, choices=AreaChoice.choices)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    income_per_capita = models.PositiveBigIntegerField(null=True)
    deprivation_count = models.PositiveSmallIntegerField(default=0)
    standard = models.CharField(max_length=20)
    # The household's first recognised "poor" result took effect on this day (any of its
    # results, counted or not): "poor before" a period is `first_poor_from <= start`.
    first_poor_from = models.DateField(null=True)

    class Meta:
        verbose_name = _("stored standing")
        verbose_name_plural = _("stored standings")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="standing_span_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "valid_from"], name="standing_span_household_idx"),
            models.Index(fields=["valid_from", "valid_until"], name="standing_span_days_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id}: {self.status} {self.valid_from}–{self.valid_until}"
