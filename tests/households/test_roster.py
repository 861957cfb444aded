"""The indicators the roster decides, checked against hand-worked ages."""

from __future__ import annotations

import datetime

import pytest

from households.roster import RosterMember, age_on, derive_indicators

ON = datetime.date(2017, 9, 1)


@pytest.mark.parametrize(
    ("birth_year", "date_of_birth", "age"),
    [
        (2011, None, 6),
        (2011, datetime.date(2011, 9, 1), 6),  # birthday today
        (2011, datetime.date(2011, 9, 2), 5),  # birthday tomorrow
        (1986, datetime.date(1986, 1, 1), 31),
    ],
)
def test_age_on(birth_year: int, date_of_birth: datetime.date | None, age: int) -> None:
    assert age_on(birth_year=birth_year, date_of_birth=date_of_birth, day=ON) == age


def adult(**extra: object) -> RosterMember:
    defaults: dict[str, object] = {
        "name": "Lê Văn Hai",
        "birth_year": 1970,
        "education_level": "lower_secondary",
        "health_insurance_number": "HN4600000000001",
    }
    return RosterMember(**{**defaults, **extra})  # type: ignore[arg-type]


def test_no_deprivation_for_an_insured_schooled_household() -> None:
    derived = derive_indicators([adult()], on=ON)
    assert {key: d.deprived for key, d in derived.items()} == {
        "health_insurance": False,
        "child_school_attendance": False,
        "adult_education": False,
    }


@pytest.mark.parametrize(
    ("child_year", "attends", "deprived"),
    [
        (2013, False, False),  # 4 on 01/09/2017: not yet of school age
        (2012, False, True),  # 5 → school age, out of school
        (2012, True, False),
        (2003, False, True),  # 14
        (2002, False, False),  # 15 → no longer a child for this indicator
    ],
)
def test_child_school_attendance_covers_ages_5_to_14(
    child_year: int, attends: bool, deprived: bool
) -> None:
    child = adult(
        name="Lê Thị Bé",
        birth_year=child_year,
        attends_school=attends,
        education_level="none",
        health_insurance_number="TE1",
    )
    result = derive_indicators([adult(), child], on=ON)["child_school_attendance"]
    assert result.deprived is deprived


def test_health_insurance_ignores_children_under_6() -> None:
    baby = adult(name="Lê Văn Út", birth_year=2012, health_insurance_number="")
    assert not derive_indicators([adult(), baby], on=ON)["health_insurance"].deprived
    six = adult(name="Lê Văn Sáu", birth_year=2011, health_insurance_number="", attends_school=True)
    result = derive_indicators([adult(), six], on=ON)["health_insurance"]
    assert result.deprived
    assert "Lê Văn Sáu (6)" in result.reason


@pytest.mark.parametrize(
    ("birth_year", "education", "attends", "deprived"),
    [
        (1986, "primary", False, True),
        (1985, "primary", False, False),  # born before 1986: not counted
        (1990, "none", True, False),  # still in school
        (1990, "lower_secondary", False, False),
        (2003, "primary", False, False),  # 14: a child, not an adult
        (2002, "primary", False, True),  # 15
    ],
)
def test_adult_education(birth_year: int, education: str, attends: bool, deprived: bool) -> None:
    member = adult(birth_year=birth_year, education_level=education, attends_school=attends)
    assert derive_indicators([member], on=ON)["adult_education"].deprived is deprived


def test_an_empty_roster_is_an_error() -> None:
    with pytest.raises(ValueError, match="Hộ chưa có thành viên nào"):
        derive_indicators([], on=ON)


# --- The rules a standard names (Decree 07/2021/NĐ-CP from 2022: UNCONFIRMED ages) ---------

RULES_2022 = {"health_insurance": "insurance_6_plus", "child_school_attendance": "school_3_to_15"}
ON_2025 = datetime.date(2025, 9, 1)


def test_only_the_indicators_the_standard_derives_are_derived() -> None:
    derived = derive_indicators(
        [adult(birth_year=1995, education_level="none")], on=ON_2025, rules=RULES_2022
    )

    # Born 1995 without lower-secondary school: deprived under 2016–2020, but 2022's adult
    # education indicator is the officer's, not the roster's.
    assert {key: d.deprived for key, d in derived.items()} == {
        "health_insurance": False,
        "child_school_attendance": False,
    }


@pytest.mark.parametrize(
    ("child_year", "attends", "deprived"),
    [
        (2023, False, False),  # 2 on 01/09/2025: too young
        (2022, False, True),  # 3 → counted from 2022 on (5 under Decision 59/2015)
        (2022, True, False),
        (2010, False, True),  # 15
        (2009, False, False),  # 16 → no longer counted
    ],
)
def test_school_attendance_from_2022_covers_ages_3_to_15(
    child_year: int, attends: bool, deprived: bool
) -> None:
    child = adult(
        name="Lê Thị Bé",
        birth_year=child_year,
        attends_school=attends,
        education_level="none",
        health_insurance_number="TE1",
    )
    result = derive_indicators([adult(), child], on=ON_2025, rules=RULES_2022)

    assert result["child_school_attendance"].deprived is deprived
    if deprived:
        assert result["child_school_attendance"].reason.startswith(
            "Trẻ em từ 3 đến 15 tuổi không đi học: Lê Thị Bé ("
        )


def test_an_unknown_rule_is_an_error() -> None:
    with pytest.raises(ValueError, match="school_4_to_9"):
        derive_indicators([adult()], on=ON, rules={"child_school_attendance": "school_4_to_9"})
