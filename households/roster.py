"""Deprivation indicators that the household roster decides (pure: no ORM).

Three of the ten indicators of Decision 59/2015/QĐ-TTg follow from facts recorded for each
member, so the assessment derives them instead of asking the officer (REFERENCE.md §1.4):

- health_insurance: a member aged 6 or over has no valid health-insurance card;
- child_school_attendance: a child aged 5 to under 15 is not attending school;
- adult_education: a member aged 15 or over, born in 1986 or later, has not finished
  lower-secondary school and is not attending school.

The age limits are UNCONFIRMED wording of the Decision 1614/2015 annex: they are named
constants here so they can be corrected in one place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from households.classification import gettext

HEALTH_INSURANCE_MIN_AGE = 6
SCHOOL_AGE_FROM = 5
SCHOOL_AGE_UNTIL = 15  # exclusive
ADULT_EDUCATION_MIN_AGE = 15
ADULT_EDUCATION_BORN_FROM = 1986
# Education levels (Member.Education values) below completed lower-secondary school.
BELOW_LOWER_SECONDARY = frozenset({"none", "primary"})

ROSTER_INDICATORS = ("health_insurance", "child_school_attendance", "adult_education")


@dataclass(frozen=True)
class RosterMember:
    name: str
    birth_year: int
    date_of_birth: datetime.date | None = None
    attends_school: bool = False
    education_level: str = "none"
    health_insurance_number: str = ""
    health_insurance_expiry: datetime.date | None = None


def roster_member(member: Any) -> RosterMember:
    """The facts the indicators need, from anything with a Member's fields (a model, a draft)."""
    return RosterMember(
        name=member.full_name,
        birth_year=member.birth_year,
        date_of_birth=member.date_of_birth,
        attends_school=member.attends_school,
        education_level=member.education_level,
        health_insurance_number=member.health_insurance_number,
        health_insurance_expiry=member.health_insurance_expiry,
    )


@dataclass(frozen=True)
class DerivedIndicator:
    deprived: bool
    reason: str


def age_on(*, birth_year: int, date_of_birth: datetime.date | None, day: datetime.date) -> int:
    """Age in whole years on `day`; with only a year of birth, the age reached during that year."""
    if date_of_birth is None:
        return day.year - birth_year
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def has_valid_card(member: RosterMember, day: datetime.date) -> bool:
    if not member.health_insurance_number.strip():
        return False
    return member.health_insurance_expiry is None or member.health_insurance_expiry >= day


def derive_indicators(
    members: Iterable[RosterMember], *, on: datetime.date
) -> dict[str, DerivedIndicator]:
    """Derive the three roster indicators on date `on`, each with a reason naming the members."""
    roster = list(members)
    if not roster:
        raise ValueError(gettext("The household has no members: enter the roster first."))

    def aged(member: RosterMember) -> int:
        return age_on(birth_year=member.birth_year, date_of_birth=member.date_of_birth, day=on)

    def names(found: list[RosterMember]) -> str:
        return ", ".join(f"{m.name} ({aged(m)})" for m in found)

    uninsured = [
        m for m in roster if aged(m) >= HEALTH_INSURANCE_MIN_AGE and not has_valid_card(m, on)
    ]
    out_of_school = [
        m for m in roster if SCHOOL_AGE_FROM <= aged(m) < SCHOOL_AGE_UNTIL and not m.attends_school
    ]
    under_educated = [
        m
        for m in roster
        if aged(m) >= ADULT_EDUCATION_MIN_AGE
        and m.birth_year >= ADULT_EDUCATION_BORN_FROM
        and m.education_level in BELOW_LOWER_SECONDARY
        and not m.attends_school
    ]
    return {
        "health_insurance": DerivedIndicator(
            bool(uninsured),
            gettext("Aged 6 or over without a valid health-insurance card: %(names)s")
            % {"names": names(uninsured)}
            if uninsured
            else gettext("Every member aged 6 or over has a valid health-insurance card."),
        ),
        "child_school_attendance": DerivedIndicator(
            bool(out_of_school),
            gettext("Children aged 5 to 14 not attending school: %(names)s")
            % {"names": names(out_of_school)}
            if out_of_school
            else gettext("No child aged 5 to 14 is out of school."),
        ),
        "adult_education": DerivedIndicator(
            bool(under_educated),
            gettext(
                "Born in 1986 or later, aged 15 or over, without lower-secondary schooling "
                "and not in school: %(names)s"
            )
            % {"names": names(under_educated)}
            if under_educated
            else gettext("No member born in 1986 or later lacks lower-secondary schooling."),
        ),
    }
