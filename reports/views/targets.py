"""Targets per ward and year (issue 4 §8; plan section II): households planned to escape poverty
against those expected to escape (forecast on the list in force in the year) and those that
escaped (`households.standing`), with the poor rate: the dashboard's own figures
(`reports.selectors.target_figures`), so both pages always agree.

A programmes page (`programs:targets`, in the programmes' menu) that reads the report engine's
stored figures: its code is this app's (`giamngheo.layers`), its address the programmes'
(`giamngheo.urls`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import add_service_error
from households import standing
from households.access import AuthenticatedRequest, require
from households.forms.picker import PeriodPickerForm
from households.models import Ward
from households.scope import scope_of
from programs import access, services
from programs.forms_committee import TargetForm
from programs.models import WardTarget
from reports import figures as stored_figures
from reports.selectors import TargetFigures


@dataclass
class TargetRow:
    """One ward's line: its targets, and the dashboard's own figures for it
    (`reports.selectors.target_figures`): poor households and rate at the end of the year,
    households expected to escape and those that escaped, each with its list."""

    ward: Ward
    target: WardTarget | None
    figures: TargetFigures
    form: TargetForm | None

    @property
    def poor(self) -> int:
        return int(self.figures.poor.value or 0)

    @property
    def poor_rate(self) -> Decimal | None:
        return self.figures.poor_rate

    @property
    def expected(self) -> int:
        return int(self.figures.expected.value or 0)

    @property
    def escaped(self) -> int:
        return int(self.figures.escaped.value or 0)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def target_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    can_edit = access.can_set_targets(user)
    periodic = standing.periodic_years()
    years = sorted(
        set(periodic) | set(WardTarget.objects.values_list("year", flat=True).distinct())
        or {timezone.localdate().year},
        reverse=True,
    )
    picker = PeriodPickerForm(
        request.POST if request.method == "POST" else request.GET, years=years
    )
    picker.is_valid()  # a year not offered: the latest
    year = picker.chosen_year() or years[0]
    # The units of the year (in force on its last day: issue 12), as the report's rows.
    wards = list(
        Ward.objects.within(scope_of(request))
        .in_force(standing.period(year).last_day)
        .order_by("display_order")
    )
    posted_ward: int | None = None
    posted_form: TargetForm | None = None
    if request.method == "POST":
        require(can_edit)
        ward_value = str(request.POST.get("ward", ""))
        ward = next((w for w in wards if str(w.pk) == ward_value), None)
        if ward is None:
            messages.error(request, _("Choose a ward / commune from the table."))
            return redirect(f"{reverse('programs:targets')}?year={year}")
        posted_ward = ward.pk
        posted_form = TargetForm(request.POST, prefix=f"w{ward.pk}")
        if posted_form.is_valid():
            try:
                services.ward_target_save(ward=ward, year=year, **posted_form.cleaned_data, by=user)
            except ValidationError as error:
                add_service_error(posted_form, error)
            else:
                messages.success(
                    request,
                    _("The targets of %(ward)s for %(year)s were saved.")
                    % {"ward": ward, "year": year},
                )
                return redirect(f"{reverse('programs:targets')}?year={year}")

    ward_ids = [w.pk for w in wards]
    targets = {t.ward_id: t for t in WardTarget.objects.filter(year=year, ward_id__in=ward_ids)}
    figures, total = stored_figures.target_figures(scope=scope_of(request), year=year)
    by_ward = {f.ward.pk: f for f in figures if f.ward is not None}
    rows = []
    for ward in wards:
        target = targets.get(ward.pk)
        form = None
        if can_edit:
            if ward.pk == posted_ward:
                form = posted_form
            else:
                initial = (
                    {
                        "households_to_escape": target.households_to_escape,
                        "total_households": target.total_households,
                        "rate_reduction_min": target.rate_reduction_min,
                        "rate_reduction_max": target.rate_reduction_max,
                    }
                    if target
                    else {}
                )
                form = TargetForm(initial=initial, prefix=f"w{ward.pk}")
        rows.append(TargetRow(ward=ward, target=target, figures=by_ward[ward.pk], form=form))
    return render(
        request,
        "programs/target_list.html",
        {
            "nav": "targets",
            "year": year,
            "years": years,
            "rows": rows,
            "has_review": year in periodic,
            "period": standing.period(year),
            "can_edit": can_edit,
            "open_ward": posted_ward,
            "planned": sum(r.target.households_to_escape for r in rows if r.target),
            "total": total,
        },
    )
