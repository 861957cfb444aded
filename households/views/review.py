"""The review of Circular 17/2016/TT-BLĐTBXH in the browser: one page per step, and each ward's
progress with the bulk steps (a meeting reviews a whole quarter's list, one decision of the ward
chairman recognises a whole ward's: the ward's officer records it; the city returns).

The rules, the states a step starts from and who may take it are `households.services.review`'s;
these views look the assessment up in the user's scope (another ward's is a 404), refuse the wrong
role (403), say so when a step is not possible now, and put the services' messages on the fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from giamngheo.forms import add_service_error
from households import access, selectors, services, units
from households.forms.review import (
    BulkDecisionForm,
    BulkMeetingForm,
    BulkPostingForm,
    MeetingForm,
    PostingForm,
    RecogniseForm,
    ReturnForm,
    ReviewStepForm,
    RoundChoiceForm,
)
from households.models import (
    Asker,
    Assessment,
    Household,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    Ward,
)
from households.scope import Scope, scope_of
from households.services.review import may_take

Action = ReviewEvent.Action


def _visible_assessments(scope: Scope) -> QuerySet[Assessment]:
    return Assessment.objects.filter(household__in=Household.objects.within(scope))


def _get_assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(
        _visible_assessments(scope_of(request)).select_related(
            "household__ward", "household__quarter", "round"
        ),
        pk=pk,
    )


def _not_now(assessment: Assessment) -> str:
    return _("%(household)s: this step is not possible while the assessment is “%(state)s”.") % {
        "household": assessment.household,
        "state": assessment.get_state_display(),
    }


def _to_household(assessment: Assessment) -> HttpResponseRedirect:
    return redirect("households:detail", pk=assessment.household_id)


# --- Submit and withdraw: a button on the household page ----------------------------------


def _quick_step(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    perform: Callable[..., Assessment],
    done: Promise,
) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    # The role first, so the wrong role is a 403 whatever the state.
    access.require(may_take(request.user, action, assessment.household))
    if action not in services.allowed_actions(request.user, assessment):
        messages.error(request, _not_now(assessment))
        return _to_household(assessment)
    try:
        perform(assessment=assessment, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done) % {"household": assessment.household})
    return _to_household(assessment)


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _quick_step(
        request,
        pk,
        action=Action.SUBMIT,
        perform=services.assessment_submit,
        done=gettext_lazy("%(household)s: the survey was submitted for the community review."),
    )


@login_required
@require_POST
def assessment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _quick_step(
        request,
        pk,
        action=Action.WITHDRAW,
        perform=services.assessment_withdraw,
        done=gettext_lazy("%(household)s: the survey was withdrawn and can be changed again."),
    )


# --- The steps with a form: meeting, posting, decision, return ----------------------------


@dataclass(frozen=True)
class Step:
    action: str
    form_class: type[ReviewStepForm]
    perform: Callable[..., Assessment]
    title: Promise
    intro: Promise
    button: Promise
    done: Promise
    button_class: str = "btn-primary"


MEETING = Step(
    action=Action.MEETING,
    form_class=MeetingForm,
    perform=services.assessment_record_meeting,
    title=gettext_lazy("Record the community meeting"),
    intro=gettext_lazy(
        "The community meeting (họp dân) of the quarter or hamlet reviews the survey results. "
        "Record its date, how many people attended, the share agreeing and its minutes."
    ),
    button=gettext_lazy("Record the meeting"),
    done=gettext_lazy("%(household)s: the community meeting was recorded."),
)
POSTING = Step(
    action=Action.POSTING,
    form_class=PostingForm,
    perform=services.assessment_record_posting,
    title=gettext_lazy("Record the public posting"),
    intro=gettext_lazy(
        "After the meeting the list is posted publicly at the ward's People's Committee and the "
        "quarter's or hamlet's cultural house. Record the first and last day of the posting."
    ),
    button=gettext_lazy("Record the posting"),
    done=gettext_lazy("%(household)s: the public posting was recorded."),
)
RECOGNISE = Step(
    action=Action.RECOGNISE,
    form_class=RecogniseForm,
    perform=services.assessment_recognise,
    title=gettext_lazy("Record the recognition decision"),
    intro=gettext_lazy(
        "Record the decision of the Chairman of the ward's People's Committee recognising the "
        "result: its number, its date (after the public posting has ended) and who signed it. "
        "A recognised assessment can no longer be changed; a correction is an ad-hoc review."
    ),
    button=gettext_lazy("Record the decision"),
    done=gettext_lazy("%(household)s: the assessment was recognised."),
    button_class="btn-success",
)
RETURN = Step(
    action=Action.RETURN,
    form_class=ReturnForm,
    perform=services.assessment_return,
    title=gettext_lazy("Return to the ward officer"),
    intro=gettext_lazy(
        "The assessment goes back to the ward officer, who corrects the survey and submits it "
        "again. Say what must be checked or corrected."
    ),
    button=gettext_lazy("Return"),
    done=gettext_lazy("%(household)s: the assessment was returned to the ward officer."),
    button_class="btn-danger",
)


def _step_page(request: HttpRequest, pk: int, step: Step) -> HttpResponse:
    assessment = _get_assessment(request, pk)
    access.require(may_take(request.user, step.action, assessment.household))
    if step.action not in services.allowed_actions(request.user, assessment):
        messages.error(request, _not_now(assessment))
        return _to_household(assessment)
    if request.method == "POST":
        form = step.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                step.perform(assessment=assessment, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, str(step.done) % {"household": assessment.household})
                return _to_household(assessment)
    else:
        form = step.form_class()
    return render(
        request,
        "households/review_step.html",
        {
            "nav": "households",
            "step": step,
            "form": form,
            "assessment": assessment,
            "household": assessment.household,
            "events": selectors.review_events([assessment.pk])[assessment.pk],
            "multipart": step.action == Action.MEETING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, MEETING)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_posting(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, POSTING)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_recognise(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, RECOGNISE)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _step_page(request, pk, RETURN)


# --- The progress of each ward, and the bulk steps ----------------------------------------

# The columns of the progress table, in the order of the review.
PROGRESS_STATES = list(ReviewState)


@dataclass(frozen=True)
class Cell:
    count: int
    url: str


@dataclass(frozen=True)
class ProgressRow:
    ward: Ward | None  # None: the totals row
    not_surveyed: Cell
    states: list[Cell]
    total: int


@dataclass(frozen=True)
class Ticked:
    assessment: Assessment
    ticked: bool


@dataclass(frozen=True)
class DecisionGroup:
    ward: Ward
    rows: list[Ticked]
    form: BulkDecisionForm
    open: bool  # unfolded: the only ward, or the one whose form was just sent
    can_recognise: bool  # the ward's officer (or an administrator) records the decision
    can_return: bool  # the city returns


def _officer_ward(user: Asker) -> int | None:
    """The ward whose meetings and postings the user records on this page, if any."""
    ward_id = getattr(user, "ward_id", None)
    return ward_id if ward_id and access.can_edit_ward(user, ward_id) else None


def _list_url(**params: Any) -> str:
    return f"{reverse('households:list')}?{urlencode(params)}"


def _progress_rows(
    wards: list[Ward], review_round: ReviewRound, scope: Scope
) -> tuple[list[ProgressRow], ProgressRow]:
    """Each ward's assessments in the round by review state (by the unit they were made in),
    and its households not surveyed (registered in it or in a unit merged into it): a unit
    merged since counts in the unit it had become by the round's last day (issue 12)."""
    day = review_round.ends_on
    rows_of = units.row_of(ward.pk for ward in wards)

    def row(unit: int) -> int | None:
        return rows_of.get(units.unit_on(unit, day))

    by_state: dict[tuple[int, str], int] = {}
    for ward_id, state, count in (
        Assessment.objects.filter(round=review_round, household__in=Household.objects.within(scope))
        .values_list("ward_id", "state")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if (at := row(ward_id)) is not None:
            by_state[(at, state)] = by_state.get((at, state), 0) + count
    households: dict[int, int] = {}
    for ward_id, count in (
        Household.objects.within(scope)
        .filter(ward_id__in=list(rows_of))
        .values_list("ward_id")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        if (at := row(ward_id)) is not None:
            households[at] = households.get(at, 0) + count
    rows = []
    for ward in wards:
        counts = [by_state.get((ward.pk, state), 0) for state in PROGRESS_STATES]
        total = sum(counts)
        rows.append(
            ProgressRow(
                ward=ward,
                not_surveyed=Cell(
                    max(households.get(ward.pk, 0) - total, 0),
                    _list_url(ward=ward.pk, round=review_round.pk, status="none"),
                ),
                states=[
                    Cell(count, _list_url(ward=ward.pk, round=review_round.pk, state=state))
                    for count, state in zip(counts, PROGRESS_STATES, strict=True)
                ],
                total=total,
            )
        )
    totals = ProgressRow(
        ward=None,
        not_surveyed=Cell(
            sum(row.not_surveyed.count for row in rows),
            _list_url(round=review_round.pk, status="none"),
        ),
        states=[
            Cell(
                sum(row.states[index].count for row in rows),
                _list_url(round=review_round.pk, state=state),
            )
            for index, state in enumerate(PROGRESS_STATES)
        ],
        total=sum(row.total for row in rows),
    )
    return rows, totals


BULK_ACTIONS = (Action.MEETING, Action.POSTING, Action.RECOGNISE, Action.RETURN)


def _bulk_perform(
    action: str, assessments: list[Assessment], by: Any, data: Mapping[str, Any]
) -> list[Assessment]:
    if action == Action.MEETING:
        return services.assessments_record_meeting(assessments=assessments, by=by, **data)
    if action == Action.POSTING:
        return services.assessments_record_posting(assessments=assessments, by=by, **data)
    if action == Action.RECOGNISE:
        return services.assessments_recognise(
            assessments=assessments,
            by=by,
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            decision_signer=data["decision_signer"],
        )
    return services.assessments_return(assessments=assessments, by=by, reason=data["reason"])


def _bulk_done(action: str, count: int) -> str:
    if action == Action.MEETING:
        text = ngettext(
            "The community meeting was recorded for %(count)d household.",
            "The community meeting was recorded for %(count)d households.",
            count,
        )
    elif action == Action.POSTING:
        text = ngettext(
            "The public posting was recorded for %(count)d household.",
            "The public posting was recorded for %(count)d households.",
            count,
        )
    elif action == Action.RECOGNISE:
        text = ngettext(
            "%(count)d household was recognised.", "%(count)d households were recognised.", count
        )
    else:
        text = ngettext(
            "%(count)d assessment was returned to the ward officer.",
            "%(count)d assessments were returned to the ward officer.",
            count,
        )
    return text % {"count": count}


def _decision_prefix(ward_id: int | str) -> str:
    return f"ward-{ward_id}"


def _progress_url(review_round: ReviewRound) -> str:
    # "#top": the form was sent to its own section's anchor; the message is at the top.
    return f"{reverse('households:review_progress')}?round={review_round.pk}#top"


def _bulk_form(request: HttpRequest, action: str, offered: QuerySet[Assessment]) -> Any:
    """The bound form of the bulk step sent, once the role is checked (403 otherwise).

    A decision covers one ward at a time (`group`): its officer records the chairman's decision,
    the city returns. The ward's officer records meetings and postings. The services check each
    ticked assessment again (another ward's is refused there too).
    """
    user = request.user
    offered = offered.select_related("household__ward", "round")
    if action in (Action.RECOGNISE, Action.RETURN):
        if action == Action.RECOGNISE:
            access.require(_officer_ward(user) is not None or access.is_administrator(user))
        else:
            access.require(access.can_return(user))
        group = request.POST.get("group", "")
        prefix = _decision_prefix(group if group.isdigit() else "0")
        return BulkDecisionForm(request.POST, assessments=offered, prefix=prefix)
    access.require(_officer_ward(user) is not None or access.is_administrator(user))
    form_class = BulkMeetingForm if action == Action.MEETING else BulkPostingForm
    return form_class(request.POST, request.FILES, assessments=offered, prefix=action)


@login_required
@require_http_methods(["GET", "POST"])
def review_progress(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(access.can_follow_review(user))
    scope = scope_of(request)
    rounds = selectors.review_rounds_for_list(scope)
    round_form = RoundChoiceForm(request.GET, rounds=rounds)
    review_round: ReviewRound | None = None
    if round_form.is_valid() and round_form.cleaned_data["round"] is not None:
        review_round = next(r for r in rounds if r.pk == round_form.cleaned_data["round"])
    elif round_form.errors:
        messages.warning(request, " ".join(str(e) for e in round_form.errors["round"]))
    if review_round is None:
        review_round = selectors.default_review_round(rounds)
    if review_round is None:
        return render(request, "households/review_progress.html", {"nav": "review"})

    offered = _visible_assessments(scope).filter(round=review_round)
    bound: Any = None
    bound_action = ""
    if request.method == "POST":
        bound_action = request.POST.get("action", "")
        if bound_action not in BULK_ACTIONS:
            messages.error(request, _("Choose a step to record."))
            return redirect(_progress_url(review_round))
        bound = _bulk_form(request, bound_action, offered)
        if bound.is_valid():
            data = dict(bound.cleaned_data)
            chosen = list(data.pop("assessments"))
            try:
                done = _bulk_perform(bound_action, chosen, user, data)
            except ValidationError as exc:
                add_service_error(bound, exc)
            else:
                messages.success(request, _bulk_done(bound_action, len(done)))
                return redirect(_progress_url(review_round))

    # The units of the round: in force on its last day (issue 12).
    wards = list(Ward.objects.within(scope).in_force(review_round.ends_on))
    rows, totals = _progress_rows(wards, review_round, scope)
    context: dict[str, Any] = {
        "nav": "review",
        "review_round": review_round,
        "round_form": RoundChoiceForm(initial={"round": review_round.pk}, rounds=rounds),
        "states": [ReviewState(state).label for state in PROGRESS_STATES],
        "rows": rows,
        "totals": totals if len(rows) > 1 else None,
    }
    shown: list[Any] = []
    ward_id = _officer_ward(user)
    if access.can_return(user) or ward_id is not None:
        context["decision_groups"] = _decision_groups(offered, bound, bound_action, user)
        context["records_decisions"] = any(g.can_recognise for g in context["decision_groups"])
        context["returns"] = access.can_return(user)
        shown += [group.form for group in context["decision_groups"]]
    if ward_id is not None:
        context.update(_officer_queues(offered, ward_id, bound, bound_action))
        shown += [context["meeting_form"], context["posting_form"]]
    if bound is not None and bound not in shown:
        # Its group is gone (e.g. decided by someone else meanwhile): say why nothing happened.
        for errors in bound.errors.values():
            messages.error(request, " ".join(errors))
    return render(request, "households/review_progress.html", context)


def _ticked(assessments: Iterable[Assessment], form: Any) -> list[Ticked]:
    ticked = form.ticked() if form.is_bound else frozenset()
    return [Ticked(assessment, assessment.pk in ticked) for assessment in assessments]


def _waiting(offered: QuerySet[Assessment], *states: str) -> QuerySet[Assessment]:
    return (
        offered.filter(state__in=states)
        .select_related("ward", "household__ward", "household__quarter")
        .order_by("ward__display_order", "ward__name", "household__code")
    )


def _decision_groups(
    offered: QuerySet[Assessment], bound: Any, bound_action: str, user: Asker
) -> list[DecisionGroup]:
    """The posted assessments waiting for a decision, one group (and one form) per ward they
    were made in (`Assessment.ward`): the ward's officer records the decision of their own
    ward, the city may return any."""
    returns = access.can_return(user)
    by_ward = groupby(_waiting(offered, ReviewState.POSTED), key=lambda a: a.ward)
    grouped = [
        (ward, list(assessments), access.can_edit_ward(user, ward)) for ward, assessments in by_ward
    ]
    grouped = [group for group in grouped if group[2] or returns]
    groups = []
    for ward, assessments, recognises in grouped:
        prefix = _decision_prefix(ward.pk)
        sent = bound_action in (Action.RECOGNISE, Action.RETURN) and bound.prefix == prefix
        form = bound if sent else BulkDecisionForm(assessments=offered, prefix=prefix)
        rows = _ticked(assessments, form)
        groups.append(
            DecisionGroup(
                ward,
                rows,
                form,
                open=sent or len(grouped) == 1,
                can_recognise=recognises,
                can_return=returns,
            )
        )
    return groups


def _officer_queues(
    offered: QuerySet[Assessment], ward_id: int, bound: Any, bound_action: str
) -> dict[str, Any]:
    """The ward's submitted assessments (for the meeting) and those after it (for the posting)."""
    waiting = list(
        _waiting(
            offered.filter(household__ward_id__in=units.lineage(ward_id)),
            ReviewState.SUBMITTED,
            ReviewState.MEETING_HELD,
        )
    )
    meeting_form = (
        bound
        if bound_action == Action.MEETING
        else BulkMeetingForm(assessments=offered, prefix=Action.MEETING)
    )
    posting_form = (
        bound
        if bound_action == Action.POSTING
        else BulkPostingForm(assessments=offered, prefix=Action.POSTING)
    )
    return {
        "meeting_form": meeting_form,
        "meeting_rows": _ticked(
            (a for a in waiting if a.state == ReviewState.SUBMITTED), meeting_form
        ),
        "posting_form": posting_form,
        "posting_rows": _ticked(
            (a for a in waiting if a.state == ReviewState.MEETING_HELD), posting_form
        ),
    }
