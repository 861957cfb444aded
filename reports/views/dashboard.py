"""The indicator dashboard at /reports/ and its Excel export (issue 5 §1, §3)."""

from __future__ import annotations

import datetime
import tempfile
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from households import access, standing
from households.access import AuthenticatedRequest
from households.forms.picker import PeriodPickerForm
from households.models import Ward
from households.scope import scope_of
from programs.excel import XLSX_CONTENT_TYPE, write_xlsx_sheets
from reports import figures, selectors
from reports import forms as report_forms
from reports.authorities import plan_of
from reports.sheets import report_sheets


class DashboardForm(PeriodPickerForm):
    """The year, the period and (for users seeing several wards) the ward of the dashboard,
    and the report's date."""

    date = report_forms.date_field()
    field_order = ["year", "ward", "period", "date"]

    def __init__(self, data: Any, *, years: list[int], wards: list[Ward]) -> None:
        super().__init__(data, years=years, periods=True, wards=wards)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("year") is None and self.default_year is not None:
            cleaned["year"] = self.default_year
        report_forms.clean_report_date(self, cleaned)
        return cleaned

    @property
    def chosen_date(self) -> datetime.date | None:
        return getattr(self, "cleaned_data", {}).get("date")

    def chosen(self) -> tuple[int | None, Ward | None]:
        """The year and ward asked for; a ward the user may not see is a 404."""
        if self.ward_not_seen():
            raise Http404
        return self.chosen_year(), self.chosen_ward()


def _form(request: HttpRequest) -> DashboardForm:
    wards = list(Ward.objects.within(scope_of(request)).select_related("district"))
    form = DashboardForm(request.GET, years=selectors.available_years(), wards=wards)
    form.is_valid()  # a bad year gets its message and the latest year is shown
    year = form.chosen_year()
    if year is not None:
        form.offer_units_of(standing.period(year, form.chosen_period).last_day)
    return form


def _charts(data: selectors.ReportData) -> dict[str, Any]:
    """The numbers the charts draw, as JSON for `static/js/charts.js` (no user data in JS)."""
    units = [row for row in data.results.rows if row.level == selectors.UNIT]
    poor_total = data.poor_movements.total
    flows = [c for c in data.poor_movements.columns if c.role in ("in", "out", "of_which")]
    # The poor by group where the year's standard splits them (N1, N2), else as one.
    poor = [g for g in data.deprivation_groups if g != selectors.GROUP_NEAR_POOR]
    columns = {selectors.GROUP_N1: "poor_n1", selectors.GROUP_N2: "poor_n2"}
    return {
        "status": {
            "labels": [row.label for row in units],
            "datasets": [
                *(
                    {
                        "label": data.group_labels[g],
                        "data": [r.value(columns.get(g, "poor")) for r in units],
                    }
                    for g in poor
                ),
                {
                    "label": data.group_labels["near_poor"],
                    "data": [r.value("near_poor") for r in units],
                },
            ],
        },
        "deprivations": {
            "labels": [row.label for row in data.deprivations],
            "datasets": [
                {
                    "label": data.group_labels[g],
                    "data": [r.by_group[g].value for r in data.deprivations],
                }
                for g in data.deprivation_groups
            ],
        },
        "movements": {
            "labels": [c.label for c in flows],
            "datasets": [
                {
                    "label": str(_("Poor households")),
                    "data": [poor_total.value(c.key) if poor_total else 0 for c in flows],
                }
            ],
        },
    }


def _chosen(form: DashboardForm) -> dict[str, Any] | None:
    """What the form asks of `reports.figures`, or None when it asks for nothing to show."""
    year, ward = form.chosen()
    if year is None or form.errors.get("date"):
        return None
    return {
        "year": year,
        "ward": ward,
        "period": form.chosen_period,
        "report_date": form.chosen_date,
    }


def _report(request: HttpRequest, form: DashboardForm) -> selectors.ReportData | None:
    """The current figures (the spreadsheet)."""
    chosen = _chosen(form)
    return None if chosen is None else figures.report(scope=scope_of(request), **chosen)


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """Issue 5 §1: section II of the plan for a year, for the city or one ward."""
    access.require(access.can_see_reports(request.user))
    form = _form(request)
    year, ward = form.chosen()
    chosen = _chosen(form)
    # After a write, the figures of before it while the job worker computes the current ones.
    served = (
        None
        if chosen is None
        else figures.report_or_previous(user=request.user, scope=scope_of(request), **chosen)
    )
    data = served.value if served is not None else None
    unit = (
        ward.code
        if ward is not None
        else (request.user.ward.code if request.user.ward and form.single_ward else "")
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "nav": "reports",
            "form": form,
            "data": data,
            "stale_since": served.stale_since if served is not None else None,
            "year": year,
            "plan": plan_of(year),
            "ward": ward,
            "unit": unit,
            "charts": _charts(data) if data else None,
            "groups": [
                (g, data.group_labels[g], data.group_sizes[g]) for g in data.deprivation_groups
            ]
            if data
            else [],
            "export_query": request.GET.urlencode(),
            "pdf_query": urlencode(
                {
                    k: v
                    for k, v in {
                        "year": year,
                        "unit": unit,
                        "date": form.chosen_date.isoformat() if form.chosen_date else "",
                    }.items()
                    if v
                }
            ),
            "period": form.chosen_period,
            "period_text": selectors.period_text(data.period) if data else "",
            "code_tables": [
                (_("Causes of poverty"), data.causes),
                (_("Support needs"), data.needs),
            ]
            if data
            else [],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard_export(request: HttpRequest) -> HttpResponseBase:
    """Every table of the dashboard as the sheets of one workbook, scoped like the page."""
    access.require(access.can_see_reports(request.user))
    form = _form(request)
    year, ward = form.chosen()
    if year is None:
        raise Http404
    if form.errors.get("date"):
        return render(
            request, "reports/pdf/bad_request.html", {"nav": "reports", "form": form}, status=400
        )
    data = _report(request, form)
    assert data is not None
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    write_xlsx_sheets(spool, report_sheets(data))
    spool.seek(0)
    kind = "so-ket-6-thang-" if form.chosen_period == standing.SIX_MONTH else ""
    filename = f"bao-cao-{kind}{year}-{slugify(ward.code if ward else 'thanh-pho')}.xlsx"
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
