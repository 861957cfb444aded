"""Reads for support programmes: a household's standing, entitlements, benefits and loans.

Each function runs a fixed number of queries, whatever the number of members or benefits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from households.models import Assessment, Household, Member, ReviewRound
from programs import eligibility
from programs.models import Benefit, Loan, Programme


def household_standing_for_year(household: Household, year: int) -> set[str]:
    """The household's standing in `year` ({"poor"}, {"near_poor"}, {"escaped"} or empty).

    The current status is that of its survey in the latest periodic round up to `year` (that
    year's round when it exists: a list stays in force until the next review), whatever its
    review state; "escaped" looks at the poor surveys of the three years before that round.
    One query.
    """
    return household_standings_for_year([household.pk], year).get(household.pk, set())


def household_standings_for_year(household_ids: Iterable[int], year: int) -> dict[int, set[str]]:
    """`household_standing_for_year` for many households in one query (the same rule); a
    household with no periodic survey up to `year` is left out."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for household_id, round_year, status in (
        Assessment.objects.filter(
            household_id__in=list(household_ids),
            round__kind=ReviewRound.Kind.PERIODIC,
            round__year__lte=year,
        )
        .order_by("household_id", "-round__year")
        .values_list("household_id", "round__year", "status")
    ):
        rows.setdefault(household_id, []).append((round_year, status))
    standings: dict[int, set[str]] = {}
    for household_id, years in rows.items():
        current_year, current_status = years[0]
        earlier_poor = [y for y, status in years[1:] if status == eligibility.POOR]
        standings[household_id] = eligibility.household_standing(
            current_status, earlier_poor, current_year
        )
    return standings


def _age_day(year: int) -> datetime.date:
    return min(timezone.localdate(), datetime.date(year, 12, 31))


@dataclass
class Entitlement:
    """A programme the household (or one member) may receive in a year, and whether it has."""

    programme: Programme
    member: Member | None
    received: bool
    benefits: list[Benefit] = field(default_factory=list)


def entitlements(household: Household, year: int) -> list[Entitlement]:
    """Every active programme the household or its members are eligible for in `year`, with
    the benefits of that year: `received` is False for what is still owed. Four queries."""
    standing = household_standing_for_year(household, year)
    if not standing:
        return []
    programmes = list(Programme.objects.filter(is_active=True).select_related("agency"))
    members = list(household.members.order_by("id"))
    received: dict[tuple[int, int | None], list[Benefit]] = {}
    for benefit in Benefit.objects.filter(household=household, date__year=year).order_by(
        "date", "id"
    ):
        received.setdefault((benefit.programme_id, benefit.member_id), []).append(benefit)
        if benefit.member_id is not None:
            # A member-level delivery also counts for the household as a whole.
            received.setdefault((benefit.programme_id, None), []).append(benefit)
    day = _age_day(year)
    rows: list[Entitlement] = []
    for programme in programmes:
        if programme.level == Programme.Level.HOUSEHOLD:
            if eligibility.check(
                programme, standing=standing, member_age=None, member_is_pupil=False
            ).eligible:
                got = received.get((programme.pk, None), [])
                rows.append(Entitlement(programme, None, bool(got), got))
            continue
        for member in members:
            if eligibility.check(
                programme,
                standing=standing,
                member_age=member.age_on(day),
                member_is_pupil=member.attends_school,
            ).eligible:
                got = received.get((programme.pk, member.pk), [])
                rows.append(Entitlement(programme, member, bool(got), got))
    return rows


def benefits_by_year(household: Household) -> list[tuple[int, list[Benefit]]]:
    """The household's benefits grouped by year, latest year first. One query."""
    grouped: dict[int, list[Benefit]] = {}
    for benefit in (
        Benefit.objects.filter(household=household)
        .select_related("programme", "member", "recorded_by", "loan")
        .order_by("-date", "-id")
    ):
        grouped.setdefault(benefit.date.year, []).append(benefit)
    return list(grouped.items())


def open_loans(household: Household) -> list[Loan]:
    """Loans with money still owed, oldest first, with their use checks. Two queries."""
    return list(
        Loan.objects.filter(benefit__household=household, outstanding__gt=0)
        .select_related("benefit__programme", "benefit__member")
        .prefetch_related("checks")
        .order_by("benefit__date", "pk")
    )
