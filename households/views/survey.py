"""The yearly survey with its live preview, and the opening of ad-hoc reviews (issue 3 §5–6).

The preview runs the survey through `services.assessment_apply_result` on an unsaved
`Assessment`, the very code `assessment_save` runs, so what the officer sees while typing is
what will be recorded; it writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.forms import add_service_error
from households import access, services, standards, standing
from households.access import signed_in_user
from households.classification import get_standard
from households.forms.survey import AdhocReviewForm, SurveyForm
from households.models import (
    Assessment,
    Household,
    IncomeRoute,
    RequestKind,
    ReviewEvent,
    ReviewRound,
)
from households.phieu import Tally, tally
from households.roster import DerivedIndicator, RosterMember, derive_indicators, rules_of
from households.scope import scope_of
from households.views.registry import refuse_archived

SUBMIT = "submit"
# Recompute the preview without saving: the live preview's fallback when JavaScript is off.
PREVIEW = "preview"


@dataclass(frozen=True)
class SurveyPreview:
    """What the preview shows: the engine's result on an unsaved assessment, or why none."""

    result: Assessment | None = None
    error: str = ""
    indicator_count: int = 0
    # The Phiếu B1 answers so far while some items are blank: the running total.
    b1_so_far: Tally | None = None
    # Every B1 item answered but the result refused (a partial table's score that places no
    # income): the answers and their points, shown beside the reason as help.
    b1_answered: Tally | None = None

    @property
    def b1_total(self) -> int:
        """How many items the B1 table has (answered and blank)."""
        so_far = self.b1_so_far
        return 0 if so_far is None else len(so_far.lines) + len(so_far.missing)


@dataclass(frozen=True)
class RoundChoice:
    round: ReviewRound
    assessment: Assessment | None


def _editable_household(request: HttpRequest, pk: int) -> Household:
    household = get_object_or_404(
        Household.objects.within(scope_of(request)).select_related("ward"), pk=pk
    )
    access.require(access.can_edit_household(request.user, household))
    return household


def _round(value: Any, rounds: QuerySet[ReviewRound]) -> ReviewRound | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return rounds.filter(pk=pk).first()


def _derived(roster: list[RosterMember], review_round: ReviewRound) -> dict[str, DerivedIndicator]:
    """The roster indicators of the round's standard on its reference date, each with the
    members who cause it."""
    if not roster:
        return {}
    rules = rules_of(get_standard(review_round.standard))
    return derive_indicators(roster, on=review_round.reference_date, rules=rules)


def _survey_form(
    request: HttpRequest,
    *,
    household: Household,
    review_round: ReviewRound,
    roster: list[RosterMember],
    assessment: Assessment | None = None,
) -> SurveyForm:
    standard = get_standard(review_round.standard)
    # The household's area on the survey's day (the unit's, `Ward.area_on`) picks the B1 table.
    area = services.assessment_area(
        assessment or Assessment(household=household, round=review_round)
    )
    kwargs: dict[str, Any] = {
        "standard": standard,
        "derived": _derived(roster, review_round),
        "card": standards.score_card(standard.code, area),
        "criteria": standards.screening_criteria(standard.code),
    }
    if assessment is not None:
        causes = tuple(assessment.causes.values_list("pk", flat=True))
        needs = tuple(assessment.needs.values_list("pk", flat=True))
        kwargs |= {
            "initial": {**SurveyForm.initial_for(assessment), "causes": causes, "needs": needs},
            "chosen_causes": causes,
            "chosen_needs": needs,
            "versioned": True,
        }
    data = request.POST if request.method == "POST" else None
    return SurveyForm(data, **kwargs)


def _preview(
    *,
    household: Household,
    review_round: ReviewRound,
    roster: list[RosterMember],
    form: SurveyForm,
    saved: Assessment | None = None,
) -> SurveyPreview:
    """The result the engine gives for what the form holds (or `saved` holds), without writing."""
    count = len(form.standard.indicators)
    if saved is not None and not saved.is_editable and not form.is_bound:
        # Under review or recognised: the recorded result stands, whatever the roster says now.
        return SurveyPreview(result=saved, indicator_count=count)
    if not roster:
        return SurveyPreview(error=_("The household has no members: enter the roster first."))
    so_far: Tally | None = None
    if form.is_bound:
        errors = form.errors  # validates the form
        route = form.route()
        if route == IncomeRoute.PHIEU_B and form.card is not None:
            so_far = tally(form.card, form.b1_answers())
            if so_far.missing:
                return SurveyPreview(indicator_count=count, b1_so_far=so_far)
        for name in ("income_route", "income_per_capita", "screened_out"):
            if name in errors:
                return SurveyPreview(
                    error=str(errors[name][0]), indicator_count=count, b1_answered=so_far
                )
        survey: dict[str, Any] = {
            "income_route": route,
            "income_per_capita": form.cleaned_data["income_per_capita"]
            if route == IncomeRoute.TYPED
            else None,
            "b1_answers": form.b1_answers() if route == IncomeRoute.PHIEU_B else {},
            "screened_out": form.screened_out() if route == IncomeRoute.PHIEU_A else [],
        }
        deprivations = form.deprivations()
    elif saved is not None:
        survey = {
            "income_route": saved.income_route,
            "income_per_capita": saved.income_per_capita,
            "b1_answers": saved.b1_answers,
            "screened_out": saved.screened_out,
        }
        deprivations = {key: getattr(saved, key) for key in form.standard.indicator_keys}
    else:
        return SurveyPreview(indicator_count=count)
    trial = Assessment(household=household, round=review_round, **survey, **deprivations)
    try:
        services.assessment_apply_result(trial, roster)
    except ValidationError as exc:
        return SurveyPreview(
            error=" ".join(exc.messages), indicator_count=count, b1_answered=so_far
        )
    return SurveyPreview(result=trial, indicator_count=count)


def _save(
    request: HttpRequest,
    form: SurveyForm,
    *,
    household: Household,
    review_round: ReviewRound,
    expected_version: int,
) -> Assessment:
    data = form.cleaned_data
    with transaction.atomic():
        assessment = services.assessment_save(
            household=household,
            round=review_round,
            income_per_capita=data["income_per_capita"],
            income_route=form.route(),
            b1_answers=form.b1_answers(),
            screened_out=form.screened_out(),
            deprivations=form.deprivations(),
            household_type=data["household_type"],
            causes=data["causes"],
            needs=data["needs"],
            expected_to_escape=data["expected_to_escape"],
            notes=data["notes"],
            expected_version=expected_version,
            by=signed_in_user(request),
        )
        if request.POST.get("action") == SUBMIT:
            assessment = services.assessment_submit(
                assessment=assessment, by=signed_in_user(request)
            )
    if request.POST.get("action") == SUBMIT:
        messages.success(
            request,
            _("The survey for %(round)s was saved and submitted for review.")
            % {"round": review_round},
        )
    else:
        messages.success(
            request,
            _("The survey for %(round)s was saved: %(result)s")
            % {"round": review_round, "result": assessment.explanation},
        )
    return assessment


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new survey of a household in a periodic review round (`?round=`, default the latest
    round it has not been surveyed in); rounds already surveyed link to that survey."""
    household = _editable_household(request, pk)
    if refused := refuse_archived(request, household):
        return refused
    periodic = list(ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC))
    surveyed = {
        a.round_id: a
        for a in household.assessments.filter(round__kind=ReviewRound.Kind.PERIODIC).only(
            "pk", "round_id", "state", "household_id"
        )
    }
    rounds = [RoundChoice(r, surveyed.get(r.pk)) for r in periodic]
    wanted = request.POST.get("round") if request.method == "POST" else request.GET.get("round")
    if wanted:
        review_round = next((r for r in periodic if str(r.pk) == wanted), None)
        if review_round is None:
            raise Http404
        existing = surveyed.get(review_round.pk)
        if existing is not None and request.method == "GET":
            return redirect("households:assessment_edit", pk=existing.pk)
    else:
        review_round = next((r for r in periodic if r.pk not in surveyed), None)

    context: dict[str, Any] = {
        "nav": "households",
        "household": household,
        "assessment": None,
        "rounds": rounds,
        "review_round": review_round,
        "editable": True,
    }
    if review_round is None:
        return render(request, "households/assessment_form.html", context)

    context["survey_unit"] = services.assessment_unit(household, review_round)
    roster = services.roster_of(household)
    form = _survey_form(request, household=household, review_round=review_round, roster=roster)
    if (
        request.method == "POST"
        and request.POST.get("action") != PREVIEW
        and form.is_valid()
        and roster
    ):
        if review_round.pk in surveyed:
            form.add_error(None, _("This household is already assessed in this round."))
        else:
            try:
                # The form was opened when no survey existed (version 0): if another officer
                # creates one meanwhile, this save is refused instead of overwriting theirs.
                assessment = _save(
                    request,
                    form,
                    household=household,
                    review_round=review_round,
                    expected_version=0,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                return redirect("households:detail", pk=assessment.household_id)
    context |= {
        "form": form,
        "roster_empty": not roster,
        "preview": _preview(
            household=household, review_round=review_round, roster=roster, form=form
        ),
    }
    return render(request, "households/assessment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a survey while it is a draft or returned; otherwise say why it cannot change.

    Optimistic locking: the form carries the version it was opened at; when someone saved in
    between, the save is refused, the typed values stay and the saved survey is shown beside.
    """
    assessment = get_object_or_404(
        Assessment.objects.filter(
            household__in=Household.objects.within(scope_of(request))
        ).select_related("household__ward", "ward", "round", "corrects__round"),
        pk=pk,
    )
    household = assessment.household
    access.require(access.can_edit_household(request.user, household))
    if refused := refuse_archived(request, household):
        return refused
    review_round = assessment.round
    roster = services.roster_of(household)
    form = _survey_form(
        request,
        household=household,
        review_round=review_round,
        roster=roster,
        assessment=assessment,
    )
    stale = False
    if request.method == "POST" and request.POST.get("action") != PREVIEW and form.is_valid():
        try:
            _save(
                request,
                form,
                household=household,
                review_round=review_round,
                expected_version=form.cleaned_data["version"],
            )
        except services.StaleEditError as exc:
            stale = True
            assessment.refresh_from_db()
            # Keep what was typed; the next save deliberately replaces what is shown as saved.
            data = request.POST.copy()
            data["version"] = str(assessment.version)
            form.data = data
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            assessment.refresh_from_db()
            add_service_error(form, exc)
        else:
            return redirect("households:detail", pk=household.pk)
    return render(
        request,
        "households/assessment_form.html",
        {
            "nav": "households",
            "household": household,
            "assessment": assessment,
            "review_round": review_round,
            "survey_unit": assessment.ward,
            "editable": assessment.is_editable,
            "can_withdraw": ReviewEvent.Action.WITHDRAW
            in services.allowed_actions(request.user, assessment),
            "stale": stale,
            "form": form,
            "roster_empty": not roster,
            "preview": _preview(
                household=household,
                review_round=review_round,
                roster=roster,
                form=form,
                saved=assessment,
            ),
            "saved_preview": SurveyPreview(
                result=assessment, indicator_count=len(form.standard.indicators)
            )
            if stale
            else None,
        },
    )


@login_required
@require_POST
def assessment_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live preview fragment (htmx): the engine's result for the form as typed. No writes."""
    household = _editable_household(request, pk)
    review_round = _round(request.POST.get("round"), ReviewRound.objects.all())
    if review_round is None:
        preview = SurveyPreview(error=_("Choose a review round."))
    else:
        roster = services.roster_of(household)
        form = _survey_form(request, household=household, review_round=review_round, roster=roster)
        preview = _preview(household=household, review_round=review_round, roster=roster, form=form)
    return render(request, "households/includes/survey_preview.html", {"preview": preview})


@login_required
@require_http_methods(["GET", "POST"])
def adhoc_review_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an ad-hoc review (Circular 17/2016 Art. 4): a new draft in an ad-hoc round."""
    household = _editable_household(request, pk)
    if refused := refuse_archived(request, household):
        return refused
    adhoc_rounds = list(ReviewRound.objects.filter(kind=ReviewRound.Kind.AD_HOC))
    initial: dict[str, Any] = {"round": adhoc_rounds[0].pk if adhoc_rounds else None}
    if request.GET.get("request_kind") in RequestKind.values:
        initial["request_kind"] = request.GET["request_kind"]
    form = AdhocReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_open_adhoc(
                household=household,
                round=data["round"],
                request_kind=data["request_kind"],
                request_date=data["request_date"],
                by=signed_in_user(request),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Ad-hoc review opened (%(round)s): check the survey below, correct what has "
                    "changed, then submit it."
                )
                % {"round": assessment.round},
            )
            return redirect("households:assessment_edit", pk=assessment.pk)
    return render(
        request,
        "households/adhoc_form.html",
        {
            "nav": "households",
            "household": household,
            "form": form,
            "has_rounds": bool(adhoc_rounds),
            "base": standing.latest_recognised(household),
        },
    )
