"""The Steering Committee (Ban Chỉ đạo): its members, a member's own households, and who
manages each household (cán bộ quản lý hộ), issue 4 §1."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from giamngheo.forms import add_service_error
from households import access as household_access
from households import standing, units
from households.access import AuthenticatedRequest
from households.models import Assessment, Household, Ward
from households.scope import scope_of
from programs import access, services
from programs.forms_committee import AssignForm, CommitteeFilterForm
from programs.models import CommitteeMember, HouseholdAssignment

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class InRound(TypedDict):
    """A household's result in effect today (`my_households`' prefetch): none, or one."""

    in_round: list[Assessment]


@login_required
@require_http_methods(["GET", "HEAD"])
def committee_list(request: AuthenticatedRequest) -> HttpResponse:
    """City and ward Steering Committee members: the city and administrators see all, a ward
    officer their own ward's committee and the city members."""
    user = request.user
    is_officer = access.is_ward_officer(user)
    household_access.require(access.can_see_committee(user))
    wards = list(Ward.objects.within(scope_of(request)))
    form = CommitteeFilterForm(request.GET, wards=wards)
    form.is_valid()  # an invalid ward is ignored, with its message on the field
    ward_id = form.cleaned_data.get("ward") if hasattr(form, "cleaned_data") else None
    members = CommitteeMember.objects.filter(is_active=True)
    # A unit comes with the units merged into it (issue 12): the committees of a merged
    # ward's former units, and the city members following them, are its own.
    if is_officer and user.ward_id:  # an officer has a ward (`access.is_ward_officer`)
        members = members.filter(
            Q(level=CommitteeMember.Level.CITY) | Q(ward_id__in=units.lineage(user.ward_id))
        )
    if ward_id:
        family = units.lineage(ward_id)
        following = CommitteeMember.objects.filter(assigned_wards__in=family).values("pk")
        members = members.filter(Q(ward_id__in=family) | Q(pk__in=following))
    members = (
        members.select_related("agency", "ward")
        .prefetch_related(
            Prefetch("assigned_wards", queryset=Ward.objects.order_by("display_order"))
        )
        .annotate(households=Count("assignments"))
        .order_by("level", "ward__display_order", "full_name")
    )
    return render(
        request,
        "programs/committee_list.html",
        {
            "nav": "committee",
            "form": form,
            "city_members": [m for m in members if m.level == CommitteeMember.Level.CITY],
            "ward_members": [m for m in members if m.level == CommitteeMember.Level.WARD],
            "show_ward_filter": len(wards) > 1,
            # Members are kept in the admin, which only administrators enter.
            "can_manage": access.can_manage_committee(user)
            and household_access.is_administrator(user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def my_households(request: AuthenticatedRequest) -> HttpResponse:
    """A committee member's households (cán bộ quản lý hộ) and the wards they follow."""
    user = request.user
    household_access.require(access.has_own_households(user))
    member = (
        CommitteeMember.objects.filter(user=user, is_active=True)
        .select_related("agency", "ward")
        .first()
    )
    day = timezone.localdate()
    households: list[WithAnnotations[Household, InRound]] = []
    wards: list[Ward] = []
    if member is not None:
        # Each household's recognised result in effect today: the first of `recognised_by`.
        in_effect = standing.recognised_by(day).only(
            "id", "household_id", "status", "poor_group", "state", "effective_from"
        )
        assigned = (
            Household.objects.within(scope_of(request))
            .filter(assignment__member=member)
            .select_related("ward", "quarter", "assignment")
            .prefetch_related(Prefetch("assessments", queryset=in_effect, to_attr="in_round"))
            .order_by("ward__display_order", "quarter__display_order", "code")
        )
        households = cast("list[WithAnnotations[Household, InRound]]", list(assigned))
        wards = list(member.assigned_wards.order_by("display_order"))
        # A followed unit's households are those of its lineage (the units merged into it).
        families = {w.pk: units.lineage(w.pk) for w in wards}
        counts = dict(
            Household.objects.filter(ward_id__in=units.lineages(families))
            .order_by()
            .values_list("ward_id")
            .annotate(count=Count("pk"))
            .values_list("ward_id", "count")
        )
        for ward in wards:
            count = sum(counts.get(pk, 0) for pk in families[ward.pk])
            ward.household_count = count  # type: ignore[attr-defined]
    return render(
        request,
        "programs/my_households.html",
        {
            "nav": "my_households",
            "member": member,
            "day": day,
            "rows": [(h, h.in_round[0] if h.in_round else None) for h in households],
            "wards": wards,
        },
    )


def _members_for(household: Household) -> QuerySet[CommitteeMember]:
    """Members of the committee of the household's ward or of a unit it was merged into, and
    city members following one of those (issue 12: `households.units.successors`)."""
    places = units.successors(household.ward_id)
    following = CommitteeMember.objects.filter(assigned_wards__in=places).values("pk")
    return (
        CommitteeMember.objects.filter(is_active=True)
        .filter(
            Q(level=CommitteeMember.Level.WARD, ward_id__in=places)
            | Q(level=CommitteeMember.Level.CITY, pk__in=following)
        )
        .select_related("ward")
        .order_by("-level", "full_name")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def household_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Choose the committee member who manages a household, or remove the assignment."""
    user = request.user
    household = get_object_or_404(
        Household.objects.within(scope_of(request)).select_related("ward", "quarter"), pk=pk
    )
    household_access.require(access.can_assign(user, household))
    current_assignment = (
        HouseholdAssignment.objects.filter(household=household).select_related("member").first()
    )
    members = _members_for(household)
    if request.method == "POST" and "remove" in request.POST:
        if current_assignment is not None:
            services.household_unassign(household=household, by=user)
            messages.success(request, _("The household no longer has an assigned officer."))
        return redirect("households:detail", pk=household.pk)
    if request.method == "POST":
        form = AssignForm(request.POST, members=members)
        if form.is_valid():
            try:
                services.household_assign(
                    household=household,
                    member=form.cleaned_data["member"],
                    since=form.cleaned_data["since"],
                    note=form.cleaned_data["note"],
                    by=user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(member)s now manages this household.")
                    % {"member": form.cleaned_data["member"].full_name},
                )
                return redirect("households:detail", pk=household.pk)
    else:
        initial: dict[str, Any] = {"since": timezone.localdate()}
        if current_assignment is not None:
            initial = {
                "member": current_assignment.member_id,
                "since": current_assignment.since,
                "note": current_assignment.note,
            }
        form = AssignForm(initial=initial, members=members)
    return render(
        request,
        "programs/committee_assign.html",
        {
            "nav": "households",
            "household": household,
            "form": form,
            "current": current_assignment,
            "has_members": members.exists(),
        },
    )
