"""Targets per ward and year (issue 4 §8; plan section II): households planned to escape poverty
against those the survey expects to escape and, a year later, those that did."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.access import require
from households.models import Assessment, PovertyStatus, ReviewRound, Ward
from programs import access, services
from programs.forms_committee import TargetForm
from programs.models import WardTarget


@dataclass
class TargetRow:
    ward: Ward
    target: WardTarget | None
    expected: int
    poor: int
    escaped: int | None  # None until the next year's periodic round exists
    expected_link: str
    escaped_link: str
    form: TargetForm | None

    @property
    def poor_rate(self) -> Decimal | None:
        if self.target is None or not self.target.total_households:
            return None
        return (Decimal(self.poor * 100) / self.target.total_households).quantize(Decimal("0.01"))


def _counts(review_round: ReviewRound | None, ward_ids: list[int]) -> dict[int, dict[str, int]]:
    if review_round is None:
        return {}
    rows = (
        Assessment.objects.filter(round=review_round, household__ward_id__in=ward_ids)
        .values("household__ward_id")
        .annotate(
            expected=Count("pk", filter=Q(expected_to_escape=True)),
            poor=Count("pk", filter=Q(status=PovertyStatus.POOR)),
        )
    )
    return {row["household__ward_id"]: row for row in rows}


def _escaped(
    review_round: ReviewRound | None, next_round: ReviewRound | None, ward_ids: list[int]
) -> dict[int, int]:
    """Poor in the year's round, assessed in the next year's and no longer poor."""
    if review_round is None or next_round is None:
        return {}
    no_longer_poor = Exists(
        Assessment.objects.filter(round=next_round, household=OuterRef("household_id"))
        .exclude(status=PovertyStatus.POOR)
        .exclude(status="")
    )
    rows = (
        Assessment.objects.filter(
            no_longer_poor,
            round=review_round,
            status=PovertyStatus.POOR,
            household__ward_id__in=ward_ids,
        )
        .values("household__ward_id")
        .annotate(n=Count("pk"))
    )
    return {row["household__ward_id"]: row["n"] for row in rows}


def _list_link(**params: Any) -> str:
    return f"{reverse('households:list')}?{urlencode(params)}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def target_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    can_edit = access.can_set_targets(user)
    periodic = {r.year: r for r in ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC)}
    years = sorted(
        set(periodic) | set(WardTarget.objects.values_list("year", flat=True).distinct())
        or {timezone.localdate().year},
        reverse=True,
    )
    source = request.POST if request.method == "POST" else request.GET
    value = str(source.get("year", ""))
    year = int(value) if value.isdigit() and int(value) in years else years[0]
    wards = list(Ward.objects.visible_to(user).order_by("display_order"))
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
                _add_errors(posted_form, error)
            else:
                messages.success(
                    request,
                    _("The targets of %(ward)s for %(year)s were saved.")
                    % {"ward": ward, "year": year},
                )
                return redirect(f"{reverse('programs:targets')}?year={year}")

    review_round = periodic.get(year)
    next_round = periodic.get(year + 1)
    ward_ids = [w.pk for w in wards]
    targets = {t.ward_id: t for t in WardTarget.objects.filter(year=year, ward_id__in=ward_ids)}
    counts = _counts(review_round, ward_ids)
    escaped = _escaped(review_round, next_round, ward_ids)
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
        rows.append(
            TargetRow(
                ward=ward,
                target=target,
                expected=counts.get(ward.pk, {}).get("expected", 0),
                poor=counts.get(ward.pk, {}).get("poor", 0),
                escaped=escaped.get(ward.pk, 0) if next_round else None,
                expected_link=_list_link(escape=1, round=review_round.pk, ward=ward.pk)
                if review_round
                else "",
                escaped_link=_list_link(round=next_round.pk, ward=ward.pk) if next_round else "",
                form=form,
            )
        )
    return render(
        request,
        "programs/target_list.html",
        {
            "nav": "targets",
            "year": year,
            "years": years,
            "rows": rows,
            "review_round": review_round,
            "next_round": next_round,
            "can_edit": can_edit,
            "open_ward": posted_ward,
            "totals": {
                "planned": sum(r.target.households_to_escape for r in rows if r.target),
                "expected": sum(r.expected for r in rows),
                "escaped": sum(r.escaped or 0 for r in rows),
            },
        },
    )


def _add_errors(form: TargetForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
