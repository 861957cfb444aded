"""The pure eligibility rules (`programs.eligibility`): statuses, "escaped" within three years,
ages at the boundaries, pupils only, member- versus household-level programmes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from programs.eligibility import check, household_standing


@dataclass
class Rules:
    eligible_statuses: list[str] = field(default_factory=lambda: ["poor"])
    level: str = "household"
    min_age: int | None = None
    max_age: int | None = None
    pupils_only: bool = False


@pytest.mark.parametrize(
    ("status", "earlier", "expected"),
    [
        ("poor", [], {"poor"}),
        ("near_poor", [], {"near_poor"}),
        ("poor", [2016], {"poor"}),
        ("near_poor", [2016], {"near_poor"}),
        ("average_living", [2016], {"escaped"}),
        ("not_poor", [2016], {"escaped"}),
        ("not_poor", [2014], {"escaped"}),
        ("not_poor", [2013], set()),
        ("not_poor", [2017], set()),
        ("not_poor", [], set()),
        (None, [2016], set()),
        (None, [], set()),
    ],
)
def test_household_standing(status: str | None, earlier: list[int], expected: set[str]) -> None:
    assert household_standing(status, earlier, 2017) == expected


def test_the_status_must_match() -> None:
    rules = Rules(eligible_statuses=["poor"])
    assert check(rules, standing={"poor"}, member_age=None, member_is_pupil=False).eligible
    refused = check(rules, standing={"near_poor"}, member_age=None, member_is_pupil=False)
    assert not refused.eligible
    assert refused.reason == "Chỉ dành cho hộ nghèo."
    assert not check(rules, standing=set(), member_age=None, member_is_pupil=False)


def test_any_of_several_statuses_is_enough() -> None:
    rules = Rules(eligible_statuses=["near_poor", "escaped"])
    assert check(rules, standing={"escaped"}, member_age=None, member_is_pupil=False).eligible
    assert check(rules, standing={"near_poor"}, member_age=None, member_is_pupil=False).eligible
    refused = check(rules, standing={"poor"}, member_age=None, member_is_pupil=False)
    assert refused.reason == ("Chỉ dành cho hộ cận nghèo, hộ thoát nghèo trong ba năm gần đây.")


def test_a_programme_without_statuses_is_for_nobody() -> None:
    rules = Rules(eligible_statuses=[])
    refused = check(rules, standing={"poor"}, member_age=None, member_is_pupil=False)
    assert not refused.eligible
    assert refused.reason == "Chương trình này chưa quy định đối tượng được hưởng."


@pytest.mark.parametrize(
    ("age", "eligible"), [(14, False), (15, True), (16, True), (59, True), (60, True), (61, False)]
)
def test_ages_are_inclusive_at_both_ends(age: int, eligible: bool) -> None:
    rules = Rules(level="member", min_age=15, max_age=60)
    result = check(rules, standing={"poor"}, member_age=age, member_is_pupil=False)
    assert result.eligible is eligible


def test_the_age_reason_names_the_limit_and_the_age() -> None:
    rules = Rules(level="member", min_age=15, max_age=60)
    young = check(rules, standing={"poor"}, member_age=14, member_is_pupil=False)
    old = check(rules, standing={"poor"}, member_age=61, member_is_pupil=False)
    assert young.reason == "Chỉ dành cho thành viên từ 15 tuổi trở lên; thành viên này 14 tuổi."
    assert old.reason == "Chỉ dành cho thành viên đến 60 tuổi; thành viên này 61 tuổi."


def test_an_unknown_age_fails_an_age_limit_only() -> None:
    limited = Rules(level="member", min_age=15)
    assert not check(limited, standing={"poor"}, member_age=None, member_is_pupil=False)
    unlimited = Rules(level="member")
    assert check(unlimited, standing={"poor"}, member_age=None, member_is_pupil=False)


def test_pupils_only() -> None:
    rules = Rules(level="member", pupils_only=True)
    assert check(rules, standing={"poor"}, member_age=10, member_is_pupil=True).eligible
    refused = check(rules, standing={"poor"}, member_age=10, member_is_pupil=False)
    assert not refused.eligible
    assert refused.reason == "Chỉ dành cho học sinh, sinh viên; thành viên này không đi học."


def test_the_status_is_checked_before_the_member() -> None:
    rules = Rules(level="member", pupils_only=True, min_age=3)
    refused = check(rules, standing={"near_poor"}, member_age=1, member_is_pupil=False)
    assert refused.reason == "Chỉ dành cho hộ nghèo."


def test_a_household_programme_ignores_age_and_school() -> None:
    rules = Rules(level="household", min_age=15, max_age=60, pupils_only=True)
    result = check(rules, standing={"poor"}, member_age=None, member_is_pupil=False)
    assert result.eligible
    assert result.reason == "Đủ điều kiện."


def test_the_module_needs_no_database() -> None:
    # Importable and callable without touching the ORM: no django_db mark in this file.
    assert bool(check(Rules(), standing={"poor"}, member_age=None, member_is_pupil=False))
