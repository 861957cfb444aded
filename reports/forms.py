"""The parameters of a periodic report: year, period (year-end or six months), unit, number and
the report's own date, shared by the PDF, the dashboard and its spreadsheet. The period is the
picker's (`households.forms.picker`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from households import standing
from households.forms.picker import period_field
from reports import selectors


def date_field() -> forms.DateField:
    return forms.DateField(
        label=_("Report date"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_(
            "The date on the report; by default today for the period under way, else its last day."
        ),
        error_messages={"invalid": _("Enter the report date as dd/mm/yyyy.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def clean_report_date(form: forms.Form, cleaned: dict[str, Any]) -> None:
    """A report date before the period's start is refused on the `date` field."""
    year, day = cleaned.get("year"), cleaned.get("date")
    if year is None or day is None:
        return
    period = standing.period(year, cleaned.get("period") or standing.ANNUAL)
    try:
        selectors.check_report_date(period, day)
    except ValidationError as error:
        form.add_error("date", error)


class PeriodicReportForm(forms.Form):
    """The PDF's parameters (`reports:periodic_pdf`)."""

    year = forms.IntegerField(
        label=_("Year"),
        min_value=2016,
        max_value=2100,
        error_messages={"required": _("Choose the year of the report.")},
    )
    period = period_field()
    unit = forms.SlugField(label=_("Ward / commune"), required=False, max_length=40)
    number = forms.CharField(label=_("Document number"), required=False, max_length=20)
    date = date_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        clean_report_date(self, cleaned)
        return cleaned
