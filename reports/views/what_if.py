"""The what-if page at /reports/what-if/ (issue 12 item 4): a round under another standard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import BootstrapFormMixin, field_of
from households import access, units
from households.classification import standards
from households.models import ReviewRound, Ward
from households.models.users import ward_scope
from reports import what_if as selector


class WhatIfForm(BootstrapFormMixin, forms.Form):
    """The round to reclassify, the standard to apply, and (for the city) one unit."""

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
    ward = forms.TypedChoiceField(
        label=_("Ward / commune"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a ward / commune from the list.")},
    )

    def __init__(self, data: Any, *, rounds: list[ReviewRound], wards: list[Ward]) -> None:
        super().__init__(data)
        self.rounds = {r.pk: r for r in rounds}
        self.wards = {w.pk: w for w in wards}
        field_of(self, "round", forms.ChoiceField).choices = [(r.pk, str(r)) for r in rounds]
        field_of(self, "standard", forms.ChoiceField).choices = [
            (code, std.name) for code, std in standards().items()
        ]
        # A ward asked for that the user does not see is a 404 (`chosen_wards`), not a form
        # error: the choices are every id, so the form only checks the shape.
        field_of(self, "ward", forms.ChoiceField).choices = [
            ("", _("All wards and communes")),
            *((w.pk, str(w)) for w in wards),
        ]
        self.single_ward = len(wards) <= 1


def _rounds() -> list[ReviewRound]:
    return list(ReviewRound.objects.order_by("-year", "kind", "name"))


@login_required
@require_http_methods(["GET", "HEAD"])
def what_if(request: HttpRequest) -> HttpResponse:
    """A round's recognised results as the target standard would class them; saves nothing."""
    access.require(access.can_see_reports(request.user))
    scope = ward_scope(request.user)
    wards = list(Ward.objects.visible_to(request.user).select_related("district"))
    rounds = _rounds()
    asked_ward = request.GET.get("ward")
    if asked_ward and asked_ward.isdigit() and int(asked_ward) not in {w.pk for w in wards}:
        raise Http404
    # The units of the round asked for (issue 12): in force on its last day, and the one asked
    # for (a link across a merger), as the dashboard's picker.
    asked_round = request.GET.get("round", "")
    chosen_round = next((r for r in rounds if str(r.pk) == asked_round), None)
    if chosen_round is not None:
        keep = int(asked_ward) if asked_ward and asked_ward.isdigit() else None
        wards = units.offered(wards, chosen_round.ends_on, keep=keep)
    form = WhatIfForm(request.GET or None, rounds=rounds, wards=wards)
    result = None
    status = 200
    if request.GET:
        if form.is_valid():
            ward_id = form.cleaned_data["ward"]
            # A unit comes with the units merged into it (issue 12): P. Phan Thiết's what-if
            # of 2017 is the list of the 2017 units it took in.
            chosen = units.lineage(ward_id) if ward_id is not None else scope
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
