"""The what-if page at /reports/what-if/ (issue 12 item 4): a round under another standard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import field_of
from households import access, units
from households.classification import standards
from households.forms.picker import PeriodPickerForm
from households.models import ReviewRound, Ward
from households.scope import scope_of
from reports import what_if as selector


class WhatIfForm(PeriodPickerForm):
    """The round to reclassify, the standard to apply, and (for the city) the picker's unit."""

    round = forms.TypedChoiceField(
        label=_("Review round"),
        coerce=int,
        error_messages={
            "required": _("Choose a review round."),
            "invalid_choice": _("Choose a review round from the list."),
        },
    )
    standard = forms.ChoiceField(
        label=_("Apply the poverty standard"),
        error_messages={
            "required": _("Choose a poverty standard."),
            "invalid_choice": _("Choose a poverty standard from the list."),
        },
    )

    field_order = ["round", "standard", "ward"]

    def __init__(self, data: Any, *, rounds: list[ReviewRound], wards: list[Ward]) -> None:
        super().__init__(data, wards=wards)
        self.rounds = {r.pk: r for r in rounds}
        field_of(self, "round", forms.ChoiceField).choices = [(r.pk, str(r)) for r in rounds]
        field_of(self, "standard", forms.ChoiceField).choices = [
            (code, std.name) for code, std in standards().items()
        ]


def _rounds() -> list[ReviewRound]:
    return list(ReviewRound.objects.order_by("-year", "kind", "name"))


@login_required
@require_http_methods(["GET", "HEAD"])
def what_if(request: HttpRequest) -> HttpResponse:
    """A round's recognised results as the target standard would class them; saves nothing."""
    access.require(access.can_see_reports(request.user))
    scope = scope_of(request)
    wards = list(Ward.objects.within(scope).select_related("district"))
    rounds = _rounds()
    form = WhatIfForm(request.GET or None, rounds=rounds, wards=wards)
    if form.ward_not_seen():
        raise Http404
    # The units of the round asked for (issue 12): in force on its last day, and the one asked
    # for (a link across a merger), as the dashboard's picker.
    asked_round = request.GET.get("round", "")
    chosen_round = next((r for r in rounds if str(r.pk) == asked_round), None)
    if chosen_round is not None:
        form.offer_units_of(chosen_round.ends_on)
    result = None
    status = 200
    if request.GET:
        if form.is_valid():
            ward_id = form.cleaned_data["ward"]
            # A unit comes with the units merged into it (issue 12): P. Phan Thiết's what-if
            # of 2017 is the list of the 2017 units it took in.
            chosen = units.lineage(ward_id) if ward_id is not None else scope.wards
            result = selector.what_if(
                review_round=form.rounds[form.cleaned_data["round"]],
                target=form.cleaned_data["standard"],
                wards=chosen,
            )
        else:
            status = 400
    return render(
        request,
        "reports/what_if.html",
        {
            "nav": "reports",
            "form": form,
            "result": result,
            "transitions": [
                (selector.BUCKET_LABELS[a], selector.BUCKET_LABELS[b])
                for a, b in selector.TRANSITIONS
            ],
            "buckets": [selector.BUCKET_LABELS[b] for b in selector.BUCKETS],
            "shown_max": selector.CHANGED_SHOWN,
        },
        status=status,
    )
