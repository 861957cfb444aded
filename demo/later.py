"""The demo's later years (issue 12): the 2025 and 2026 periodic reviews, in the merged units.

Eight years after the 2017 review the demo households are reviewed again: in 2025 under the
2022–2025 standard (Decree 07/2021/NĐ-CP), in 2026 under the standard in force that year (Decree
351/2025/NĐ-CP keeps the 2022–2025 lines for 2026; both UNCONFIRMED, docs/standards.md). One
income line per area; poor = at or below it with at least three of the twelve deprivations
(employment, dependants, nutrition among them), near-poor = at or below it with fewer.

Both reviews fall after 01/07/2025, so their surveys are made in the seven units of the 2025
merger (`households.units.made_in`), by the new units' officers, with the areas of the new
units (a former commune merged into a ward is on the urban line), and recognised by the new
units' chairmen. The households stay registered in their 2017 unit.

The story, per household, from its status on the list in force when the 2025 review opens
(the last recognised of 2016–2017; every household on that list is surveyed again): most
poor households have escaped by 2025 (to near-poor or above the line), a few near-poor fell
back, a few households above the line are poor again; in 2026 some escape, some near-poor
fall, some above the line are newly poor ("phát sinh" when never on a list before). The 2025
list is fully recognised (decisions of December 2025); 2026 is recognised in December 2026
except a few drafts and returned surveys per unit, so each new officer has work waiting. In
2026 the new units record the year's health-insurance cards and the first quarter's
electricity support of the households on the list in force (the 2025 review's).

Before the surveys the rosters are brought forward in ways that change no earlier result:
health-insurance cards valid through 2017 are renewed, children under three in 2017 go to
school. Statuses are never written here: `assessment_save` classifies every survey with the
one engine, and the plan checks each target against it first.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from demo.data import (
    CAUSE_NEEDS,
    COASTAL_WARDS,
    INDICATOR_NEEDS,
    LATER_ESCAPE_NOTES,
    LATER_FALL_NOTES,
    LATER_NEW_NOTES,
    LATER_SURVEY_WEIGHTS,
    ROSTER_DATE,
)
from demo.people import weighted
from demo.review import (
    DRAFTS_PER_WARD,
    RETURN_REASON,
    RETURNED_PER_WARD,
    carry_through,
    posting_dates,
)
from households import services, standing, units
from households.classification import Area, PovertyStandard, classify, get_standard
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    PovertyStatus,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)
from households.roster import (
    RosterMember,
    age_on,
    derive_indicators,
    roster_member,
    rules_of,
)
from households.services import review
from programs import selectors
from programs import services as programme_services
from programs.models import Programme

POOR, NEAR_POOR, ABOVE = (
    PovertyStatus.POOR.value,
    PovertyStatus.NEAR_POOR.value,
    PovertyStatus.NOT_POOR.value,
)
# (status at the last 2016–2017 survey → [(2025 target or None = not surveyed, weight)])
FROM_2017: dict[str | None, list[tuple[str | None, int]]] = {
    POOR: [(POOR, 30), (NEAR_POOR, 30), (ABOVE, 40)],
    NEAR_POOR: [(POOR, 10), (NEAR_POOR, 40), (ABOVE, 50)],
    ABOVE: [(POOR, 4), (NEAR_POOR, 14), (ABOVE, 62), (None, 20)],
}
TO_2026: dict[str | None, list[tuple[str | None, int]]] = {
    POOR: [(POOR, 62), (NEAR_POOR, 22), (ABOVE, 16)],
    NEAR_POOR: [(NEAR_POOR, 60), (POOR, 12), (ABOVE, 28)],
    ABOVE: [(ABOVE, 86), (POOR, 5), (NEAR_POOR, 9)],
    None: [(None, 85), (POOR, 8), (NEAR_POOR, 7)],
}
# Cards valid through the 2017 round are renewed to the end of the latest year.
CARDS_RENEWED_TO = datetime.date(2026, 12, 31)
HEALTH_CARD_SHARE = 0.95  # the rest: the 2026 card worklist's gaps
ELECTRICITY_QUARTERLY = 138_000  # 46,000 đ a month (Decision 28/2014, REFERENCE §4), a quarter


@dataclass
class LaterSurvey:
    household: Household
    year: int
    target: str
    income: int
    deprivations: tuple[str, ...]
    household_type: str = ""
    causes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    expected_to_escape: bool = False
    notes: str = ""


Progress = Callable[[str, int, int], None]


def seed_later_years(
    *,
    households: QuerySet[Household],
    rounds: Mapping[int, ReviewRound],
    officers: Mapping[int, User],
    seed: int,
    progress: Progress,
) -> int:
    """Survey, review and support the demo households in the later years' rounds; returns the
    number of surveys written (none when those rounds already have some)."""
    if not rounds or Assessment.objects.filter(round__in=list(rounds.values())).exists():
        return 0
    _bring_rosters_forward(households)
    chosen = list(
        households.select_related("ward").prefetch_related("members").order_by("ward__code", "code")
    )
    plan = plan_later(chosen, rounds=rounds, seed=seed)
    causes = {c.code: c for c in PovertyCause.objects.all()}
    needs = {n.code: n for n in SupportNeed.objects.all()}
    written: dict[int, list[Assessment]] = {year: [] for year in rounds}
    progress("later", 0, len(plan))
    for done, survey in enumerate(plan, start=1):
        review_round = rounds[survey.year]
        unit = units.made_in(survey.household.ward_id, units.made_on(review_round))
        assessment = services.assessment_save(
            household=survey.household,
            round=review_round,
            income_per_capita=survey.income,
            deprivations=survey.deprivations,
            household_type=survey.household_type,
            causes=[causes[c] for c in survey.causes if c in causes],
            needs=[needs[n] for n in survey.needs if n in needs],
            expected_to_escape=survey.expected_to_escape,
            notes=survey.notes,
            by=officers.get(unit),
        )
        if assessment.status != survey.target:
            raise RuntimeError(
                f"Demo household {survey.household.code} aimed at {survey.target} in "
                f"{survey.year} but the engine gave {assessment.status}."
            )
        written[survey.year].append(assessment)
        if done % 100 == 0 or done == len(plan):
            progress("later", done, len(plan))
    progress("later-review", 0, 1)
    _review(written, officers=officers)
    _support_2026(officers=officers, households=[h.pk for h in chosen])
    _targets(written, rounds=rounds)
    progress("later-review", 1, 1)
    return len(plan)


# --- Rosters -------------------------------------------------------------------------------


def _bring_rosters_forward(households: QuerySet[Household]) -> None:
    """Renew the cards valid through 2017 and send the children under three in 2017 to school:
    neither changes a 2016 or 2017 result nor a 2017 worklist (a card valid then stays valid
    then; those children were below every school age read for 2016–2017). Two updates, not one
    save per member: the fields are plain facts and no rule reads their change."""
    members = Member.objects.filter(household__in=households)
    members.filter(
        health_insurance_expiry__gte=datetime.date(ROSTER_DATE.year, 12, 31),
    ).update(health_insurance_expiry=CARDS_RENEWED_TO)
    young = [
        pk
        for pk, year, born in members.filter(birth_year__gte=ROSTER_DATE.year - 3).values_list(
            "pk", "birth_year", "date_of_birth"
        )
        if age_on(birth_year=year, date_of_birth=born, day=ROSTER_DATE) < 3
    ]
    Member.objects.filter(pk__in=young).update(attends_school=True)


# --- The plan ------------------------------------------------------------------------------


def plan_later(
    households: Sequence[Household], *, rounds: Mapping[int, ReviewRound], seed: int
) -> list[LaterSurvey]:
    """Each household's 2025 and 2026 surveys, checked against the engine."""
    rng = random.Random(f"{seed}:later")
    first, second = sorted(rounds)
    # The list in force when the 2025 review opens: every household on it is surveyed again.
    listed = standing.standings([h.pk for h in households], rounds[first].starts_on)
    standards = {year: get_standard(r.standard) for year, r in rounds.items()}
    areas: dict[tuple[int, int], str] = {}
    plan: list[LaterSurvey] = []
    for household in households:
        found = listed.get(household.pk)
        before = found.status if found is not None else None
        start = ABOVE if before in (None, "average_living", ABOVE) else before
        trajectory = [weighted(rng, FROM_2017[start])]
        trajectory.append(weighted(rng, TO_2026[trajectory[0]]))
        members = list(household.members.all())
        roster = [roster_member(m) for m in members]
        previous: LaterSurvey | None = None
        for year, target in zip((first, second), trajectory, strict=True):
            if target is None:
                continue
            review_round = rounds[year]
            key = (household.ward_id, year)
            if key not in areas:
                day = units.made_on(review_round)
                areas[key] = units.area_on(household.ward, day).value
            survey = _plan_survey(
                rng,
                household,
                members,
                roster,
                review_round,
                standards[year],
                areas[key],
                target,
                previous,
            )
            survey.notes = _notes(rng, year, before, previous, survey, first)
            plan.append(survey)
            previous = survey
        if previous is not None and previous.year == second and trajectory[0] == POOR:
            # The 2025 forecast: most of those who escape in 2026 were expected to.
            surveyed_2025 = plan[-2]
            surveyed_2025.expected_to_escape = (
                previous.target != POOR and rng.random() < 0.8
            ) or rng.random() < 0.1
    return plan


def _dependants(members: Sequence[Member], day: datetime.date) -> bool:
    """More than half the members depend on the others: under 16, 60 or over, or unable to
    work (the officer's judgement, made here from the roster)."""
    dependent = sum(
        1
        for m in members
        if not 16 <= m.age_on(day) < 60 or m.work_ability == Member.WorkAbility.UNABLE
    )
    return dependent * 2 > len(members)


def _plan_survey(
    rng: random.Random,
    household: Household,
    members: list[Member],
    roster: list[RosterMember],
    review_round: ReviewRound,
    standard: PovertyStandard,
    area: str,
    target: str,
    previous: LaterSurvey | None,
) -> LaterSurvey:
    day = review_round.reference_date
    derived = derive_indicators(roster, on=day, rules=rules_of(standard))
    fixed = {key for key, d in derived.items() if d.deprived}
    if _dependants(members, day):
        fixed.add("dependants")
    if target == NEAR_POOR and len(fixed) > 2:
        target = POOR  # deprived in three already: at or below the line, that is poor
    if target == POOR:
        count = max(3 - len(fixed), 0) + weighted(rng, [(0, 4), (1, 3), (2, 2)])
    elif target == NEAR_POOR:
        room = 2 - len(fixed)
        count = weighted(rng, [(c, w) for c, w in ((0, 3), (1, 4), (2, 3)) if c <= room])
    else:
        count = weighted(rng, [(0, 5), (1, 3), (2, 1)])
    pool = [
        k
        for k in LATER_SURVEY_WEIGHTS
        if k not in fixed
        and k in standard.indicator_keys
        and (k != "telecom" or not household.phone)
    ]
    kept = [k for k in (previous.deprivations if previous else ()) if k in pool][:count]
    chosen = list(kept)
    while len(chosen) < min(count, len(pool)):
        options = [(k, LATER_SURVEY_WEIGHTS[k]) for k in pool if k not in chosen]
        chosen.append(weighted(rng, options))
    recorded = tuple(sorted({*chosen, *(fixed - set(derived))}))
    line = standard.thresholds[Area(area)].poverty_line
    low, high = (
        (line // 20_000 * 10_000, line)
        if target in (POOR, NEAR_POOR)
        else (line + 10_000, line * 2)
    )
    income = 0
    if previous is not None:
        income = round(previous.income * rng.uniform(1.02, 1.10) / 10_000) * 10_000
    if not low <= income <= high:
        income = rng.randint(low // 10_000, high // 10_000) * 10_000
    result = classify(
        area=area,
        income_per_capita=income,
        deprivations=sorted({*fixed, *chosen}),
        standard=standard,
    )
    if result.status.value != target:
        raise RuntimeError(
            f"{household.code} {review_round.year}: aimed at {target}, engine gave "
            f"{result.status.value}"
        )
    survey = LaterSurvey(
        household=household,
        year=review_round.year,
        target=target,
        income=income,
        deprivations=recorded,
    )
    if target in (POOR, NEAR_POOR):
        if target == POOR:
            survey.household_type = (
                Assessment.HouseholdType.SOCIAL_ASSISTANCE
                if household.has_no_working_age_labour
                else Assessment.HouseholdType.LACKS_MEANS
            )
        survey.causes, survey.needs = _causes_and_needs(
            rng, household, members, sorted({*fixed, *chosen})
        )
    return survey


def _causes_and_needs(
    rng: random.Random, household: Household, members: Sequence[Member], deprived: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    candidates: list[str] = []
    if household.has_no_working_age_labour:
        candidates.append("lack-labour")
    if any(m.work_ability == Member.WorkAbility.UNABLE for m in members):
        candidates.append("illness")
    if "dependants" in deprived:
        candidates.append("dependants")
    if "employment" in deprived:
        candidates.append("no-job")
    if household.ward.code in COASTAL_WARDS:
        candidates += ["lack-means", "disaster"]
    elif household.ward.kind == Ward.Kind.COMMUNE:
        candidates.append("lack-land")
    candidates += ["lack-capital", "lack-skills"]
    causes = list(dict.fromkeys(candidates))[: rng.randint(1, 3)]
    needs = [n for c in causes for n in CAUSE_NEEDS.get(c, [])]
    needs += [INDICATOR_NEEDS[k] for k in deprived if k in INDICATOR_NEEDS]
    needs = list(dict.fromkeys(needs)) or ["other"]
    return tuple(causes), tuple(needs[: rng.randint(1, 3)])


def _notes(
    rng: random.Random,
    year: int,
    early: str | None,
    previous: LaterSurvey | None,
    survey: LaterSurvey,
    first: int,
) -> str:
    before = previous.target if previous is not None else None
    if year == first:
        before = early if early in (POOR, NEAR_POOR) else None
    if before == POOR and survey.target != POOR:
        notes = LATER_ESCAPE_NOTES
    elif before == NEAR_POOR and survey.target == POOR:
        notes = LATER_FALL_NOTES
    elif before is None and survey.target == POOR and early not in (POOR, NEAR_POOR):
        notes = LATER_NEW_NOTES
    else:
        return ""
    return rng.choice(notes) if rng.random() < 0.7 else ""


# --- Review and support --------------------------------------------------------------------


def _review(written: Mapping[int, list[Assessment]], *, officers: Mapping[int, User]) -> None:
    """Each new unit's lists through the meeting, the posting and its chairman's decision:
    2025 whole, 2026 but for a few drafts and surveys the unit's officer sent back to itself
    after the city's check (returned), as the 2017 review of the early years."""
    city = User.objects.get(username="thanhpho")
    latest = max(written)
    for year, assessments in sorted(written.items()):
        by_unit: dict[int, list[Assessment]] = {}
        for assessment in sorted(assessments, key=lambda a: a.household.code):
            by_unit.setdefault(assessment.ward_id, []).append(assessment)
        posted_from, _ = posting_dates(year)
        for index, (unit_id, batch) in enumerate(sorted(by_unit.items())):
            officer = officers.get(unit_id)
            if officer is None:
                continue
            unit = batch[0].ward
            if year == latest:
                returned = batch[DRAFTS_PER_WARD : DRAFTS_PER_WARD + RETURNED_PER_WARD]
                if returned:
                    review.assessments_submit(assessments=returned, by=officer)
                    review.assessments_return(assessments=returned, by=city, reason=RETURN_REASON)
                batch = batch[DRAFTS_PER_WARD + RETURNED_PER_WARD :]
            carry_through(
                batch,
                "recognised",
                officer=officer,
                ward=unit,
                meeting_date=datetime.date(year, 11, 10),
                posted_from=posted_from,
                decision_number=f"{index + 501}/QĐ-UBND",
                decision_date=_working_day_on_or_before(datetime.date(year, 12, 4)),
            )


def _working_day_on_or_before(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _support_2026(*, officers: Mapping[int, User], households: list[int]) -> None:
    """The 2026 health-insurance cards and the first quarter's electricity support of the
    households on the list in force in 2026, recorded by the new units' officers (each
    benefit kept in the unit it was given in)."""
    programmes = {p.code: p for p in Programme.objects.filter(code__in=_PROGRAMMES)}
    rng = random.Random("later:support")
    cards_day = datetime.date(2026, 1, 12)
    power_day = datetime.date(2026, 3, 31)
    facts = selectors.facts_on(households, cards_day)
    listed = sorted(pk for pk, f in facts.items() if {POOR, NEAR_POOR} & set(f.statuses))
    chosen = Household.objects.filter(pk__in=listed).prefetch_related("members").order_by("pk")
    lists: dict[tuple[str, int, datetime.date], list[tuple[Household, Member | None]]] = {}
    for household in chosen:
        unit = units.made_in(household.ward_id, cards_day)
        statuses = set(facts[household.pk].statuses)
        card = "bhyt-ngheo" if POOR in statuses else "bhyt-can-ngheo"
        for member in household.members.all():
            if rng.random() < HEALTH_CARD_SHARE:
                lists.setdefault((card, unit, cards_day), []).append((household, member))
        if POOR in statuses:
            lists.setdefault(("ho-tro-tien-dien", unit, power_day), []).append((household, None))
    for (code, unit, day), recipients in sorted(lists.items(), key=lambda kv: kv[0]):
        officer = officers.get(unit)
        if officer is None:
            continue
        programme = programmes[code]
        verdicts = selectors.eligibilities_on(programme, recipients, day)
        eligible = [r for r, v in zip(recipients, verdicts, strict=True) if v.eligible]
        if not eligible:
            continue
        is_money = programme.unit == Programme.Unit.VND
        programme_services.benefits_record_bulk(
            programme=programme,
            recipients=eligible,
            date=day,
            amount=ELECTRICITY_QUARTERLY if is_money else None,
            quantity=None if is_money else 1,
            note="Quý I năm 2026" if is_money else "Thẻ bảo hiểm y tế năm 2026",
            by=officer,
        )


_PROGRAMMES = ("bhyt-ngheo", "bhyt-can-ngheo", "ho-tro-tien-dien")


def _targets(written: Mapping[int, list[Assessment]], *, rounds: Mapping[int, ReviewRound]) -> None:
    """Each new unit's plan for the later years, set by the city: the total households (the
    poor rate's denominator, about 20 times the households surveyed, as in 2017) and
    the escapes it aims at: about the poor households of the start of the year the previous
    review expects to escape (the targets page compares the two), or, with no previous review
    written here, those of the year's own."""
    city = User.objects.get(username="thanhpho")
    for year, assessments in sorted(written.items()):
        by_unit: dict[int, list[Assessment]] = {}
        for assessment in assessments:
            by_unit.setdefault(assessment.ward_id, []).append(assessment)
        expecting: dict[int, int] = {}
        for a in written.get(year - 1) or assessments:
            if a.status == POOR and a.expected_to_escape:
                expecting[a.ward_id] = expecting.get(a.ward_id, 0) + 1
        for unit, batch in sorted(by_unit.items()):
            expected = expecting.get(unit, 0)
            programme_services.ward_target_save(
                ward=batch[0].ward,
                year=year,
                households_to_escape=max(1, expected),
                total_households=round(len(batch) * 20, -1),
                rate_reduction_min=Decimal("0.2"),
                rate_reduction_max=Decimal("0.3"),
                by=city,
            )
