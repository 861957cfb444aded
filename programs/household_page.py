"""The household page's programmes section (issue 4 §10): who manages the household, what it
received by year, its open loans, and what it is entitled to but has not received in the year of
the latest periodic review (`households.standing.latest_periodic_round`), judged on that year's
reference day by `programs.selectors.entitlements`.

A fixed number of queries, whatever the number of benefits, loans or members; the programmes,
their rules and the latest periodic round are the process's copy (`programs.reference`) while no
one changes them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from households import standing
from households.models import Asker, Household, Member
from programs import loan_status, reference, selectors
from programs.access import can_assign, can_record_benefit
from programs.models import Benefit, HouseholdAssignment, Loan, Programme
from programs.selectors import Entitlement


@dataclass(frozen=True)
class MissingRow:
    """An entitlement not yet received, and whether this user may record it."""

    entitlement: Entitlement
    can_record: bool


@dataclass(frozen=True)
class OpenLoan:
    """An open loan and what `programs.loan_status` says of it today."""

    loan: Loan
    standing: loan_status.LoanStanding


@dataclass(frozen=True)
class ProgrammesSection:
    assignment: HouseholdAssignment | None
    can_assign: bool
    year: int
    # The day the year's entitlements are judged on (`households.standing.reference_day`).
    day: datetime.date | None
    benefits_by_year: list[tuple[int, list[Benefit]]]
    open_loans: list[OpenLoan]
    missing: list[MissingRow]
    can_record_benefit: bool
    can_record_loan: bool


def programmes_section(
    user: Asker, household: Household, *, members: list[Member] | None = None
) -> ProgrammesSection:
    """What the section shows `user`: a partner-agency user sees only their own agency's
    benefits, loans and entitlements (`selectors.agency_only`), not other agencies'.
    `members`: the household's, when the page has read them. The programmes and the benefits
    (with their loans) are read once for every part of the section; the assignment comes with
    the household when the page read them together."""
    agency_id = selectors.agency_only(user)
    known = reference.current()
    latest = known.latest_periodic_round
    today = timezone.localdate()
    year = latest.year if latest is not None else None
    programmes = list(known.programmes)
    benefits = selectors.household_benefits(household, programmes=programmes, members=members)
    # Who may record depends on the programme only through its agency: ask once per agency.
    allowed: dict[int, bool] = {}
    recordable: list[Programme] = []
    for programme in programmes:
        if programme.agency_id not in allowed:
            allowed[programme.agency_id] = can_record_benefit(user, household, programme)
        if allowed[programme.agency_id]:
            recordable.append(programme)
    missing = (
        [
            MissingRow(row, allowed.get(row.programme.agency_id, False))
            for row in selectors.entitlements(
                household,
                year,
                programmes=programmes,
                members=members,
                benefits=benefits,
                rules=known.rules,
            )
            if row.owed and (agency_id is None or row.programme.agency_id == agency_id)
        ]
        if year is not None
        else []
    )
    return ProgrammesSection(
        assignment=_assignment(household),
        can_assign=can_assign(user, household),
        year=year or 0,
        day=standing.reference_day(year) if year is not None else None,
        benefits_by_year=selectors.benefits_by_year(
            household, agency_id=agency_id, benefits=benefits
        ),
        open_loans=[
            OpenLoan(loan, loan_status.of_loan(loan, today))
            for loan in selectors.open_loans(household, agency_id=agency_id, benefits=benefits)
        ],
        missing=missing,
        can_record_benefit=any(not p.is_credit for p in recordable),
        can_record_loan=any(p.is_credit for p in recordable),
    )


def _assignment(household: Household) -> HouseholdAssignment | None:
    """Who manages the household: read with it when the page asked for it
    (`select_related("assignment__member")`), else one query."""
    if not Household.assignment.is_cached(household):
        return (
            HouseholdAssignment.objects.filter(household=household)
            .select_related("member__agency")
            .first()
        )
    try:
        return household.assignment
    except HouseholdAssignment.DoesNotExist:
        return None


def household_page_section(
    request: HttpRequest, household: Household, members: list[Member]
) -> ProgrammesSection:
    """The section as the household page adds it (`households.extensions`, registered in
    ProgramsConfig.ready): for the request's user, with the members the page read."""
    return programmes_section(request.user, household, members=members)
