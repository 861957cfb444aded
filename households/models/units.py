"""Administrative units: the city, its wards and communes, their quarters and hamlets.

Units change over time (issue 12, REFERENCE.md §7): a ward or commune is in force from
`valid_from` to `valid_to`, a unit that ended was merged into a successor (`UnitMerger`), and
a unit's kind may have been another one on earlier days (`WardKindPeriod`). `households.units`
reads them: which unit a place is in on a day, and the area (urban or rural lines) on a day.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import fold_text
from households.classification import Area

if TYPE_CHECKING:
    from households.scope import Scope


class District(models.Model):
    """A district-level unit (huyện / thị xã / thành phố thuộc tỉnh), e.g. Phan Thiết city."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=100)

    class Meta:
        verbose_name = _("city / district")
        verbose_name_plural = _("cities / districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WardQuerySet(models.QuerySet["Ward"]):
    def within(self, scope: Scope) -> WardQuerySet:
        """The wards `scope` sees whole (`households.scope`)."""
        return self if scope.wards is None else self.filter(pk__in=scope.wards)

    def search(self, term: str) -> WardQuerySet:
        """Accent-insensitive: "duc thang" finds Đức Thắng; a code matches exactly."""
        from households.search import folded_search_q

        condition = folded_search_q(term, folded_fields=["name_folded"], exact_fields=["code"])
        return self if condition is None else self.filter(condition)

    def in_force(self, day: datetime.date) -> WardQuerySet:
        """The units that existed on `day` (`Ward.is_in_force`)."""
        return self.in_force_between(day, day)

    def in_force_in_year(self, year: int) -> WardQuerySet:
        """The units that existed on some day of `year` (a year's training, its officers)."""
        return self.in_force_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def in_force_between(self, first: datetime.date, last: datetime.date) -> WardQuerySet:
        """The units that existed on some day from `first` to `last` (both included)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last),
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        )


class Ward(models.Model):
    """A commune-level unit (phường, xã or thị trấn): where households are reviewed and recognised.

    Wards and townships use the urban poverty lines, communes the rural ones
    (Decision 59/2015/QĐ-TTg Art. 1; REFERENCE.md §1.5). `kind` is the unit's kind today (or
    on its last day); `area_on(day)` is the area on a day, the one the poverty lines follow.
    """

    class Kind(models.TextChoices):
        WARD = "ward", _("Ward")
        COMMUNE = "commune", _("Commune")
        TOWNSHIP = "township", _("Township")

    AREA_BY_KIND = {Kind.WARD: Area.URBAN, Kind.TOWNSHIP: Area.URBAN, Kind.COMMUNE: Area.RURAL}

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="wards", verbose_name=_("city / district")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_folded = models.CharField(max_length=100, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Both days are in force; empty: since before the records kept here, or still in force.
    valid_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("Empty: the unit existed before the records kept here begin."),
    )
    valid_to = models.DateField(
        _("in force until"),
        null=True,
        blank=True,
        help_text=_("The unit's last day; empty while it exists."),
    )

    objects = WardQuerySet.as_manager()

    class Meta:
        verbose_name = _("ward / commune")
        verbose_name_plural = _("wards / communes")
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="ward_name_unique_in_district"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="ward_valid_to_after_valid_from",
                violation_error_message=_("A unit cannot end before it begins."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        self.name_folded = fold_text(self.name)

    @property
    def area(self) -> Area:
        """The area of the unit's kind today (or on its last day): `area_on` for a day."""
        return self.AREA_BY_KIND[self.Kind(self.kind)]

    def is_in_force(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def area_on(self, day: datetime.date) -> Area:
        """The area (urban or rural poverty lines) of this place on `day`: of the unit it had
        been merged into by then, with the kind that unit had that day
        (`households.units.area_on`, the one place this is decided)."""
        from households import units

        return units.area_on(self, day)


class UnitMerger(models.Model):
    """`predecessor` ended the day before `effective_from` and became part of `successor`
    (sáp nhập): its place, its households and their history are the successor's from that day.

    One successor per unit: a unit split between several would need another row kind. Written
    by data migrations and `households.services.units.units_merge`, never edited in the admin
    (`households.units` keeps the successions in memory).
    """

    predecessor = models.OneToOneField(
        Ward,
        on_delete=models.PROTECT,
        related_name="merged_into",
        verbose_name=_("former unit"),
    )
    successor = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="merged_from", verbose_name=_("merged into")
    )
    effective_from = models.DateField(_("takes effect on"))
    basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("merger of units")
        verbose_name_plural = _("mergers of units")
        ordering = ["effective_from", "successor__display_order", "predecessor__display_order"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="unit_merger_not_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_from:%d/%m/%Y})"


class WardKindPeriod(models.Model):
    """The kind a unit had on earlier days, when it differs from its kind today (a commune
    recognised as a ward keeps its rural lines up to the day before): `Ward.area_on` reads it.
    Days not covered by a row have the unit's current `kind`."""

    ward = models.ForeignKey(
        Ward,
        on_delete=models.CASCADE,
        related_name="kind_periods",
        verbose_name=_("ward / commune"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Ward.Kind.choices)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"))
    basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("earlier kind of a unit")
        verbose_name_plural = _("earlier kinds of units")
        ordering = ["ward", "valid_to"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="ward_kind_period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward}: {self.get_kind_display()} → {self.valid_to:%d/%m/%Y}"


class Quarter(models.Model):
    """A quarter (khu phố) of a ward or a hamlet (thôn) of a commune."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("Quarter")
        HAMLET = "hamlet", _("Hamlet")

    ward = models.ForeignKey(
        Ward, on_delete=models.PROTECT, related_name="quarters", verbose_name=_("ward / commune")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("quarter / hamlet")
        verbose_name_plural = _("quarters / hamlets")
        ordering = ["ward__display_order", "display_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="quarter_name_unique_in_ward"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.ward}"
