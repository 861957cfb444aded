"""The one picker of what a page shows: the year, the period and the ward / commune (issue 13 A).

The dashboard, the what-if page, the worklists, the committee list and the training and target
pages read their `?year=`, `?period=` and `?ward=` through it; the household list, whose year and
period are those of a movement's link, offers its units with `unit_choices` as it does.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from giamngheo.forms import BootstrapFormMixin, field_of
from households import standing, units
from households.models import Ward

PERIOD_CHOICES = [
    (standing.ANNUAL, _("Year-end review")),
    (standing.SIX_MONTH, _("Six-month preliminary review")),
]


def period_field() -> forms.ChoiceField:
    """The period of a year's figures: the year-end review (blank) or the six-month review."""
    return forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=PERIOD_CHOICES,
        error_messages={
            "invalid_choice": _("The period is either the year-end review or the six-month review.")
        },
    )


def unit_choices(wards: Iterable[Ward]) -> list[tuple[Any, Any]]:
    """The choices of a ward / commune select: all of them, then each unit with its kind."""
    return [("", _("All wards and communes")), *((w.pk, str(w)) for w in wards)]


class PeriodPickerForm(BootstrapFormMixin, forms.Form):
    """The year, the period and the ward / commune a page shows, from its query string.

    - `year`, given `years` (newest first): one of them; blank is `default_year` (the first
      year when none is given), shown selected; a year not offered is refused with a message
      and the default is shown.
    - `period`, with `periods=True`: the year-end review (blank) or the six-month review.
    - `ward`, given `wards` (the units the user sees): one of them, or all. `offer_units_of`
      offers the units in force on a day (a 2017 page the 18 units of then, a 2026 one those
      of the 2025 merger) and the one asked for. A unit the user does not see is refused like
      any other choice; a page that answers it with a 404 asks `ward_not_seen()`.

    A page without a year, a period or a ward leaves the field out.
    """

    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": _("There is no periodic review for this year; the latest is shown.")
        },
    )
    period = period_field()
    ward = forms.TypedChoiceField(
        label=_("Ward / commune"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a ward / commune from the list.")},
    )

    def __init__(
        self,
        data: Any,
        *,
        years: Sequence[int] | None = None,
        default_year: int | None = None,
        periods: bool = False,
        wards: Sequence[Ward] | None = None,
        **kwargs: Any,
    ) -> None:
        if default_year is None and years:
            default_year = years[0]
        self.default_year = default_year
        asks_no_year = data is not None and not data.get("year")
        if years is not None and asks_no_year and self.default_year is not None:
            # The select shows the year the page is built for, not the first year offered.
            data = data.copy()
            data["year"] = str(self.default_year)
        super().__init__(data, **kwargs)
        if years is None:
            del self.fields["year"]
        else:
            field_of(self, "year", forms.ChoiceField).choices = [(y, str(y)) for y in years]
        if not periods:
            del self.fields["period"]
        self.wards = {w.pk: w for w in wards or ()}
        if wards is None:
            del self.fields["ward"]
            self.offered: list[Ward] = []
        else:
            self._offer(list(wards))

    def _offer(self, wards: list[Ward]) -> None:
        self.offered = wards
        field_of(self, "ward", forms.ChoiceField).choices = unit_choices(wards)

    @property
    def single_ward(self) -> bool:
        """One unit (or none) to choose from: the page shows no ward select."""
        return len(self.offered) <= 1

    def _asked_ward(self) -> int | None:
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is not None:
            return cleaned.get("ward")
        raw = str((self.data or {}).get("ward", ""))
        return int(raw) if raw.isdigit() else None

    def ward_not_seen(self) -> bool:
        """The query names a ward by a number that is none of the user's wards."""
        raw = str((self.data or {}).get("ward", ""))
        return raw.isdigit() and int(raw) not in self.wards

    def offer_units_of(self, day: datetime.date) -> None:
        """Offer the units in force on `day` (the last day of the period shown) and the one
        asked for, which a link across a merger may name (`households.units.offered`)."""
        self._offer(units.offered(self.wards.values(), day, keep=self._asked_ward()))

    def chosen_year(self) -> int | None:
        return getattr(self, "cleaned_data", {}).get("year") or self.default_year

    @property
    def chosen_period(self) -> str:
        return getattr(self, "cleaned_data", {}).get("period") or standing.ANNUAL

    def chosen_ward(self) -> Ward | None:
        """The ward asked for, if it is one of the user's; None for all."""
        ward_id = getattr(self, "cleaned_data", {}).get("ward")
        return self.wards.get(ward_id) if ward_id is not None else None
