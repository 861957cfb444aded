"""Administrative units: the city, its wards and communes, their quarters and hamlets."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import fold_text
from households.classification import Area


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
    def visible_to(self, user: Any) -> WardQuerySet:
        from households.models.users import ward_scope

        scope = ward_scope(user)
        return self if scope is None else self.filter(pk__in=scope)

    def search(self, term: str) -> WardQuerySet:
        """Accent-insensitive: "duc thang" finds Đức Thắng; a code matches exactly."""
        from households.search import folded_search_q

        condition = folded_search_q(term, folded_fields=["name_folded"], exact_fields=["code"])
        return self if condition is None else self.filter(condition)


class Ward(models.Model):
    """A commune-level unit (phường, xã or thị trấn): where households are reviewed and recognised.

    Wards and townships use the urban poverty lines, communes the rural ones
    (Decision 59/2015/QĐ-TTg Art. 1; REFERENCE.md §1.5).
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

    objects = WardQuerySet.as_manager()

    class Meta:
        verbose_name = _("ward / commune")
        verbose_name_plural = _("wards / communes")
        ordering = ["display_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="ward_name_unique_in_district"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        self.name_folded = fold_text(self.name)

    @property
    def area(self) -> Area:
        return self.AREA_BY_KIND[self.Kind(self.kind)]


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
