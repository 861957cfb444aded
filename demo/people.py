"""Planning one household's members in memory: names, ages, schooling, health, IDs and cards.

Nothing here touches the database; `demo.plan` decides which households to build
and `demo.write` stores them through the services.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from demo.data import (
    COASTAL_JOBS,
    COASTAL_WARDS,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_JOBS,
    MALE_MIDDLE,
    MAX_MEMBERS,
    NEAR_POOR,
    POOR_TARGETS,
    ROSTER_DATE,
    RURAL_JOBS,
    URBAN_JOBS,
)
from giamngheo.formatting import fold_text
from households import services
from households.ethnicities import Ethnicity
from households.models import Member, Ward
from households.roster import RosterMember, age_on, roster_member

T = TypeVar("T")

Members = list["PlannedMember"]


@dataclass
class PlannedMember:
    full_name: str
    sex: str
    relation: str
    birth_year: int
    date_of_birth: datetime.date | None
    ethnicity: str
    education_level: str
    attends_school: bool
    disability: str
    work_ability: str
    occupation: str
    national_id: str | None = None
    health_insurance_number: str = ""
    health_insurance_expiry: datetime.date | None = None

    @property
    def age(self) -> int:
        return age_on(birth_year=self.birth_year, date_of_birth=self.date_of_birth, day=ROSTER_DATE)

    def roster(self) -> RosterMember:
        return roster_member(self)

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in services.MEMBER_FIELDS}


def has_working_age_labour(members: Sequence[PlannedMember]) -> bool:
    """A member aged 16–59 on the 2017 reference date who is able to work."""
    return any(16 <= m.age <= 59 and m.work_ability == Member.WorkAbility.ABLE for m in members)


# --- Building one household's members ------------------------------------------------------


def weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]


def name_parts(
    rng: random.Random, sex: str, ethnicity: str, *, birth_year: int, family: str | None = None
) -> tuple[str, str, str]:
    family = family or weighted(rng, FAMILY_NAMES.get(ethnicity, FAMILY_NAMES[Ethnicity.KINH]))
    # "Văn" and "Thị" are the classic middle names; younger people get them less often.
    classic = 0.75 if birth_year < 1975 else 0.45 if birth_year < 1995 else 0.2
    if sex == Member.Sex.MALE:
        middle = "Văn" if rng.random() < classic else rng.choice(MALE_MIDDLE[1:])
        given = rng.choice(MALE_GIVEN)
    else:
        middle = "Thị" if rng.random() < classic else rng.choice(FEMALE_MIDDLE[1:])
        given = rng.choice(FEMALE_GIVEN)
    if given == middle:
        given = rng.choice(FEMALE_GIVEN if sex == Member.Sex.FEMALE else MALE_GIVEN[:5])
    return family, middle, given


def _birth(rng: random.Random, age: int, *, year_only: bool) -> tuple[int, datetime.date | None]:
    """A date of birth giving exactly `age` on the roster date (or just a year)."""
    latest = ROSTER_DATE.replace(year=ROSTER_DATE.year - age)
    earliest = ROSTER_DATE.replace(year=ROSTER_DATE.year - age - 1) + datetime.timedelta(days=1)
    born = earliest + datetime.timedelta(days=rng.randrange((latest - earliest).days + 1))
    if year_only:
        return ROSTER_DATE.year - age, None
    return born.year, born


class IdMaker:
    """Unique national ID numbers: CCCD "060…" (Bình Thuận) or CMND "26…"."""

    def __init__(self, rng: random.Random, used: set[str]) -> None:
        self.rng = rng
        self.used = used

    def make(self, *, sex: str, birth_year: int) -> str:
        if self.rng.random() < 0.25:
            century = 0 if birth_year < 2000 else 2
            gender = century + (1 if sex == Member.Sex.FEMALE else 0)
            stem, digits = f"060{gender}{birth_year % 100:02d}", 6
        else:
            stem, digits = "26", 7
        serial = self.rng.randrange(10**digits)
        candidate = f"{stem}{serial:0{digits}d}"
        # Step deterministically on a clash so the random stream does not depend on the db.
        while candidate in self.used:
            serial = (serial + 1) % 10**digits
            candidate = f"{stem}{serial:0{digits}d}"
        self.used.add(candidate)
        return candidate


@dataclass
class HouseholdDraft:
    """Facts shared while building one household's members."""

    rng: random.Random
    ward: Ward
    ethnicity: str
    poor: bool
    members: Members = field(default_factory=list)

    def add(
        self,
        *,
        sex: str,
        age: int,
        relation: str,
        family: str | None = None,
        ethnicity: str | None = None,
    ) -> PlannedMember | None:
        if len(self.members) >= MAX_MEMBERS or age < 0:
            return None
        rng = self.rng
        ethnicity = ethnicity or self.ethnicity
        year_only = age >= 67 and rng.random() < 0.4
        birth_year, date_of_birth = _birth(rng, age, year_only=year_only)
        taken = {(fold_text(m.full_name), m.birth_year) for m in self.members}
        while True:
            parts = name_parts(rng, sex, ethnicity, birth_year=birth_year, family=family)
            full_name = " ".join(parts)
            if (fold_text(full_name), birth_year) not in taken:
                break
        education, attends = _education(rng, age, poor=self.poor)
        disability, work_ability = _health(rng, age, poor=self.poor)
        member = PlannedMember(
            full_name=full_name,
            sex=sex,
            relation=relation,
            birth_year=birth_year,
            date_of_birth=date_of_birth,
            ethnicity=ethnicity,
            education_level=education,
            attends_school=attends,
            disability=disability,
            work_ability=work_ability,
            occupation=self._occupation(age, sex, attends, work_ability),
        )
        self.members.append(member)
        return member

    def _occupation(self, age: int, sex: str, attends: bool, work_ability: str) -> str:
        rng = self.rng
        if attends:
            return "Sinh viên" if age >= 18 else "Học sinh" if age >= 6 else ""
        if age < 15 or work_ability == Member.WorkAbility.UNABLE:
            return ""
        if age >= 65:
            return "Già yếu" if rng.random() < 0.5 else "Làm thuê"
        if sex == Member.Sex.FEMALE and rng.random() < 0.2:
            return "Nội trợ"
        if self.ward.kind == Ward.Kind.COMMUNE:
            jobs = RURAL_JOBS
        else:
            jobs = COASTAL_JOBS if self.ward.code in COASTAL_WARDS else URBAN_JOBS
        if sex == Member.Sex.FEMALE:
            jobs = [job for job in jobs if job not in MALE_JOBS]
        return rng.choice(jobs)


def _education(rng: random.Random, age: int, *, poor: bool) -> tuple[str, bool]:
    """Highest level completed and school attendance, plausible for the age."""
    E = Member.Education
    if age < 5:
        return E.NONE, False
    if age < 15:
        attends = rng.random() >= (0.06 if poor else 0.02)
        return (E.PRIMARY if age >= 11 else E.NONE), attends
    if age < 18:
        attends = rng.random() < (0.55 if poor else 0.8)
        level = E.LOWER_SECONDARY if attends or rng.random() < 0.75 else E.PRIMARY
        return level, attends
    if age < 23:
        attends = rng.random() < (0.05 if poor else 0.15)
        mix = [(E.PRIMARY, 12 if poor else 5), (E.LOWER_SECONDARY, 40), (E.UPPER_SECONDARY, 40)]
        return weighted(rng, [*mix, (E.VOCATIONAL, 8)]), attends
    if age < 32:
        mix = [
            (E.NONE, 2),
            (E.PRIMARY, 16 if poor else 6),
            (E.LOWER_SECONDARY, 38),
            (E.UPPER_SECONDARY, 26),
            (E.VOCATIONAL, 8),
            (E.COLLEGE, 3 if poor else 8),
            (E.UNIVERSITY, 1 if poor else 6),
        ]
    elif age < 51:
        mix = [
            (E.NONE, 8 if poor else 3),
            (E.PRIMARY, 32 if poor else 20),
            (E.LOWER_SECONDARY, 35),
            (E.UPPER_SECONDARY, 18 if poor else 28),
            (E.VOCATIONAL, 4),
            (E.COLLEGE, 2),
            (E.UNIVERSITY, 1 if poor else 3),
        ]
    else:
        mix = [
            (E.NONE, 28 if poor else 15),
            (E.PRIMARY, 42),
            (E.LOWER_SECONDARY, 20),
            (E.UPPER_SECONDARY, 8),
            (E.VOCATIONAL, 2),
        ]
    return weighted(rng, mix), False


def _health(rng: random.Random, age: int, *, poor: bool) -> tuple[str, str]:
    """Disability and ability to work: mostly none/able, weaker with age."""
    D, W = Member.Disability, Member.WorkAbility
    if age >= 16 and rng.random() < (0.06 if poor else 0.03):
        if rng.random() < 0.6:
            return D.MILD, W.LIMITED
        return rng.choice([D.SEVERE, D.ESPECIALLY_SEVERE]), W.UNABLE
    if age < 60:
        return D.NONE, W.LIMITED if age >= 16 and rng.random() < 0.03 else W.ABLE
    if age < 75:
        return D.NONE, weighted(rng, [(W.ABLE, 60), (W.LIMITED, 30), (W.UNABLE, 10)])
    return D.NONE, weighted(rng, [(W.ABLE, 10), (W.LIMITED, 40), (W.UNABLE, 50)])


def build_roster(rng: random.Random, kind: str, h: HouseholdDraft) -> None:
    """Head first, then spouse, children, parents and grandchildren, ages relative to the head."""
    M, F = Member.Sex.MALE, Member.Sex.FEMALE
    R = Member.Relation
    other_sex = {M: F, F: M}

    def children(mother_age: int, father_family: str, n: int, oldest: int = 30) -> None:
        for _ in range(n):
            age = rng.randint(0, max(0, min(oldest, mother_age - 20)))
            h.add(sex=rng.choice([M, F]), age=age, relation=R.CHILD, family=father_family)

    if kind == "single_elderly":
        h.add(sex=F if rng.random() < 0.65 else M, age=rng.randint(62, 90), relation=R.HEAD)
        if rng.random() < 0.2:
            h.add(sex=rng.choice([M, F]), age=rng.randint(6, 14), relation=R.GRANDCHILD)
        return
    if kind == "single_adult":
        head = h.add(sex=rng.choice([M, F]), age=rng.randint(25, 59), relation=R.HEAD)
        if head and rng.random() < 0.3:
            family = head.full_name.split()[0]
            sibling_age = min(85, max(16, head.age + rng.randint(-8, 8)))
            h.add(sex=rng.choice([M, F]), age=sibling_age, relation=R.SIBLING, family=family)
        return

    ages = {
        "elderly_couple": (60, 85),
        "young_family": (24, 40),
        "family": (38, 58),
        "three_generations": (50, 70),
        "single_parent": (28, 55),
    }[kind]
    if kind == "single_parent":
        head_sex = F if rng.random() < 0.9 else M
    else:
        head_sex = M if rng.random() < 0.82 else F
    head = h.add(sex=head_sex, age=rng.randint(*ages), relation=R.HEAD)
    assert head is not None
    head_family = head.full_name.split()[0]
    has_spouse = kind != "single_parent" and not (
        kind == "three_generations" and rng.random() < 0.3
    )
    wife_age = head.age
    father_family = head_family if head_sex == M else None
    if has_spouse:
        gap = rng.randint(0, 7)
        spouse_age = max(18, head.age - gap if head_sex == M else head.age + gap)
        spouse_ethnicity = h.ethnicity if rng.random() < 0.85 else Ethnicity.KINH
        spouse = h.add(
            sex=other_sex[head_sex], age=spouse_age, relation=R.SPOUSE, ethnicity=spouse_ethnicity
        )
        assert spouse is not None
        if head_sex == F:
            father_family = spouse.full_name.split()[0]
        else:
            wife_age = spouse.age
    if father_family is None:
        father_family = weighted(rng, FAMILY_NAMES.get(h.ethnicity, FAMILY_NAMES[Ethnicity.KINH]))

    if kind == "elderly_couple":
        if rng.random() < 0.15:
            h.add(
                sex=rng.choice([M, F]),
                age=rng.randint(25, 45),
                relation=R.CHILD,
                family=father_family,
            )
        return
    if kind == "three_generations":
        son_age = min(wife_age - 20, rng.randint(24, 42))
        son = h.add(sex=M, age=son_age, relation=R.CHILD, family=father_family)
        if son is None:
            return
        if rng.random() < 0.7:
            h.add(sex=F, age=max(20, son.age - rng.randint(0, 5)), relation=R.OTHER_RELATIVE)
        for _ in range(rng.randint(1, 3)):
            age = rng.randint(0, min(15, son.age - 20))
            h.add(
                sex=rng.choice([M, F]),
                age=age,
                relation=R.GRANDCHILD,
                family=son.full_name.split()[0],
            )
        if rng.random() < 0.3:
            children(wife_age, father_family, 1, oldest=min(30, son.age - 1))
        return

    n_children = weighted(rng, [(0, 1), (1, 4), (2, 5), (3, 3), (4, 1)])
    if kind == "young_family":
        children(wife_age, father_family, n_children, oldest=18)
    else:
        children(wife_age, father_family, max(1, n_children), oldest=32)
    if rng.random() < (0.25 if kind != "young_family" else 0.1):
        parent_age = min(95, head.age + rng.randint(22, 34))
        h.add(sex=F if rng.random() < 0.7 else M, age=parent_age, relation=R.PARENT)


def fill_ids_and_cards(
    rng: random.Random, h: HouseholdDraft, ids: IdMaker, *, merit: bool, first_target: str
) -> None:
    profile = weighted(rng, [("insured", 75), ("missing", 15), ("expired", 10)])
    eligible = [i for i, m in enumerate(h.members) if m.age >= 6]
    affected = set(rng.sample(eligible, k=min(len(eligible), rng.randint(1, 2))))
    for index, member in enumerate(h.members):
        age = member.age
        if age >= 16 and rng.random() < (0.85 if h.poor else 0.93):
            member.national_id = ids.make(sex=member.sex, birth_year=member.birth_year)
        if age < 6:
            code, level = "TE", 1
        elif age <= 18 and member.attends_school:
            code, level = "HS", 4
        elif merit and member.relation == Member.Relation.HEAD:
            code, level = "CC", 1
        elif age >= 80:
            code, level = "BT", 2
        elif first_target in POOR_TARGETS:
            code, level = "HN", 2
        elif first_target == NEAR_POOR:
            code, level = "CN", 3
        else:
            code, level = "GD", 4
        if index in affected and age >= 6 and profile == "missing":
            continue
        member.health_insurance_number = f"{code}{level}60{rng.randrange(10**10):010d}"
        if index in affected and age >= 6 and profile == "expired":
            # Valid for the 2016 round, lapsed by the 2017 one (or lapsed before both).
            member.health_insurance_expiry = rng.choice(
                [
                    datetime.date(2016, 12, 31),
                    datetime.date(2016, 12, 31),
                    datetime.date(2015, 12, 31),
                ]
            )
        else:
            member.health_insurance_expiry = rng.choice(
                [datetime.date(2017, 12, 31), datetime.date(2018, 12, 31)]
            )
