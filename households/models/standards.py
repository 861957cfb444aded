"""National poverty standards as data: validity, rule, income lines, dimensions, indicators.

`households.standards` reads these rows into the engine's `PovertyStandard`s
(`households.classification`), which decide every status; nothing else reads them. A new
standard, or new lines for an existing one, is a data migration (as 0013 wrote 2016–2020,
2022–2025, 2026 and 2027–2030), never a change to the engine or its callers. The rows are
read once per process, so they are not edited in the admin: a deployment's migrate and
restart brings a change to every process.

Texts are kept as the official Vietnamese wording with an English version for the English
interface; the engine shows the one of the active language.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from households.classification import RuleKind
from households.models.assessments import DEPRIVATION_COLUMNS, AreaChoice
from households.roster import RosterRule


class RuleChoice(models.TextChoices):
    INCOME_OR_DEPRIVATIONS = (
        RuleKind.INCOME_OR_DEPRIVATIONS.value,
        RuleKind.INCOME_OR_DEPRIVATIONS.label,
    )
    INCOME_AND_DEPRIVATIONS = (
        RuleKind.INCOME_AND_DEPRIVATIONS.value,
        RuleKind.INCOME_AND_DEPRIVATIONS.label,
    )


class Standard(models.Model):
    """One national poverty standard: when it applies and which rule decides a status.

    `figures_confirmed` is False while a figure of it has only been read in secondary sources
    (UNCONFIRMED in REFERENCE.md); `source_note` says where each figure comes from.
    """

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    legal_basis_en = models.CharField(_("legal basis (English)"), max_length=300)
    valid_from = models.DateField(_("applies from"))
    valid_to = models.DateField(_("applies until"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=30, choices=RuleChoice.choices)
    min_deprivations = models.PositiveSmallIntegerField(_("minimum deprived indicators"))
    figures_confirmed = models.BooleanField(
        _("lines and rule checked against the legal text"), default=False
    )
    source_note = models.TextField(_("sources"), blank=True)

    class Meta:
        verbose_name = _("poverty standard")
        verbose_name_plural = _("poverty standards")
        ordering = ["valid_from", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="standard_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(min_deprivations__gte=1), name="standard_min_deprivations_positive"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=RuleChoice.values), name="standard_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class StandardLine(models.Model):
    """A standard's income lines for one area, in đồng per person per month, each inclusive.

    The Decree 07/2021 rule has one line for the poor and the near-poor: no near-poverty
    line. The average-living line only where the standard's text sets one.
    """

    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="lines", verbose_name=_("standard")
    )
    area = models.CharField(_("area"), max_length=5, choices=AreaChoice.choices)
    poverty_line = models.PositiveBigIntegerField(_("poverty line"))
    near_poverty_line = models.PositiveBigIntegerField(
        _("near-poverty line"), null=True, blank=True
    )
    average_living_line = models.PositiveBigIntegerField(
        _("average-living line"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("income line")
        verbose_name_plural = _("income lines")
        ordering = ["standard", "area"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "area"], name="standard_line_per_area"),
            models.CheckConstraint(
                condition=Q(area__in=AreaChoice.values), name="standard_line_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(poverty_line__gt=0)
                & (Q(near_poverty_line__isnull=True) | Q(near_poverty_line__gt=F("poverty_line")))
                # Each comparison guarded by its IS NULL: a CHECK that comes out NULL passes.
                & (
                    Q(average_living_line__isnull=True)
                    | (
                        Q(near_poverty_line__isnull=True)
                        & Q(average_living_line__gt=F("poverty_line"))
                    )
                    | (
                        Q(near_poverty_line__isnull=False)
                        & Q(average_living_line__gt=F("near_poverty_line"))
                    )
                ),
                name="standard_lines_increase",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.area}"


class StandardDimension(models.Model):
    """A basic social service a standard measures (health, education …), in its order."""

    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("standard"),
    )
    key = models.SlugField(_("key"), max_length=30)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        ordering = ["standard", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="standard_dimension_key"),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.key}"


class StandardIndicator(models.Model):
    """A deprivation indicator of a standard, with its official wording and threshold.

    `key` names the `Assessment` column that records it (`DEPRIVATION_COLUMNS`): an indicator
    of a later standard measuring the same thing as an earlier one shares its column.
    `derivation` names the rule of `households.roster` that derives it from the members
    ("" when the officer records it).
    """

    standard = models.ForeignKey(
        Standard,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("standard"),
    )
    dimension = models.ForeignKey(
        StandardDimension,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("dimension"),
    )
    key = models.CharField(
        _("key"), max_length=30, choices=[(key, key) for key in DEPRIVATION_COLUMNS]
    )
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    threshold_text = models.TextField(_("deprivation threshold"))
    threshold_text_en = models.TextField(_("deprivation threshold (English)"))
    derivation = models.CharField(
        _("derived from the members by"),
        max_length=40,
        choices=[(rule.value, rule.label) for rule in RosterRule],
        blank=True,
    )
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("deprivation indicator")
        verbose_name_plural = _("deprivation indicators")
        ordering = ["standard", "order", "key"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "key"], name="standard_indicator_key"),
            models.CheckConstraint(
                condition=Q(key__in=DEPRIVATION_COLUMNS),
                name="standard_indicator_is_an_assessment_column",
            ),
            models.CheckConstraint(
                condition=Q(derivation="") | Q(derivation__in=[rule.value for rule in RosterRule]),
                name="standard_indicator_derivation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.key}"
