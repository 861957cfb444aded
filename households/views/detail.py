"""The household page (issue 3 §4): roster, every assessment and its review, the programmes;
and its change history (§8) on a page of its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.services import record_view
from households import access, extensions, selectors, services, standing, units
from households.cards import holds_valid_card
from households.history import household_history
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    SupportNeed,
)
from households.scope import scope_of


@dataclass(frozen=True)
class AssessmentCard:
    assessment: Assessment
    dimensions: list[selectors.DimensionRow]
    causes: list[PovertyCause]
    needs: list[SupportNeed]
    # How many review steps it has: the steps themselves are read when the card's list is opened
    # (`assessment_review_steps`).
    review_steps: int
    corrects_round_name: str | None
    actions: list[str]
    can_edit: bool


@dataclass(frozen=True)
class MemberRow:
    member: Member
    age: int
    card_expired: bool


@login_required
@require_http_methods(["GET", "HEAD"])
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = get_object_or_404(
        # The programmes section's officer comes with the household: no query of its own. No
        # more joins than the page shows: each costs PostgreSQL's planner (0.3 ms for the
        # quarter's ward and the officer's agency, which the page does not show) and Python a
        # compiled column each. Who archived it is read only on an archived household's page.
        Household.objects.within(scope_of(request)).select_related(
            "ward", "quarter", "assignment__member"
        ),
        pk=pk,
    )
    today = timezone.localdate()
    archived = household.archived_at is not None
    # An archived household is kept as it was: no edit, survey or review step (issue 10).
    can_edit = access.can_edit_household(user, household) and not archived
    # Explicit orders: the models' default ones join the household and the ward.
    members = [_member_row(m, today) for m in household.members.order_by("id")]
    assessments = list(
        household.assessments.select_related("round").order_by(
            "-round__reference_date", "-round__starts_on", "-pk"
        )
    )
    ids = [a.pk for a in assessments]
    corrected = _corrected_round_names(assessments)
    causes, needs = selectors.causes_and_needs(ids)
    steps = selectors.review_step_counts(ids)
    cards = [
        AssessmentCard(
            assessment=a,
            dimensions=selectors.assessment_dimensions(a),
            causes=causes[a.pk],
            needs=needs[a.pk],
            review_steps=steps[a.pk],
            corrects_round_name=corrected.get(a.corrects_id) if a.corrects_id else None,
            actions=[] if archived else services.allowed_actions(user, a),
            can_edit=can_edit and a.is_editable,
        )
        for a in assessments
    ]
    context: dict[str, Any] = {
        "nav": "households",
        "household": household,
        "members": members,
        "cards": cards,
        "recognised": standing.latest_recognised_of(assessments),
        # A household stays registered in its unit; after a merger the page says which unit
        # its place now belongs to (issue 12): "nay thuộc Phường Phan Thiết".
        "part_of": units.part_of(household.ward, today),
        "can_edit": can_edit,
        "can_archive": not archived and access.can_archive(user, household),
        # The trail is a page of its own (`household_history_page`): read on demand, it no
        # longer costs every look at the household its five queries and its rendering.
        "can_see_history": access.can_see_history(user, household),
        # The programmes section (`households.extensions`: added by the programs app).
        **extensions.household_page_context(request, household, [row.member for row in members]),
    }
    record_view(request=request, action="household_page", household=household)
    return render(request, "households/household_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def assessment_review_steps(request: HttpRequest, pk: int) -> HttpResponse:
    """The review steps of one assessment, oldest first, with who took them: the list the
    household page's card opens (htmx asks for the table alone), or a page of its own (a
    browser without script, a link opened apart). Another ward's assessment is a 404."""
    assessment = get_object_or_404(
        Assessment.objects.filter(
            household__in=Household.objects.within(scope_of(request))
        ).select_related("household", "round"),
        pk=pk,
    )
    context: dict[str, Any] = {
        "nav": "households",
        "assessment": assessment,
        "household": assessment.household,
        "events": selectors.review_events([assessment.pk])[assessment.pk],
    }
    if request.headers.get("HX-Request"):
        return render(request, "households/includes/review_steps_table.html", context)
    return render(request, "households/review_steps.html", context)


@login_required
@require_http_methods(["GET", "HEAD"])
def household_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's change history (issue 3 §8), for those who may see it
    (`access.can_see_history`); its personal data is masked like the page's
    (`households.privacy`), and each look is in the view log."""
    user = request.user
    household = get_object_or_404(
        # The ward and quarter: the trail names them without a query of its own.
        Household.objects.within(scope_of(request)).select_related("ward", "quarter__ward"),
        pk=pk,
    )
    access.require(access.can_see_history(user, household))
    context: dict[str, Any] = {
        "nav": "households",
        "household": household,
        "history": household_history(household),
    }
    record_view(request=request, action="household_page", household=household, detail="history")
    return render(request, "households/household_history.html", context)


def _corrected_round_names(assessments: list[Assessment]) -> dict[int, str]:
    """The round's name of each assessment an ad-hoc review corrects, by id: one of the
    household's own (`services.assessment_open_adhoc` corrects its latest recognised result), so
    already read; a query only for one that is not (none on the page as it is used)."""
    names = {a.pk: a.round.name for a in assessments}
    others = {a.corrects_id for a in assessments if a.corrects_id and a.corrects_id not in names}
    if others:
        names.update(Assessment.objects.filter(pk__in=others).values_list("pk", "round__name"))
    return names


def _member_row(member: Member, today: datetime.date) -> MemberRow:
    number, expiry = member.health_insurance_number, member.health_insurance_expiry
    return MemberRow(
        member=member,
        age=member.age_on(today),
        card_expired=bool(number.strip()) and not holds_valid_card(number, expiry, today),
    )
