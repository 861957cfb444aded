"""Planning the demo households in memory: where, how many, who, and each round's survey.

Everything to create is decided here, before any write, and checked against the one engine
(`households.classification.classify`) so that each household reaches its intended category.
"""

from __future__ import annotations

import datetime
import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from demo.data import (
    AVERAGE,
    CAUSE_NEEDS,
    COASTAL_WARDS,
    COMPOSITIONS,
    DEFAULT_WARD_WEIGHT,
    EXPECTED,
    FIRST_ROUND_MIX,
    GENERIC_STREETS,
    HEAD_ETHNICITIES,
    INDICATOR_NEEDS,
    MIN_FOR_EVERY_MOVEMENT,
    MOBILE_PREFIXES,
    N1,
    N2,
    NEAR_POOR,
    NEW_IN_2017_SHARE,
    NOT_POOR,
    NOTES,
    POOR_TARGETS,
    REQUIRED_MOVEMENTS,
    ROUND_YEARS,
    STANDARD_CODE,
    STREETS,
    SURVEY_INDICATOR_WEIGHTS,
    TRANSITIONS,
    WARD_WEIGHTS,
)
from demo.people import (
    HouseholdDraft,
    IdMaker,
    Members,
    PlannedMember,
    build_roster,
    fill_ids_and_cards,
    has_working_age_labour,
    weighted,
)
from households.classification import PovertyStandard, classify, get_standard
from households.codes import household_code
from households.ethnicities import Ethnicity
from households.models import Assessment, Member, Quarter, Ward
from households.roster import derive_indicators

# --- The plan ------------------------------------------------------------------------------


@dataclass
class PlannedAssessment:
    year: int
    target: str
    income: int
    deprivations: tuple[str, ...]
    household_type: str = ""
    causes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    expected_to_escape: bool = False
    notes: str = ""


@dataclass
class PlannedHousehold:
    ward: Ward
    quarter: Quarter
    code: str
    address: str
    phone: str
    members: Members
    is_merit_family: bool
    is_social_protection: bool
    assessments: list[PlannedAssessment] = field(default_factory=list)

    @property
    def head(self) -> PlannedMember:
        return self.members[0]

    def household_fields(self) -> dict[str, Any]:
        return {
            "ward": self.ward,
            "quarter": self.quarter,
            "code": self.code,
            "head_name": self.head.full_name,
            "address": self.address,
            "phone": self.phone,
            "is_merit_family": self.is_merit_family,
            "is_social_protection": self.is_social_protection,
            "is_ethnic_minority": self.head.ethnicity != Ethnicity.KINH,
            "is_female_headed": self.head.sex == Member.Sex.FEMALE,
            "has_no_working_age_labour": not has_working_age_labour(self.members),
        }


def _movement_kind(trajectory: tuple[str | None, str | None]) -> str:
    before, after = trajectory
    if before is None:
        return "new"
    if after is None:
        return "not_reassessed"
    if before in POOR_TARGETS and after not in POOR_TARGETS:
        return "escape_to_average" if after in (AVERAGE, NOT_POOR) else "escape"
    if before == NEAR_POOR and after in POOR_TARGETS:
        return "fall"
    if before in (AVERAGE, NOT_POOR) and after in POOR_TARGETS:
        return "relapse"
    return "stay"


# --- Households: where and how many --------------------------------------------------------


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` over units by weight (largest remainder), at least one each if possible."""
    count = len(weights)
    base = 1 if total >= count else 0
    rest = total - base * count
    weight_sum = sum(weights)
    quotas = [rest * w / weight_sum for w in weights]
    shares = [base + int(q) for q in quotas]
    order = sorted(range(count), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def plan_trajectories(rng: random.Random, count: int) -> list[tuple[str | None, str | None]]:
    """Target categories (2016, 2017) per household; None = not assessed that year."""
    trajectories: list[tuple[str | None, str | None]] = []
    for _ in range(count):
        before = None if rng.random() < NEW_IN_2017_SHARE else weighted(rng, FIRST_ROUND_MIX)
        after = weighted(rng, TRANSITIONS[before])
        trajectories.append((before, after))
    if count >= MIN_FOR_EVERY_MOVEMENT:
        present = {_movement_kind(t) for t in trajectories}
        for kind, trajectory in REQUIRED_MOVEMENTS.items():
            if kind in present:
                continue
            stays = [i for i, t in enumerate(trajectories) if _movement_kind(t) == "stay"]
            trajectories[rng.choice(stays)] = trajectory
    return trajectories


def plan_households(
    wards: Sequence[Ward],
    *,
    households: int,
    seed: int,
    prefixes: Mapping[str, str],
    used_ids: set[str],
) -> list[PlannedHousehold]:
    """Everything to create, decided in memory and checked against the engine."""
    rng = random.Random(f"{seed}:households")
    standard = get_standard(STANDARD_CODE)
    shares = allocate(households, [WARD_WEIGHTS.get(w.code, DEFAULT_WARD_WEIGHT) for w in wards])
    trajectories = plan_trajectories(rng, households)
    ids = IdMaker(rng, used_ids)
    plan: list[PlannedHousehold] = []
    for ward, share in zip(wards, shares, strict=True):
        quarters = sorted(ward.quarters.all(), key=lambda q: (q.display_order, q.name))
        for number in range(1, share + 1):
            trajectory = trajectories[len(plan)]
            planned = _plan_household(
                rng,
                ward=ward,
                quarter=rng.choice(quarters),
                code=household_code(prefixes[ward.code], number),
                trajectory=trajectory,
                ids=ids,
            )
            _plan_assessments(rng, planned, trajectory, standard)
            plan.append(planned)
    return plan


# --- One household -------------------------------------------------------------------------


def _round_to(value: float, step: int = 10_000) -> int:
    return round(value / step) * step


def _address(rng: random.Random, ward: Ward, quarter: Quarter) -> str:
    if ward.kind == Ward.Kind.COMMUNE:
        return f"Tổ {rng.randint(1, 9)}, {quarter.name}, xã {ward.name}"
    street = rng.choice(STREETS.get(ward.code, GENERIC_STREETS))
    number = str(rng.randint(1, 420))
    if rng.random() < 0.35:  # a house in an alley (hẻm)
        number = f"{number}/{rng.randint(1, 40)}"
    return f"{number} {street}, {quarter.name}, phường {ward.name}"


def _phone(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"


def _plan_household(
    rng: random.Random,
    *,
    ward: Ward,
    quarter: Quarter,
    code: str,
    trajectory: tuple[str | None, str | None],
    ids: IdMaker,
) -> PlannedHousehold:
    first_target = trajectory[0] or trajectory[1]
    assert first_target is not None
    poor = first_target in POOR_TARGETS
    kind = weighted(rng, [(k, poor_w if poor else other_w) for k, poor_w, other_w in COMPOSITIONS])
    h = HouseholdDraft(rng=rng, ward=ward, ethnicity=weighted(rng, HEAD_ETHNICITIES), poor=poor)
    build_roster(rng, kind, h)
    merit = rng.random() < 0.06
    fill_ids_and_cards(rng, h, ids, merit=merit, first_target=first_target)
    severe = any(m.disability != Member.Disability.NONE for m in h.members)
    elderly_alone = kind == "single_elderly"
    social_protection = rng.random() < (0.35 if elderly_alone else 0.3 if severe else 0.05)
    return PlannedHousehold(
        ward=ward,
        quarter=quarter,
        code=code,
        address=_address(rng, ward, quarter),
        phone=_phone(rng) if rng.random() < (0.78 if poor else 0.9) else "",
        members=h.members,
        is_merit_family=merit,
        is_social_protection=social_protection,
    )


# --- Assessments ---------------------------------------------------------------------------


def _roster_deprivations(members: Members, day: datetime.date) -> list[str]:
    derived = derive_indicators([m.roster() for m in members], on=day)
    return sorted(key for key, d in derived.items() if d.deprived)


def _insure_everyone(rng: random.Random, members: Members) -> None:
    for member in members:
        if member.age >= 6:
            if not member.health_insurance_number:
                member.health_insurance_number = f"GD460{rng.randrange(10**10):010d}"
            member.health_insurance_expiry = datetime.date(2018, 12, 31)


def _income_band(target: str, standard: PovertyStandard, ward: Ward) -> tuple[int, int]:
    lines = standard.thresholds[ward.area]
    poverty, near, average = lines.poverty_line, lines.near_poverty_line, lines.average_living_line
    if near is None or average is None:  # STANDARD_CODE sets both
        raise ValueError(f"{standard.code}: the demo needs a near-poverty and an average line")
    step = 10_000
    return {
        N1: (_round_to(poverty * 0.45), poverty),
        N2: (poverty + step, near),
        NEAR_POOR: (poverty + step, near),
        AVERAGE: (near + step, average),
        NOT_POOR: (average + step, _round_to(average * 1.5)),
    }[target]


def _income(rng: random.Random, band: tuple[int, int], previous: int | None) -> int:
    low, high = band
    if previous is not None:
        grown = _round_to(previous * rng.uniform(0.98, 1.12))
        if low <= grown <= high:
            return grown
    return rng.randint(low // 10_000, high // 10_000) * 10_000


def _survey_deprivations(
    rng: random.Random, target: str, roster_count: int, base: list[str], has_phone: bool
) -> list[str]:
    """Pick the officer-recorded indicators so that the total fits the target category."""
    if target == N2:
        count = max(3 - roster_count, 0) + weighted(rng, [(0, 4), (1, 3), (2, 2)])
    elif target == NEAR_POOR:
        room = 2 - roster_count
        count = weighted(rng, [(c, w) for c, w in ((0, 3), (1, 4), (2, 3)) if c <= room])
    elif target == N1:
        count = weighted(rng, [(0, 2), (1, 3), (2, 3), (3, 2), (4, 1)])
    else:
        count = weighted(rng, [(0, 5), (1, 3), (2, 1)])
    # Telecom deprivation only where no phone number was recorded.
    pool = [k for k in SURVEY_INDICATOR_WEIGHTS if not has_phone or k != "telecom"]
    chosen = [k for k in base if k in pool][:count]
    while len(chosen) < min(count, len(pool)):
        options = [(k, SURVEY_INDICATOR_WEIGHTS[k]) for k in pool if k not in chosen]
        chosen.append(weighted(rng, options))
    return chosen


def _causes_and_needs(
    rng: random.Random, planned: PlannedHousehold, deprivations: Sequence[str], persuasion: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    members = planned.members
    candidates: list[str] = []
    if not has_working_age_labour(members):
        candidates.append("lack-labour")
    if any(m.work_ability == Member.WorkAbility.UNABLE and m.age < 60 for m in members):
        candidates.append("illness")
    if sum(1 for m in members if m.age < 16 or m.age >= 60) >= 3:
        candidates.append("dependants")
    if persuasion:
        candidates.append(rng.choice(["unwilling", "social-vice"]))
    if planned.ward.kind == Ward.Kind.COMMUNE:
        candidates += ["lack-land", "lack-capital"]
    elif planned.ward.code in COASTAL_WARDS:
        candidates += ["lack-means", "disaster", "lack-capital"]
    candidates += ["lack-capital", "lack-skills", "no-job"]
    unique = list(dict.fromkeys(candidates))
    causes = unique[: rng.randint(1, 3)] if rng.random() < 0.7 else rng.sample(unique, 2)
    needs = [n for c in causes for n in CAUSE_NEEDS.get(c, [])]
    needs += [INDICATOR_NEEDS[k] for k in deprivations if k in INDICATOR_NEEDS]
    needs = list(dict.fromkeys(needs)) or ["other"]
    return tuple(causes), tuple(needs[: rng.randint(1, 3)])


def _situation_notes(planned: PlannedHousehold, target: str, survey: Sequence[str]) -> list[str]:
    """Notes an officer might add to an unchanged poor or near-poor household."""
    if target not in (*POOR_TARGETS, NEAR_POOR):
        return []
    members = planned.members
    notes = []
    if len(members) == 1 and members[0].age >= 60:
        notes.append("Chủ hộ già yếu, sống một mình.")
    if sum(1 for m in members if m.age < 16) >= 3:
        notes.append("Đông con, con còn nhỏ.")
    if "housing_quality" in survey:
        notes.append("Nhà ở tạm bợ, cần hỗ trợ sửa chữa.")
    if target in POOR_TARGETS and has_working_age_labour(members):
        notes.append("Đã được vay vốn, đang sản xuất.")
    return notes


def _plan_assessments(
    rng: random.Random,
    planned: PlannedHousehold,
    trajectory: tuple[str | None, str | None],
    standard: PovertyStandard,
) -> None:
    rounds = [
        (year, target) for year, target in zip(ROUND_YEARS, trajectory, strict=True) if target
    ]
    # A near-poor household cannot have three roster deprivations: give the cards it lacks.
    for year, target in rounds:
        day = datetime.date(year, 9, 1)
        if target == NEAR_POOR and len(_roster_deprivations(planned.members, day)) > 2:
            _insure_everyone(rng, planned.members)
    movement = _movement_kind(trajectory)
    base = _survey_deprivations(rng, trajectory[0] or N1, 0, [], bool(planned.phone))
    previous_income: int | None = None
    for year, target in rounds:
        day = datetime.date(year, 9, 1)
        roster = _roster_deprivations(planned.members, day)
        survey = _survey_deprivations(rng, target, len(roster), base, bool(planned.phone))
        income = _income(rng, _income_band(target, standard, planned.ward), previous_income)
        previous_income = income
        result = classify(
            area=planned.ward.area.value,
            income_per_capita=income,
            deprivations=sorted({*roster, *survey}),
            standard=standard,
        )
        reached = (result.status.value, result.poor_group.value if result.poor_group else "")
        if reached != EXPECTED[target]:
            raise RuntimeError(f"{planned.code} {year}: aimed at {target}, engine gave {reached}")

        assessment = PlannedAssessment(
            year=year, target=target, income=income, deprivations=tuple(survey)
        )
        if target in POOR_TARGETS or target == NEAR_POOR:
            persuasion = False
            if target in POOR_TARGETS:
                if not has_working_age_labour(planned.members):
                    household_type = Assessment.HouseholdType.SOCIAL_ASSISTANCE
                else:
                    persuasion = rng.random() < 0.08
                    household_type = (
                        Assessment.HouseholdType.NEEDS_PERSUASION
                        if persuasion
                        else Assessment.HouseholdType.LACKS_MEANS
                    )
                assessment.household_type = household_type
                # "Expected to escape this year" is the officer's forecast on the list in force
                # that year (households.standing): the 2016 review's for 2017, where most of
                # the planned escapes were foreseen and about one in ten poor stayed poor.
                # The draw for the 2017 review is kept so the rest of the demo stays the same.
                forecast_2018 = year == ROUND_YEARS[-1] and rng.random() < 0.2
                foreseen = movement.startswith("escape") and zlib.crc32(planned.code.encode()) % 5
                missed = zlib.crc32(planned.code.encode()) % 10 == 0
                assessment.expected_to_escape = forecast_2018 or (
                    year == ROUND_YEARS[0] and bool(foreseen or missed)
                )
            all_deprivations = sorted({*roster, *survey})
            assessment.causes, assessment.needs = _causes_and_needs(
                rng, planned, all_deprivations, persuasion
            )
        changed = year == ROUND_YEARS[-1] and movement != "stay"
        if changed:
            notes = NOTES[{"escape_to_average": "escape"}.get(movement, movement)]
        else:
            notes = _situation_notes(planned, target, survey)
        if notes and rng.random() < (0.6 if changed else 0.15):
            assessment.notes = rng.choice(notes)
        planned.assessments.append(assessment)
        base = survey
