"""Phiếu A and Phiếu B1 of a poverty standard as data (issue 12): the screening criteria, the B1
item tables per area with their options and points, and the score thresholds.

`households.standards` reads these rows into `households.phieu`'s dataclasses, which score them;
nothing else reads them. A region's table, a corrected point or threshold is a data migration
(0017 wrote 2016–2020's), never code. Every figure is UNCONFIRMED (REFERENCE.md §3.3–3.4):
`ScoreCard.complete` stays False while the table holds only part of the official items.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.models.assessments import AreaChoice
from households.models.standards import Standard


class ScoreCard(models.Model):
    """A standard's Phiếu B1 table for one area: the region's form (e.g. PL3b.3, rural North
    Central & Central Coast, for Phan Thiết's communes) and its thresholds.

    B1 ≤ `poor_max_score` → income at or below the poverty line; ≤ `near_poor_max_score` →
    between the poverty and near-poverty lines (none under a standard with one line); above →
    above the lines. B2 is `deprivation_points` per deprived indicator.
    """

    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="score_cards", verbose_name=_("standard")
    )
    area = models.CharField(_("area"), max_length=5, choices=AreaChoice.choices)
    region = models.CharField(_("region form"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    poor_max_score = models.PositiveSmallIntegerField(_("B1 at most, income at the poverty line"))
    near_poor_max_score = models.PositiveSmallIntegerField(
        _("B1 at most, income at the near-poverty line"), null=True, blank=True
    )
    deprivation_points = models.PositiveSmallIntegerField(_("B2 points per deprivation"))
    complete = models.BooleanField(_("all the official items are loaded"), default=False)
    source_note = models.TextField(_("sources"), blank=True)

    class Meta:
        verbose_name = _("Phiếu B1 table")
        verbose_name_plural = _("Phiếu B1 tables")
        ordering = ["standard", "area"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "area"], name="score_card_per_area"),
            models.CheckConstraint(
                condition=Q(area__in=AreaChoice.values), name="score_card_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(near_poor_max_score__isnull=True)
                | Q(near_poor_max_score__gt=F("poor_max_score")),
                name="score_card_thresholds_increase",
            ),
            models.CheckConstraint(
                condition=Q(deprivation_points__gte=1), name="score_card_b2_points_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.area} {self.region}"


class ScoreItem(models.Model):
    """One characteristic of a B1 table (household size, dependants …), in the form's order."""

    card = models.ForeignKey(
        ScoreCard, on_delete=models.CASCADE, related_name="items", verbose_name=_("B1 table")
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("Phiếu B1 item")
        verbose_name_plural = _("Phiếu B1 items")
        ordering = ["card", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["card", "key"], name="score_item_key"),
        ]

    def __str__(self) -> str:
        return self.label


class ScoreOption(models.Model):
    """One answer to a B1 item and the points it gives."""

    item = models.ForeignKey(
        ScoreItem, on_delete=models.CASCADE, related_name="options", verbose_name=_("B1 item")
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    points = models.PositiveSmallIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("Phiếu B1 answer")
        verbose_name_plural = _("Phiếu B1 answers")
        ordering = ["item", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="score_option_key"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.key}"


class ScreeningCriterion(models.Model):
    """One Phiếu A criterion of a standard: a household that has it is left out of the review
    as clearly not poor (Circular 17/2016, Phụ lục 2a; wording UNCONFIRMED)."""

    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="screening_criteria",
        verbose_name=_("standard"),
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"))
    source_note = models.TextField(_("sources"), blank=True)

    class Meta:
        verbose_name = _("Phiếu A criterion")
        verbose_name_plural = _("Phiếu A criteria")
        ordering = ["standard", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="screening_criterion_key"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.key}"
