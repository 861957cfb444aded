"""Deprivation indicators that the household roster decides (pure: no ORM).

Some indicators follow from facts recorded for each member, so the assessment derives them
instead of asking the officer. Each standard's indicator names the rule that derives it
(`PovertyStandard`'s `Indicator.derivation`, data in `StandardIndicator`); an indicator
without one is the officer's. The rules (`RosterRule`):

- INSURANCE_6_PLUS (health_insurance, 2016–2020 and 2022 on): a member aged 6 or over has no
  valid health-insurance card;
- SCHOOL_5_TO_14 (child_school_attendance, 2016–2020): a child aged 5 to under 15 is not
  attending school;
- ADULT_EDUCATION_BORN_1986 (adult_education, 2016–2020): a member aged 15 or over, born in
  1986 or later, has not finished lower-secondary school and is not attending school;
- SCHOOL_3_TO_15 (child_school_attendance, 2022 on): a child aged 3 to under 16 is not
  attending school.

The age limits of 2016–2020 are UNCONFIRMED wording of the Decision 1614/2015 annex
(REFERENCE.md §1.4); those of 2022 on are UNCONFIRMED readings of Decree 07/2021/NĐ-CP from
secondary sources (REFERENCE.md §7), and that standard's adult-education indicator (members
aged 16 to 30 without a qualification) is left to the officer: the roster does not record
training. They are named constants here so they can be corrected in one place.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from households.cards import holds_valid_card
from households.classification import Label, gettext

HEALTH_INSURANCE_MIN_AGE = 6
SCHOOL_AGE_FROM = 5
SCHOOL_AGE_UNTIL = 15  # exclusive
ADULT_EDUCATION_MIN_AGE = 15
ADULT_EDUCATION_BORN_FROM = 1986
# Education levels (Member.Education values) below completed lower-secondary school.
BELOW_LOWER_SECONDARY = frozenset({"none", "primary"})
# Decree 07/2021/NĐ-CP (UNCONFIRMED, REFERENCE.md §7): children aged 3 to under 16.
SCHOOL_AGE_FROM_2022 = 3
SCHOOL_AGE_UNTIL_2022 = 16  # exclusive


class RosterRule(enum.StrEnum):
    """A rule deriving one indicator from the members; a standard's indicator names one."""

    INSURANCE_6_PLUS = "insurance_6_plus"
    SCHOOL_5_TO_14 = "school_5_to_14"
    ADULT_EDUCATION_BORN_1986 = "adult_education_born_1986"
    SCHOOL_3_TO_15 = "school_3_to_15"

    @property
    def label(self) -> Label:
        return _RULE_LABELS[self]


_RULE_LABELS: dict[RosterRule, Label] = {
    RosterRule.INSURANCE_6_PLUS: gettext_lazy("A member aged 6 or over without a valid card"),
    RosterRule.SCHOOL_5_TO_14: gettext_lazy("A child aged 5 to 14 not attending school"),
    RosterRule.ADULT_EDUCATION_BORN_1986: gettext_lazy(
        "A member born in 1986 or later, aged 15 or over, without lower-secondary schooling"
    ),
    RosterRule.SCHOOL_3_TO_15: gettext_lazy("A child aged 3 to 15 not attending school"),
}

# Decision 59/2015/QĐ-TTg's indicators and their rules: `derive_indicators`' default.
DECISION_59_RULES: Mapping[str, RosterRule] = {
    "health_insurance": RosterRule.INSURANCE_6_PLUS,
    "child_school_attendance": RosterRule.SCHOOL_5_TO_14,
    "adult_education": RosterRule.ADULT_EDUCATION_BORN_1986,
}


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
    """`households.cards.holds_valid_card`, the one rule, of a roster member."""
    return holds_valid_card(member.health_insurance_number, member.health_insurance_expiry, day)


def derive_indicators(
    members: Iterable[RosterMember],
    *,
    on: datetime.date,
    rules: Mapping[str, str] = DECISION_59_RULES,
) -> dict[str, DerivedIndicator]:
    """Derive each indicator of `rules` ({indicator key: `RosterRule`}) on date `on`, each
    with a reason naming the members; Decision 59/2015's three by default."""
    roster = list(members)
    if not roster:
        raise ValueError(gettext("The household has no members: enter the roster first."))
    return {key: _RULES[RosterRule(rule)](roster, on) for key, rule in rules.items()}


def rules_of(standard: Any) -> dict[str, str]:
    """{indicator key: rule} of the indicators a `PovertyStandard` derives from the members."""
    return {i.key: i.derivation for i in standard.indicators if i.derivation}


def _aged(member: RosterMember, on: datetime.date) -> int:
    return age_on(birth_year=member.birth_year, date_of_birth=member.date_of_birth, day=on)


def _names(found: list[RosterMember], on: datetime.date) -> str:
    return ", ".join(f"{m.name} ({_aged(m, on)})" for m in found)


def _insurance_6_plus(roster: list[RosterMember], on: datetime.date) -> DerivedIndicator:
    uninsured = [
        m for m in roster if _aged(m, on) >= HEALTH_INSURANCE_MIN_AGE and not has_valid_card(m, on)
    ]
    return DerivedIndicator(
        bool(uninsured),
        gettext("Aged 6 or over without a valid health-insurance card: %(names)s")
        % {"names": _names(uninsured, on)}
        if uninsured
        else gettext("Every member aged 6 or over has a valid health-insurance card."),
    )


def _school_5_to_14(roster: list[RosterMember], on: datetime.date) -> DerivedIndicator:
    out_of_school = [
        m
        for m in roster
        if SCHOOL_AGE_FROM <= _aged(m, on) < SCHOOL_AGE_UNTIL and not m.attends_school
    ]
    return DerivedIndicator(
        bool(out_of_school),
        gettext("Children aged 5 to 14 not attending school: %(names)s")
        % {"names": _names(out_of_school, on)}
        if out_of_school
        else gettext("No child aged 5 to 14 is out of school."),
    )


def _adult_education_born_1986(roster: list[RosterMember], on: datetime.date) -> DerivedIndicator:
    under_educated = [
        m
        for m in roster
        if _aged(m, on) >= ADULT_EDUCATION_MIN_AGE
        and m.birth_year >= ADULT_EDUCATION_BORN_FROM
        and m.education_level in BELOW_LOWER_SECONDARY
        and not m.attends_school
    ]
    return DerivedIndicator(
        bool(under_educated),
        gettext(
            "Born in 1986 or later, aged 15 or over, without lower-secondary schooling "
            "and not in school: %(names)s"
        )
        % {"names": _names(under_educated, on)}
        if under_educated
        else gettext("No member born in 1986 or later lacks lower-secondary schooling."),
    )


def _school_3_to_15(roster: list[RosterMember], on: datetime.date) -> DerivedIndicator:
    out_of_school = [
        m
        for m in roster
        if SCHOOL_AGE_FROM_2022 <= _aged(m, on) < SCHOOL_AGE_UNTIL_2022 and not m.attends_school
    ]
    return DerivedIndicator(
        bool(out_of_school),
        gettext("Children aged 3 to 15 not attending school: %(names)s")
        % {"names": _names(out_of_school, on)}
        if out_of_school
        else gettext("No child aged 3 to 15 is out of school."),
    )


_RULES: dict[RosterRule, Callable[[list[RosterMember], datetime.date], DerivedIndicator]] = {
    RosterRule.INSURANCE_6_PLUS: _insurance_6_plus,
    RosterRule.SCHOOL_5_TO_14: _school_5_to_14,
    RosterRule.ADULT_EDUCATION_BORN_1986: _adult_education_born_1986,
    RosterRule.SCHOOL_3_TO_15: _school_3_to_15,
}
