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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from households import standing as standings_module
from households.models import Household, Member, Ward
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
    found: Standing, *, ward_kind: str, is_social_protection: bool
) -> HouseholdFacts:
    """What a rule asks of the household: the statuses of its standing, the area its
    recognised result was made for (else its ward's: a household never recognised has one
    too), and its social-protection flag."""
    area = found.area or str(Ward.AREA_BY_KIND[Ward.Kind(ward_kind)])
    return HouseholdFacts(
        statuses=found.programme_statuses,
        area=area,
        is_social_protection=is_social_protection,
    )


def facts_on(household_ids: Iterable[int], day: datetime.date) -> dict[int, HouseholdFacts]:
    """The facts of each household on `day`. Two queries."""
    ids = list(household_ids)
    found = standings_module.standings(ids, day)
    rows = Household.objects.filter(pk__in=ids).values_list(
        "pk", "ward__kind", "is_social_protection"
    )
    return {
        pk: household_facts(
            found.get(pk) or Standing(pk, day, None, None, "", "", None, False),
            ward_kind=kind,
            is_social_protection=social,
        )
        for pk, kind, social in rows
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
    """A programme the household (or one member) may receive in a year, and whether it has."""

    programme: Programme
    member: Member | None
    received: bool
    benefits: list[Benefit] = field(default_factory=list)


def entitlements(household: Household, year: int) -> list[Entitlement]:
    """Every active programme the household or its members are owed in `year` — judged on the
    year's reference day (`households.standing.reference_day`: the list in force that year,
    ages on that day) — with the benefits of that year: `received` is False for what is still
    owed. Rules for any household are left out (`eligibility.owed_by_status`). Six queries."""
    day = standings_module.reference_day(year)
    facts = facts_on([household.pk], day)[household.pk]
    programmes = list(Programme.objects.filter(is_active=True).select_related("agency"))
    rules = rules_of(programmes)
    members = list(household.members.order_by("id"))
    received: dict[tuple[int, int | None], list[Benefit]] = {}
    for benefit in Benefit.objects.filter(household=household, date__year=year).order_by(
        "date", "id"
    ):
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
