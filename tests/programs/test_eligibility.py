"""The pure eligibility rules (`programs.eligibility`): the rule in force on a day, the area, the
statuses and social protection, any household, ages at the boundaries, pupils only, member-
versus household-level programmes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from programs.eligibility import Eligibility, HouseholdFacts, judge, owed_by_status, rule_in_force

DAY = datetime.date(2017, 10, 15)


@dataclass
class Rule:
    valid_from: datetime.date = datetime.date(2016, 1, 1)
    valid_to: datetime.date | None = None
    any_household: bool = False
    eligible_statuses: list[str] = field(default_factory=lambda: ["poor"])
    also_social_protection: bool = False
    area: str = "any"
    min_age: int | None = None
    max_age: int | None = None
    pupils_only: bool = False


def facts(*statuses: str, area: str = "urban", social: bool = False) -> HouseholdFacts:
    return HouseholdFacts(statuses=frozenset(statuses), area=area, is_social_protection=social)


def verdict(
    rule: Rule | None,
    household: HouseholdFacts,
    *,
    level: str = "household",
    age: int | None = None,
    pupil: bool = False,
) -> Eligibility:
    return judge(
        rule, level=level, day=DAY, household=household, member_age=age, member_is_pupil=pupil
    )


def test_who_a_rule_is_for_follows_the_language_of_each_call() -> None:
    """The labels of who a rule is for are kept per language: one in English after one in
    Vietnamese is English."""
    from django.utils import translation

    rule = Rule(eligible_statuses=["near_poor", "poor"])
    assert verdict(rule, facts()).reason == "Chỉ dành cho hộ nghèo, hộ cận nghèo."
    with translation.override("en"):
        assert verdict(rule, facts()).reason == "Only for poor households, near-poor households."
    assert verdict(rule, facts()).reason == "Chỉ dành cho hộ nghèo, hộ cận nghèo."


def test_the_rule_in_force_on_a_day() -> None:
    old = Rule(valid_to=datetime.date(2017, 6, 30))
    new = Rule(valid_from=datetime.date(2017, 7, 1), eligible_statuses=["near_poor"])
    rules = [old, new]
    assert rule_in_force(rules, datetime.date(2016, 1, 1)) is old
    assert rule_in_force(rules, datetime.date(2017, 6, 30)) is old
    assert rule_in_force(rules, datetime.date(2017, 7, 1)) is new
    assert rule_in_force(rules, datetime.date(2015, 12, 31)) is None


def test_no_rule_in_force_is_not_eligible() -> None:
    refused = verdict(None, facts("poor"))
    assert not refused
    assert refused.reason == "Chương trình không có quy định nào có hiệu lực vào ngày 15/10/2017."


def test_the_status_must_match() -> None:
    rule = Rule(eligible_statuses=["poor"])
    assert verdict(rule, facts("poor")).eligible
    refused = verdict(rule, facts("near_poor"))
    assert not refused.eligible
    assert refused.reason == "Chỉ dành cho hộ nghèo."
    assert not verdict(rule, facts())


def test_any_of_several_statuses_is_enough() -> None:
    rule = Rule(eligible_statuses=["near_poor", "escaped"])
    assert verdict(rule, facts("escaped")).eligible
    assert verdict(rule, facts("near_poor")).eligible
    refused = verdict(rule, facts("poor"))
    assert refused.reason == "Chỉ dành cho hộ cận nghèo, hộ thoát nghèo trong ba năm gần đây."


def test_social_protection_households_beside_the_poor() -> None:
    # Electricity support, Decision 28/2014/QĐ-TTg.
    rule = Rule(eligible_statuses=["poor"], also_social_protection=True)
    assert verdict(rule, facts("poor")).eligible
    assert verdict(rule, facts(social=True)).eligible
    assert verdict(rule, facts("near_poor", social=True)).eligible
    refused = verdict(rule, facts("near_poor"))
    assert refused.reason == "Chỉ dành cho hộ nghèo, hộ thuộc diện bảo trợ xã hội."


def test_a_rule_for_any_household_ignores_the_status() -> None:
    rule = Rule(any_household=True, eligible_statuses=[])
    assert verdict(rule, facts()).eligible
    assert verdict(rule, facts("poor")).eligible
    assert not owed_by_status(rule)
    assert owed_by_status(Rule())
    assert not owed_by_status(None)


@pytest.mark.parametrize(
    ("area", "household_area", "eligible"),
    [
        ("rural", "rural", True),
        ("rural", "urban", False),
        ("urban", "urban", True),
        ("urban", "rural", False),
        ("any", "urban", True),
        ("any", "rural", True),
    ],
)
def test_the_area(area: str, household_area: str, eligible: bool) -> None:
    rule = Rule(area=area)
    assert verdict(rule, facts("poor", area=household_area)).eligible is eligible


def test_the_area_is_checked_before_the_status() -> None:
    refused = verdict(Rule(area="rural", any_household=True), facts(area="urban"))
    assert refused.reason == "Chỉ dành cho hộ ở các xã (nông thôn)."


def test_a_programme_without_anybody_is_for_nobody() -> None:
    refused = verdict(Rule(eligible_statuses=[]), facts("poor"))
    assert not refused.eligible
    assert refused.reason == "Chương trình này chưa quy định đối tượng được hưởng."


@pytest.mark.parametrize(
    ("age", "eligible"), [(14, False), (15, True), (16, True), (59, True), (60, True), (61, False)]
)
def test_ages_are_inclusive_at_both_ends(age: int, eligible: bool) -> None:
    rule = Rule(min_age=15, max_age=60)
    assert verdict(rule, facts("poor"), level="member", age=age).eligible is eligible


def test_the_age_reason_names_the_limit_and_the_age() -> None:
    rule = Rule(min_age=15, max_age=60)
    young = verdict(rule, facts("poor"), level="member", age=14)
    old = verdict(rule, facts("poor"), level="member", age=61)
    assert young.reason == "Chỉ dành cho thành viên từ 15 tuổi trở lên; thành viên này 14 tuổi."
    assert old.reason == "Chỉ dành cho thành viên đến 60 tuổi; thành viên này 61 tuổi."


def test_an_unknown_age_fails_an_age_limit_only() -> None:
    assert not verdict(Rule(min_age=15), facts("poor"), level="member")
    assert verdict(Rule(), facts("poor"), level="member")


def test_pupils_only() -> None:
    rule = Rule(pupils_only=True)
    assert verdict(rule, facts("poor"), level="member", age=10, pupil=True).eligible
    refused = verdict(rule, facts("poor"), level="member", age=10)
    assert not refused.eligible
    assert refused.reason == "Chỉ dành cho học sinh, sinh viên; thành viên này không đi học."


def test_the_status_is_checked_before_the_member() -> None:
    rule = Rule(pupils_only=True, min_age=3)
    refused = verdict(rule, facts("near_poor"), level="member", age=1)
    assert refused.reason == "Chỉ dành cho hộ nghèo."


def test_a_household_programme_ignores_age_and_school() -> None:
    rule = Rule(min_age=15, max_age=60, pupils_only=True)
    result = verdict(rule, facts("poor"))
    assert result.eligible
    assert result.reason == "Đủ điều kiện."


def test_the_module_needs_no_database() -> None:
    # Importable and callable without touching the ORM: no django_db mark in this file.
    assert bool(verdict(Rule(), facts("poor")))
