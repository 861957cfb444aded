"""Reads for support programmes: eligibility on a day, entitlements, benefits and loans.

`eligibility_on` (one household) and `eligibilities_on` (many) are the one entry point that
reads what eligibility needs — the household's recognised standing on the day
(`households.standing`), its ward and social-protection flag, the programme's rule in force that
day — and hands it to the pure `programs.eligibility.judge`. The benefit and loan forms, the
household page and the services all go through them, so they cannot disagree.

Each function runs a fixed number of queries, whatever the number of members or benefits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from households import standing as standings_module
from households import units
from households.cards import holds_valid_card
from households.models import Asker, Household, Member, User
from households.scope import Scope
from households.standing import Standing
from programs import eligibility
from programs.eligibility import Eligibility, HouseholdFacts
from programs.models import Benefit, Loan, Programme, ProgrammeRule


def rules_of(programmes: Iterable[Programme]) -> dict[int, list[ProgrammeRule]]:
    """Every rule of `programmes`, by programme id, oldest first. One query."""
    ids = [p.pk for p in programmes]
    found: dict[int, list[ProgrammeRule]] = {pk: [] for pk in ids}
    for rule in ProgrammeRule.objects.filter(programme_id__in=ids).order_by("valid_from"):
        found[rule.programme_id].append(rule)
    return found


def rule_on(programme: Programme, day: datetime.date) -> ProgrammeRule | None:
    """The programme's rule in force on `day`. One query."""
    return eligibility.rule_in_force(rules_of([programme])[programme.pk], day)


def household_facts(
    found: Standing, *, ward_id: int, ward_kind: str, is_social_protection: bool
) -> HouseholdFacts:
    """What a rule asks of the household: the statuses of its standing, the area of its place
    on the day (`households.units.area_of`, the one rule: the unit it belongs to that day, with
    that unit's kind then; a former commune merged into a ward is urban from the merger), and
    its social-protection flag."""
    return HouseholdFacts(
        statuses=found.programme_statuses,
        area=units.area_of(ward_id, ward_kind, found.day).value,
        is_social_protection=is_social_protection,
    )


def _facts_of(household: Household, day: datetime.date) -> HouseholdFacts:
    """`facts_on` of one household whose ward is loaded already: one query."""
    if "ward" not in household._state.fields_cache:
        return facts_on([household.pk], day)[household.pk]
    found = standings_module.standings([household.pk], day).get(household.pk)
    return household_facts(
        found or Standing(household.pk, day, None, None, "", "", None, False),
        ward_id=household.ward_id,
        ward_kind=household.ward.kind,
        is_social_protection=household.is_social_protection,
    )


def facts_on(household_ids: Iterable[int], day: datetime.date) -> dict[int, HouseholdFacts]:
    """The facts of each household on `day`. Two queries."""
    ids = list(household_ids)
    found = standings_module.standings(ids, day)
    rows = Household.objects.filter(pk__in=ids).values_list(
        "pk", "ward_id", "ward__kind", "is_social_protection"
    )
    return {
        pk: household_facts(
            found.get(pk) or Standing(pk, day, None, None, "", "", None, False),
            ward_id=ward_id,
            ward_kind=kind,
            is_social_protection=social,
        )
        for pk, ward_id, kind, social in rows
    }


def judge_prepared(
    programme: Programme,
    rule: ProgrammeRule | None,
    facts: HouseholdFacts,
    member: Member | None,
    day: datetime.date,
) -> Eligibility:
    """The verdict from what `facts_on` and `rules_of` read (for callers judging many
    deliveries on many days, like the demo seeder): the same judgement as `eligibility_on`."""
    return eligibility.judge(
        rule,
        level=programme.level,
        day=day,
        household=facts,
        member_age=member.age_on(day) if member is not None else None,
        member_is_pupil=bool(member and member.attends_school),
    )


def eligibility_on(
    programme: Programme, household: Household, member: Member | None, day: datetime.date
) -> Eligibility:
    """Whether `household` (or its `member`, ages on `day`) may receive `programme` on `day`:
    its recognised standing that day, the rule in force that day. Three queries."""
    facts = facts_on([household.pk], day)[household.pk]
    return judge_prepared(programme, rule_on(programme, day), facts, member, day)


def eligibilities_on(
    programme: Programme,
    recipients: Sequence[tuple[Household, Member | None]],
    day: datetime.date,
) -> list[Eligibility]:
    """`eligibility_on` for each (household, member) of a list, in the same order. Three
    queries, whatever the length of the list."""
    facts = facts_on({household.pk for household, _ in recipients}, day)
    rule = rule_on(programme, day)
    return [
        judge_prepared(programme, rule, facts[household.pk], member, day)
        for household, member in recipients
    ]


@dataclass(frozen=True)
class Verdicts:
    """The verdict on one programme for the household and each of its members on a day (the
    benefit and loan forms)."""

    day: datetime.date
    rule: ProgrammeRule | None
    household: Eligibility
    members: dict[int, Eligibility]


def verdicts_on(
    programme: Programme, household: Household, members: Sequence[Member], day: datetime.date
) -> Verdicts:
    """What the form says before anything is saved, by the function the save uses. Three
    queries."""
    facts = facts_on([household.pk], day)[household.pk]
    rule = rule_on(programme, day)
    return Verdicts(
        day=day,
        rule=rule,
        household=judge_prepared(programme, rule, facts, None, day),
        members={m.pk: judge_prepared(programme, rule, facts, m, day) for m in members},
    )


@dataclass
class Entitlement:
    """A programme the household (or one member) may receive in a year, and whether it has:
    `received` a delivery in the year, or `holds` what it gives already (a health-insurance
    card valid on the day, however it was obtained)."""

    programme: Programme
    member: Member | None
    received: bool
    benefits: list[Benefit] = field(default_factory=list)
    holds: bool = False

    @property
    def owed(self) -> bool:
        return not (self.received or self.holds)


def entitlements(
    household: Household,
    year: int,
    *,
    programmes: list[Programme] | None = None,
    members: list[Member] | None = None,
    benefits: list[Benefit] | None = None,
    rules: Mapping[int, Sequence[ProgrammeRule]] | None = None,
) -> list[Entitlement]:
    """Every active programme the household or its members are owed in `year` — judged on the
    year's reference day (`households.standing.reference_day`: the list in force that year,
    ages on that day) — with the benefits of that year: `owed` for what is still owed, neither
    `received` in the year nor `holds` (a member holding a health-insurance card valid on that
    day, `households.cards.holds_valid_card`, holds what the card programmes give). Rules for
    any household are left out (`eligibility.owed_by_status`). Five queries (six when the
    household's ward is not loaded); one when the caller has read the active `programmes`
    (with their agency) and their `rules`, the household's `members` and all its `benefits`
    already (the household page, from `programs.reference`)."""
    day = standings_module.reference_day(year)
    facts = _facts_of(household, day)
    if programmes is None:
        programmes = list(Programme.objects.filter(is_active=True).select_related("agency"))
    if rules is None:
        rules = rules_of(programmes)
    if members is None:
        members = list(household.members.order_by("id"))
    if benefits is None:
        of_year = list(
            Benefit.objects.filter(household=household, date__year=year).order_by("date", "id")
        )
    else:
        of_year = sorted((b for b in benefits if b.date.year == year), key=lambda b: (b.date, b.pk))
    received: dict[tuple[int, int | None], list[Benefit]] = {}
    for benefit in of_year:
        received.setdefault((benefit.programme_id, benefit.member_id), []).append(benefit)
        if benefit.member_id is not None:
            # A member-level delivery also counts for the household as a whole.
            received.setdefault((benefit.programme_id, None), []).append(benefit)
    rows: list[Entitlement] = []
    for programme in programmes:
        rule = eligibility.rule_in_force(rules[programme.pk], day)
        if not eligibility.owed_by_status(rule):
            continue
        recipients: list[Member | None] = (
            [None] if programme.level == Programme.Level.HOUSEHOLD else list(members)
        )
        for member in recipients:
            if judge_prepared(programme, rule, facts, member, day).eligible:
                key = (programme.pk, member.pk if member is not None else None)
                got = received.get(key, [])
                holds = (
                    member is not None
                    and programme.gives_health_insurance_card
                    and holds_valid_card(
                        member.health_insurance_number, member.health_insurance_expiry, day
                    )
                )
                rows.append(Entitlement(programme, member, bool(got), got, holds))
    return rows


def household_benefits(
    household: Household,
    *,
    programmes: Iterable[Programme] | None = None,
    members: Iterable[Member] | None = None,
) -> list[Benefit]:
    """All the household's benefits, latest first, with what the page shows of them. One
    query. The `programmes` and the household's `members` the caller has read already (the
    household page) are attached to the benefits instead of being joined to each row again (a
    programme not among them, one no longer active, is read in a second query)."""
    joined = ["recorded_by", "loan"]
    if programmes is None:
        joined.append("programme")
    if members is None:
        joined.append("member")
    benefits = list(
        Benefit.objects.filter(household=household)
        .select_related(*joined)
        .defer(*User.unshown_fields_of("recorded_by"))
        .order_by("-date", "-id")
    )
    if programmes is not None:
        by_id = {p.pk: p for p in programmes}
        others = {b.programme_id for b in benefits} - by_id.keys()
        if others:
            by_id.update(Programme.objects.select_related("agency").in_bulk(others))
        for benefit in benefits:
            benefit.programme = by_id[benefit.programme_id]
    if members is not None:
        of_household = {m.pk: m for m in members}
        wanted = {b.member_id for b in benefits if b.member_id is not None}
        if wanted - of_household.keys():
            of_household.update(Member.objects.in_bulk(wanted - of_household.keys()))
        for benefit in benefits:
            if benefit.member_id is not None:
                benefit.member = of_household[benefit.member_id]
    return benefits


def benefits_by_year(
    household: Household,
    *,
    agency_id: int | None = None,
    benefits: list[Benefit] | None = None,
) -> list[tuple[int, list[Benefit]]]:
    """The household's benefits (`household_benefits`, or `benefits` read by it) grouped by
    year, latest year first; with `agency_id`, only that agency's (`agency_only`). One query
    (none given `benefits`)."""
    grouped: dict[int, list[Benefit]] = {}
    for benefit in benefits if benefits is not None else household_benefits(household):
        if agency_id is not None and benefit.programme.agency_id != agency_id:
            continue
        grouped.setdefault(benefit.date.year, []).append(benefit)
    return list(grouped.items())


def open_loans(
    household: Household,
    *,
    agency_id: int | None = None,
    benefits: list[Benefit] | None = None,
) -> list[Loan]:
    """Loans with money still owed, oldest first, with their use checks; with `agency_id`,
    only that agency's. Two queries; given the household's `benefits` read by
    `household_benefits` (with their loans), one: the checks (none without an open loan)."""
    if benefits is not None:
        found = [
            loan
            for loan in (_loan_of(b) for b in benefits)
            if loan is not None
            and loan.outstanding > 0
            and (agency_id is None or loan.benefit.programme.agency_id == agency_id)
        ]
        found.sort(key=lambda loan: (loan.benefit.date, loan.pk))
        prefetch_related_objects(found, "checks")
        return found
    loans = Loan.objects.filter(benefit__household=household, outstanding__gt=0)
    if agency_id is not None:
        loans = loans.filter(benefit__programme__agency_id=agency_id)
    return list(
        loans.select_related("benefit__programme", "benefit__member")
        .prefetch_related("checks")
        .order_by("benefit__date", "pk")
    )


def _loan_of(benefit: Benefit) -> Loan | None:
    try:
        return benefit.loan
    except Loan.DoesNotExist:
        return None


# --- What a partner agency's programmes concern ----------------------------------------------


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_between_q(day: datetime.date, low: int, high: int, prefix: str = "") -> Q:
    """Members aged `low`..`high` on `day`, as `households.roster.age_on` counts them: by the
    date of birth when known, else by the year of birth."""
    dob, year = f"{prefix}date_of_birth", f"{prefix}birth_year"
    by_year = Q(**{f"{dob}__isnull": True, f"{year}__gte": day.year - high}) & Q(
        **{f"{year}__lte": day.year - low}
    )
    by_date = Q(
        **{f"{dob}__lte": _years_before(day, low), f"{dob}__gt": _years_before(day, high + 1)}
    )
    return by_year | by_date


# Nobody in the registry is older; an open upper age bound is this one.
OLDEST = 150


def rule_members_q(programme: Programme, rule: ProgrammeRule, day: datetime.date) -> Q:
    """The members a rule's member conditions concern on `day` (what `eligibility.judge` asks
    of a member): every member for a programme given to the household or a rule without
    member conditions (health insurance covers everyone of an eligible household); else the
    ages (tuition exemption: pupils; vocational training: working age) and school attendance.
    """
    if programme.level == Programme.Level.HOUSEHOLD:
        return Q()
    condition = Q()
    if rule.min_age is not None or rule.max_age is not None:
        high = rule.max_age if rule.max_age is not None else OLDEST
        condition &= age_between_q(day, rule.min_age or 0, high)
    if rule.pupils_only:
        condition &= Q(attends_school=True)
    return condition


def agency_rules_on(agency_id: int, day: datetime.date) -> list[ProgrammeRule]:
    """The rules in force on `day` of the agency's active programmes, with their programme.
    One query."""
    return list(
        ProgrammeRule.objects.filter(
            programme__agency_id=agency_id, programme__is_active=True, valid_from__lte=day
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .select_related("programme")
    )


def concerned_members_q(user: Asker, day: datetime.date) -> Q | None:
    """The members a partner-agency user's programmes concern on `day`: None (no narrowing)
    for every other role. The one rule behind both the agency's household scope
    (`programs.scope.scope_for`: a household with at least one such member)
    and the members it is shown on pages, PDFs and exports (Decree 13/2023/NĐ-CP: no more
    personal data than the purpose needs).

    A member is concerned when, under a rule in force of one of the agency's programmes, their
    household is on the recognised list the rule is for (or received that programme) and they
    meet the rule's member conditions (`rule_members_q`); or when a delivery of the agency
    names them. Rules for any household (emergency relief) or only for social-protection
    households widen nothing: they depend on circumstances the registry does not hold. One
    query for the rules; the rest are subqueries.
    """
    if not user.is_authenticated or user.role != User.Role.AGENCY_USER:
        return None
    if not user.is_active or not user.agency_id:
        return Q(pk__in=[])
    condition = Q(
        pk__in=Benefit.objects.filter(
            programme__agency_id=user.agency_id, member__isnull=False
        ).values("member_id")
    )
    wanted = (*standings_module.LISTED, standings_module.ESCAPED)
    for rule in agency_rules_on(user.agency_id, day):
        households = Q(
            household_id__in=Benefit.objects.filter(programme_id=rule.programme_id).values(
                "household_id"
            )
        )
        statuses = sorted({s for s in rule.eligible_statuses if s in wanted})
        if statuses:
            listed = standings_module.with_standing(Household.objects.order_by(), day).filter(
                standings_module.programme_statuses_q(statuses)
            )
            households |= Q(household_id__in=listed.values("pk"))
        condition |= households & rule_members_q(rule.programme, rule, day)
    return condition


def concerned_members(scope: Scope, household: Household) -> list[Member]:
    """The household's members `scope` shows, in the roster's order: all of them, except for
    a partner-agency user (`Scope.members`, by `concerned_members_q`). One query."""
    members = household.members.order_by("id")
    if scope.members is not None:
        members = members.filter(scope.members)
    return list(members)


def agency_only(user: Asker) -> int | None:
    """The agency whose records alone `user` sees on a household (its benefits and loans):
    a partner-agency user's; None for every other role (they see every agency's)."""
    if user.is_authenticated and user.role == User.Role.AGENCY_USER:
        return user.agency_id or 0
    return None


def visible_loans(scope: Scope) -> QuerySet[Loan]:
    """Loans of the households `scope` sees; a partner-agency user only their own agency's
    (`Scope.agency`: the health office has no business with the Social Policy Bank's loans).
    The one scope of the loan page and the overdue-loans worklist."""
    if scope.agency is not None:
        # An agency sees every household its programmes delivered to (`programs.scope`): its
        # own loans' households, so the agency alone is the scope (the bank's loans across the
        # city, with no semi-join to the households).
        return Loan.objects.filter(benefit__programme__agency_id=scope.agency)
    if scope.every_ward:  # no semi-join to every household
        return Loan.objects.all()
    return Loan.objects.filter(benefit__household__in=Household.objects.within(scope).values("pk"))


def member_removal_refusal(member: Member) -> str | None:
    """Why `member` cannot be removed: the benefits partner agencies recorded for them, which
    are kept (issue 10); None when there are none. Registered with
    `households.extensions.member_removal_refusals` (ProgramsConfig.ready)."""
    benefits = list(
        Benefit.objects.filter(member_id=member.pk)
        .select_related("programme")
        .order_by("date", "pk")
    )
    if not benefits:
        return None
    return _(
        "%(name)s cannot be removed: partner agencies recorded benefits for this member "
        "(%(benefits)s). Untick “Remove this member”; if the person has left the household, "
        "ask an administrator."
    ) % {
        "name": member.full_name,
        "benefits": "; ".join(
            f"{benefit.programme.name} {date_format(benefit.date, 'd/m/Y')}" for benefit in benefits
        ),
    }
