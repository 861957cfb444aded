"""Decision 59/2015/QĐ-TTg Article 2 rules (REFERENCE.md §1.2–1.5, §2.3), checked by hand."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from households import classification
from households.classification import (
    DEFAULT_STANDARD,
    STANDARD_2016_2020,
    STANDARDS,
    Area,
    AreaThresholds,
    Classification,
    Dimension,
    Indicator,
    PoorGroup,
    PovertyStandard,
    Status,
    classify,
    get_standard,
    standard_for_date,
)

# Under Django the engine's standards are the database's (households.standards).
pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]

# REFERENCE.md §1.4, in table order.
INDICATOR_DIMENSIONS = {
    "health_access": "health",
    "health_insurance": "health",
    "adult_education": "education",
    "child_school_attendance": "education",
    "housing_quality": "housing",
    "housing_area": "housing",
    "water_source": "water_sanitation",
    "sanitation": "water_sanitation",
    "telecom": "information",
    "information_assets": "information",
}
ALL_KEYS = list(INDICATOR_DIMENSIONS)
THREE = {"health_insurance", "sanitation", "telecom"}
FIVE = {"health_access", "housing_area", "water_source", "sanitation", "telecom"}

POOR, NEAR, AVG, NOT = "poor", "near_poor", "average_living", "not_poor"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Under pytest-django the project language is Vietnamese; the expected texts are English.
    if apps.ready:
        with translation.override("en"):
            yield
    else:
        yield


def _classify(area: str, income: int, deprivations: object = ()) -> Classification:
    return classify(area=area, income_per_capita=income, deprivations=deprivations)  # type: ignore[arg-type]


# Every line at, one đồng below and one đồng above, with 0 and 3 deprivations.
@pytest.mark.parametrize(
    ("area", "income", "n", "status", "group"),
    [
        ("urban", 899_999, 0, POOR, "N1"),
        ("urban", 899_999, 3, POOR, "N1"),
        ("urban", 900_000, 0, POOR, "N1"),
        ("urban", 900_000, 3, POOR, "N1"),
        ("urban", 900_001, 0, NEAR, None),
        ("urban", 900_001, 3, POOR, "N2"),
        ("urban", 1_299_999, 0, NEAR, None),
        ("urban", 1_299_999, 3, POOR, "N2"),
        ("urban", 1_300_000, 0, NEAR, None),
        ("urban", 1_300_000, 3, POOR, "N2"),
        ("urban", 1_300_001, 0, AVG, None),
        ("urban", 1_300_001, 3, AVG, None),
        ("urban", 1_949_999, 0, AVG, None),
        ("urban", 1_949_999, 3, AVG, None),
        ("urban", 1_950_000, 0, AVG, None),
        ("urban", 1_950_000, 3, AVG, None),
        ("urban", 1_950_001, 0, NOT, None),
        ("urban", 1_950_001, 3, NOT, None),
        ("rural", 699_999, 0, POOR, "N1"),
        ("rural", 699_999, 3, POOR, "N1"),
        ("rural", 700_000, 0, POOR, "N1"),
        ("rural", 700_000, 3, POOR, "N1"),
        ("rural", 700_001, 0, NEAR, None),
        ("rural", 700_001, 3, POOR, "N2"),
        ("rural", 999_999, 0, NEAR, None),
        ("rural", 999_999, 3, POOR, "N2"),
        ("rural", 1_000_000, 0, NEAR, None),
        ("rural", 1_000_000, 3, POOR, "N2"),
        ("rural", 1_000_001, 0, AVG, None),
        ("rural", 1_000_001, 3, AVG, None),
        ("rural", 1_499_999, 0, AVG, None),
        ("rural", 1_499_999, 3, AVG, None),
        ("rural", 1_500_000, 0, AVG, None),
        ("rural", 1_500_000, 3, AVG, None),
        ("rural", 1_500_001, 0, NOT, None),
        ("rural", 1_500_001, 3, NOT, None),
    ],
)
def test_income_lines_are_inclusive(
    area: str, income: int, n: int, status: str, group: str | None
) -> None:
    result = _classify(area, income, ALL_KEYS[:n])

    assert (result.status, result.poor_group, result.deprivation_count) == (status, group, n)
    assert result.is_poor is (status == POOR)


@pytest.mark.parametrize(
    ("area", "income"), [("urban", 1_100_000), ("urban", 900_001), ("rural", 850_000)]
)
@pytest.mark.parametrize(
    ("n", "status", "group"),
    [(0, NEAR, None), (1, NEAR, None), (2, NEAR, None), (3, POOR, "N2"), (4, POOR, "N2"),
     (10, POOR, "N2")],
)  # fmt: skip
def test_middle_band_needs_three_deprivations_to_be_poor(
    area: str, income: int, n: int, status: str, group: str | None
) -> None:
    result = _classify(area, income, ALL_KEYS[:n])

    assert (result.status, result.poor_group) == (status, group)


@pytest.mark.parametrize(("area", "income"), [("urban", 900_000), ("rural", 700_000)])
@pytest.mark.parametrize("n", [0, 3, 10])
def test_income_criterion_wins_whatever_the_deprivations(area: str, income: int, n: int) -> None:
    result = _classify(area, income, ALL_KEYS[:n])

    assert (result.status, result.poor_group, result.deprivation_count) == (POOR, "N1", n)


@pytest.mark.parametrize(
    ("area", "income", "status"),
    [
        ("rural", 1_000_001, AVG),  # REFERENCE.md §1.3: 1,000,001 rural with 5 deprivations
        ("urban", 1_300_001, AVG),
        ("rural", 1_500_001, NOT),
        ("urban", 1_950_001, NOT),
    ],
)
@pytest.mark.parametrize("deprivations", [FIVE, ALL_KEYS])
def test_deprivations_do_not_count_above_the_near_poverty_line(
    area: str, income: int, status: str, deprivations: object
) -> None:
    result = _classify(area, income, deprivations)

    assert (result.status, result.poor_group) == (status, None)


@pytest.mark.parametrize("area", ["urban", "rural"])
def test_zero_income_is_income_poor(area: str) -> None:
    result = _classify(area, 0)

    assert (result.status, result.poor_group) == (POOR, "N1")
    assert "income 0 đ" in result.explanation


def test_huge_income_is_not_poor() -> None:
    result = _classify("rural", 10**18, ALL_KEYS)

    assert (result.status, result.poor_group) == (NOT, None)
    assert "1.000.000.000.000.000.000 đ" in result.explanation


def test_api_example() -> None:
    r = classify(area="urban", income_per_capita=1_100_000, deprivations=THREE)

    assert r.status == "poor"
    assert r.status is Status.POOR
    assert r.poor_group == "N2"
    assert r.poor_group is PoorGroup.N2
    assert r.deprivation_count == 3
    assert r.is_poor
    assert r.area is Area.URBAN
    assert r.income_per_capita == 1_100_000
    assert r.deprivations == frozenset({"health_insurance", "sanitation", "telecom"})
    assert r.standard_code == "2016-2020"
    assert dataclasses.astuple(r.thresholds) == (900_000, 1_300_000, 1_950_000)
    assert "1.100.000 đ" in r.explanation
    assert "1.300.000 đ" in r.explanation


def test_result_is_frozen() -> None:
    result = _classify("urban", 1)

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = Status.NOT_POOR  # type: ignore[misc]


def test_area_enum_and_rural_thresholds_are_recorded() -> None:
    result = classify(area=Area.RURAL, income_per_capita=1_200_000, deprivations=[])

    assert result.area is Area.RURAL
    assert dataclasses.astuple(result.thresholds) == (700_000, 1_000_000, 1_500_000)


def test_mapping_counts_only_truthy_values() -> None:
    answers = {
        "telecom": True,
        "sanitation": True,
        "health_insurance": 1,
        "water_source": False,
        "housing_area": 0,
        "adult_education": None,
    }
    result = _classify("urban", 1_100_000, answers)

    assert result.deprivation_count == 3
    assert result.deprivations == frozenset({"telecom", "sanitation", "health_insurance"})
    assert (result.status, result.poor_group) == (POOR, "N2")


def test_mapping_with_every_key_but_two_deprived_is_near_poor() -> None:
    answers = dict.fromkeys(ALL_KEYS, False) | {"telecom": True, "sanitation": True}

    result = _classify("rural", 1_000_000, answers)

    assert (result.status, result.deprivation_count) == (NEAR, 2)


def test_mapping_with_all_ten_deprived() -> None:
    assert _classify("urban", 1_000_000, dict.fromkeys(ALL_KEYS, True)).deprivation_count == 10


@pytest.mark.parametrize(
    ("deprivations", "n", "status"),
    [
        (["telecom", "telecom", "sanitation", "sanitation", "health_insurance"], 3, POOR),
        (["telecom", "telecom", "telecom", "sanitation"], 2, NEAR),
        (("telecom", "sanitation", "health_access"), 3, POOR),
        (frozenset(THREE), 3, POOR),
        ((key for key in ["telecom", "housing_area"]), 2, NEAR),
        ([], 0, NEAR),
    ],
)
def test_iterables_are_counted_as_sets(deprivations: object, n: int, status: str) -> None:
    result = _classify("urban", 1_200_000, deprivations)

    assert (result.deprivation_count, result.status) == (n, status)


@pytest.mark.parametrize(
    ("area", "income", "deprivations", "expected"),
    [
        (
            "rural",
            700_000,
            [],
            "Poor household – group N1: income 700.000 đ ≤ poverty line 700.000 đ (rural)",
        ),
        (
            "urban",
            1_100_000,
            THREE,
            "Poor household – group N2: poverty line 900.000 đ < income 1.100.000 đ ≤ "
            "near-poverty line 1.300.000 đ (urban) and deprived in 3 indicators (at least 3)",
        ),
        (
            "rural",
            1_000_000,
            ["telecom"],
            "Near-poor household: poverty line 700.000 đ < income 1.000.000 đ ≤ "
            "near-poverty line 1.000.000 đ (rural) and deprived in 1 indicator (fewer than 3)",
        ),
        (
            "urban",
            900_001,
            [],
            "Near-poor household: poverty line 900.000 đ < income 900.001 đ ≤ "
            "near-poverty line 1.300.000 đ (urban) and deprived in 0 indicators (fewer than 3)",
        ),
        (
            "rural",
            1_000_001,
            FIVE,
            "Average living standard household: near-poverty line 1.000.000 đ < "
            "income 1.000.001 đ ≤ average-living line 1.500.000 đ (rural); "
            "deprivations do not count above the near-poverty line",
        ),
        (
            "urban",
            1_950_001,
            [],
            "Not poor: income 1.950.001 đ > average-living line 1.950.000 đ (urban)",
        ),
    ],
)
def test_explanation_cites_the_lines_used(
    area: str, income: int, deprivations: object, expected: str
) -> None:
    assert _classify(area, income, deprivations).explanation == expected


def test_explanation_is_translated_at_call_time(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = {
        "Poor household – group N1: income %(income)s ≤ poverty line %(poverty_line)s "
        "(%(area)s)": "Hộ nghèo – nhóm N1: thu nhập %(income)s ≤ chuẩn nghèo %(poverty_line)s "
        "(%(area)s)",
        "Poor household – group N2: poverty line %(poverty_line)s < income %(income)s ≤ "
        "near-poverty line %(near_poverty_line)s (%(area)s) and deprived in %(count)s "
        "indicator (at least %(min)s)": "Hộ nghèo – nhóm N2: thu nhập %(income)s ≤ "
        "%(near_poverty_line)s và thiếu hụt %(count)s chỉ số",
        "rural": "nông thôn",
    }
    monkeypatch.setattr(apps, "ready", True)
    monkeypatch.setattr(translation, "gettext", lambda m: catalogue.get(m, m))
    monkeypatch.setattr(translation, "ngettext", lambda s, p, n: catalogue.get(s, s))

    n1 = _classify("rural", 700_000).explanation
    n2 = _classify("urban", 1_100_000, THREE).explanation

    assert n1 == "Hộ nghèo – nhóm N1: thu nhập 700.000 đ ≤ chuẩn nghèo 700.000 đ (nông thôn)"
    assert n2 == "Hộ nghèo – nhóm N2: thu nhập 1.100.000 đ ≤ 1.300.000 đ và thiếu hụt 3 chỉ số"


def test_explanation_is_english_when_django_is_not_set_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_be_called(*args: object) -> str:
        raise AssertionError("Django translation used before apps are ready")

    monkeypatch.setattr(apps, "ready", False)
    monkeypatch.setattr(translation, "gettext", must_not_be_called)
    monkeypatch.setattr(translation, "ngettext", must_not_be_called)

    assert _classify("urban", 1_300_000, ["telecom"]).explanation.endswith(
        "and deprived in 1 indicator (fewer than 3)"
    )
    with pytest.raises(ValueError, match="Unknown area 'town'"):
        _classify("town", 1)


def test_engine_imports_and_runs_without_django_settings_or_orm() -> None:
    code = (
        "import sys\n"
        "from households.classification import classify\n"
        "r = classify(area='rural', income_per_capita=700001, deprivations=['telecom'] * 3)\n"
        "assert r.status == 'near_poor', r\n"
        "assert not [m for m in sys.modules if m.startswith('django.db')]\n"
        "print(r.explanation)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Near-poor household: poverty line 700.000 đ < income 700.001 đ")


@pytest.mark.parametrize(
    ("area", "shown"),
    [("city", "'city'"), ("URBAN", "'URBAN'"), ("", "''"), (None, "None"), (1, "1")],
)
def test_unknown_area_is_rejected(area: object, shown: str) -> None:
    with pytest.raises(ValueError, match=f"Unknown area {re.escape(shown)};"):
        _classify(area, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("income", "shown"),
    [
        (True, "True"),
        (False, "False"),
        (900_000.0, "900000.0"),
        (899_999.5, "899999.5"),
        ("900000", "'900000'"),
        (Decimal("900000"), "Decimal('900000')"),
        (None, "None"),
    ],
)
def test_non_integer_income_is_rejected(income: object, shown: str) -> None:
    with pytest.raises(ValueError, match=f"whole number of đồng, got {re.escape(shown)}"):
        _classify("urban", income)  # type: ignore[arg-type]


@pytest.mark.parametrize("income", [-1, -900_000])
def test_negative_income_is_rejected(income: int) -> None:
    with pytest.raises(ValueError, match=f"cannot be negative, got {income}"):
        _classify("urban", income)


@pytest.mark.parametrize(("value", "shown"), [("telecom", "'telecom'"), (b"telecom", "b'telecom'")])
def test_a_single_string_of_deprivations_is_rejected(value: object, shown: str) -> None:
    with pytest.raises(ValueError, match=f"not the string {re.escape(shown)}"):
        _classify("urban", 1_000_000, value)


@pytest.mark.parametrize(("value", "shown"), [(None, "None"), (3, "3"), (True, "True")])
def test_non_collection_deprivations_are_rejected(value: object, shown: str) -> None:
    with pytest.raises(ValueError, match=f"collection of indicator keys, got {shown}"):
        _classify("urban", 1_000_000, value)


@pytest.mark.parametrize(
    ("deprivations", "listed"),
    [
        (["telecom", "wifi", "tv"], "'tv', 'wifi'"),
        ({"telecom", "Telecom"}, "'Telecom'"),
        ({"wifi": False, "telecom": True}, "'wifi'"),  # typos are errors even when not deprived
        ([1, "telecom"], "1"),
        ([["telecom"]], "['telecom']"),
    ],
)
def test_unknown_indicator_keys_are_listed(deprivations: object, listed: str) -> None:
    with pytest.raises(ValueError, match=f"Unknown indicator keys: {re.escape(listed)};"):
        _classify("urban", 1_000_000, deprivations)


@pytest.mark.parametrize("code", ["2011-2015", "", None, "2016-2020 "])
def test_unknown_standard_is_rejected(code: object) -> None:
    with pytest.raises(ValueError, match="Unknown poverty standard"):
        classify(area="urban", income_per_capita=1, deprivations=[], standard=code)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=re.escape(repr(code))):
        get_standard(code)  # type: ignore[arg-type]


def test_registry_holds_the_standards_of_the_database() -> None:
    assert DEFAULT_STANDARD == "2016-2020"
    assert list(STANDARDS) == ["2016-2020", "2022-2025", "2026", "2027-2030"]
    assert get_standard("2016-2020") == STANDARD_2016_2020


def test_2016_2020_standard_data() -> None:
    std = get_standard("2016-2020")

    assert (std.valid_from, std.valid_to) == (date(2016, 1, 1), date(2021, 12, 31))
    assert std.min_deprivations == 3
    assert dataclasses.astuple(std.thresholds[Area.URBAN]) == (900_000, 1_300_000, 1_950_000)
    assert dataclasses.astuple(std.thresholds[Area.RURAL]) == (700_000, 1_000_000, 1_500_000)
    assert std.indicator_keys == tuple(ALL_KEYS)
    assert {i.key: i.dimension for i in std.indicators} == INDICATOR_DIMENSIONS
    assert std.dimension_keys == (
        "health",
        "education",
        "housing",
        "water_sanitation",
        "information",
    )
    assert {d: [i.key for i in inds] for d, inds in std.indicators_by_dimension().items()} == {
        "health": ["health_access", "health_insurance"],
        "education": ["adult_education", "child_school_attendance"],
        "housing": ["housing_quality", "housing_area"],
        "water_sanitation": ["water_source", "sanitation"],
        "information": ["telecom", "information_assets"],
    }


def test_labels_are_lazy_so_they_follow_the_active_language() -> None:
    std = STANDARD_2016_2020
    labels = [std.name, std.legal_basis]
    labels += [d.label for d in std.dimensions]
    labels += [text for i in std.indicators for text in (i.label, i.threshold_text)]
    labels += [member.label for enum_ in (Area, Status, PoorGroup) for member in enum_]

    assert len(labels) == 2 + 5 + 20 + 2 + 4 + 2
    assert all(isinstance(label, Promise) for label in labels)


def test_enum_values() -> None:
    assert [s.value for s in Status] == ["poor", "near_poor", "average_living", "not_poor"]
    assert [g.value for g in PoorGroup] == ["N1", "N2"]
    assert [a.value for a in Area] == ["urban", "rural"]


def test_standard_is_immutable() -> None:
    with pytest.raises(TypeError):
        STANDARD_2016_2020.thresholds[Area.URBAN] = AreaThresholds(1, 2, 3)  # type: ignore[index]


# A later standard is data only: these stand-ins exercise that path without adding 2022–2025.
def _stand_in_standard(**changes: object) -> PovertyStandard:
    defaults: dict[str, object] = {
        "code": "test-2030",
        "valid_from": date(2030, 1, 1),
        "valid_to": None,
        "thresholds": {
            Area.URBAN: AreaThresholds(2_000_000, 2_500_000, 3_500_000),
            Area.RURAL: AreaThresholds(1_500_000, 2_000_000, 3_000_000),
        },
        "dimensions": (Dimension("jobs", "Jobs"), Dimension("health", "Health")),
        "indicators": (
            Indicator("employment", "jobs", "Employment", "Nobody works."),
            Indicator("dependants", "jobs", "Dependants", "Too many dependants."),
            Indicator("nutrition", "health", "Nutrition", "Undernourished child."),
        ),
        "min_deprivations": 2,
    }
    return dataclasses.replace(STANDARD_2016_2020, **(defaults | changes))  # type: ignore[arg-type]


def test_classify_accepts_a_standard_object() -> None:
    std = _stand_in_standard()

    poor_n1 = classify(area="urban", income_per_capita=2_000_000, deprivations=[], standard=std)
    poor_n2 = classify(
        area="rural",
        income_per_capita=2_000_000,
        deprivations={"employment": True, "nutrition": True, "dependants": False},
        standard=std,
    )

    assert (poor_n1.status, poor_n1.poor_group, poor_n1.standard_code) == (POOR, "N1", "test-2030")
    assert (poor_n2.status, poor_n2.poor_group, poor_n2.deprivation_count) == (POOR, "N2", 2)
    assert "(at least 2)" in poor_n2.explanation
    with pytest.raises(ValueError, match="'telecom'"):
        classify(area="urban", income_per_capita=1, deprivations=["telecom"], standard=std)


def test_a_registered_standard_is_found_by_code_and_date(monkeypatch: pytest.MonkeyPatch) -> None:
    std = _stand_in_standard(valid_from=date(2031, 1, 1))
    only_2016_and_stand_in = {STANDARD_2016_2020.code: STANDARD_2016_2020, std.code: std}
    monkeypatch.setattr(classification, "_source", lambda: only_2016_and_stand_in)

    result = classify(
        area="urban", income_per_capita=2_400_000, deprivations=["employment"], standard="test-2030"
    )

    assert (result.status, result.standard_code) == (NEAR, "test-2030")
    assert standard_for_date(date(2031, 6, 1)) is std
    assert standard_for_date(date(2017, 3, 9)) is STANDARD_2016_2020
    assert standard_for_date(date(2021, 12, 31)) is STANDARD_2016_2020
    with pytest.raises(ValueError, match="in force on 31/12/2015"):
        standard_for_date(date(2015, 12, 31))
    with pytest.raises(ValueError, match="in force on 01/01/2022"):
        standard_for_date(date(2022, 1, 1))
    with pytest.raises(ValueError, match="in force on 31/12/2030"):
        standard_for_date(date(2030, 12, 31))


@pytest.mark.parametrize(
    "changes",
    [
        {"thresholds": {Area.URBAN: AreaThresholds(900_000, 1_300_000, 1_950_000)}},
        {"indicators": (Indicator("employment", "nowhere", "Employment", "..."),)},
        {
            "indicators": (
                Indicator("employment", "jobs", "Employment", "..."),
                Indicator("employment", "jobs", "Employment again", "..."),
            )
        },
        {"dimensions": (Dimension("jobs", "Jobs"), Dimension("jobs", "Work"))},
        {"min_deprivations": 0},
        {"min_deprivations": 4},
        {"valid_to": date(2029, 12, 31)},
    ],
)
def test_inconsistent_standard_data_is_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="test-2030"):
        _stand_in_standard(**changes)


@pytest.mark.parametrize(
    "lines", [(900_000, 900_000, 1_950_000), (900_000, 1_300_000, 1_300_000), (0, 1, 2)]
)
def test_income_lines_must_increase(lines: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        AreaThresholds(*lines)
