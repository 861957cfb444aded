"""Poverty standards as data (issue 12): the rows of migration 0013, their loading into the
engine, and every line of every standard after 2020 (REFERENCE.md §7, UNCONFIRMED figures).

2022 on (Decree 07/2021/NĐ-CP, Decree 351/2025/NĐ-CP): income at or below the one line and at
least 3 of 12 deprivations → poor; at or below the line with fewer → near-poor; above the line
neither, whatever the deprivations. No N1/N2, no income-only poor.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator

import pytest
from django.db import IntegrityError, transaction
from django.db.models import BooleanField
from django.utils import translation

from households import standards
from households.classification import (
    STANDARD_2016_2020,
    STANDARDS,
    Area,
    AreaThresholds,
    Dimension,
    Indicator,
    PovertyStandard,
    RuleKind,
    Status,
    classify,
    get_standard,
    standard_for_date,
)
from households.models import (
    DEPRIVATION_COLUMNS,
    Assessment,
    Standard,
    StandardDimension,
    StandardIndicator,
    StandardLine,
)

pytestmark = pytest.mark.django_db

POOR, NEAR, AVG, NOT = "poor", "near_poor", "average_living", "not_poor"

# Decree 07/2021/NĐ-CP's twelve indicators, by dimension, in order (REFERENCE.md §7).
KEYS_2022 = {
    "employment": ["employment", "dependants"],
    "health": ["nutrition", "health_insurance"],
    "education": ["adult_education", "child_school_attendance"],
    "housing": ["housing_quality", "housing_area"],
    "water_sanitation": ["water_source", "sanitation"],
    "information": ["telecom", "information_assets"],
}
ALL_2022 = [key for keys in KEYS_2022.values() for key in keys]

# (standard, area, the one income line) of every standard after 2020.
LINES_AFTER_2020 = [
    ("2022-2025", "urban", 2_000_000),
    ("2022-2025", "rural", 1_500_000),
    ("2026", "urban", 2_000_000),
    ("2026", "rural", 1_500_000),
    ("2027-2030", "urban", 2_800_000),
    ("2027-2030", "rural", 2_200_000),
]


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _classify(code: str, area: str, income: int, n: int) -> tuple[str, str | None, int]:
    result = classify(area=area, income_per_capita=income, deprivations=ALL_2022[:n], standard=code)
    return result.status.value, result.poor_group, result.deprivation_count


# --- The rows -------------------------------------------------------------------------------


def test_the_four_standards_and_their_validity() -> None:
    rows = Standard.objects.values_list("code", "valid_from", "valid_to", "rule")
    date, old, new = datetime.date, "income_or_deprivations", "income_and_deprivations"

    assert list(rows) == [
        ("2016-2020", date(2016, 1, 1), date(2021, 12, 31), old),
        ("2022-2025", date(2022, 1, 1), date(2025, 12, 31), new),
        ("2026", date(2026, 1, 1), date(2026, 12, 31), new),
        ("2027-2030", date(2027, 1, 1), date(2030, 12, 31), new),
    ]
    assert list(STANDARDS) == ["2016-2020", "2022-2025", "2026", "2027-2030"]


def test_every_figure_after_2020_is_marked_unconfirmed_with_its_source() -> None:
    for row in Standard.objects.exclude(code="2016-2020"):
        assert not row.figures_confirmed
        assert row.source_note.startswith("UNCONFIRMED (REFERENCE.md §7)")
    assert Standard.objects.get(code="2016-2020").figures_confirmed


def test_the_2016_2020_rows_are_the_engines_own_standard_word_for_word() -> None:
    loaded = get_standard("2016-2020")

    # Equal as data: code, dates, lines, dimension and indicator keys, rule, roster rules.
    assert loaded == STANDARD_2016_2020
    for language in ("vi", "en"):
        with translation.override(language):
            texts = [
                (str(a.label), str(b.label))
                for a, b in zip(loaded.dimensions, STANDARD_2016_2020.dimensions, strict=True)
            ]
            texts += [
                (str(a.label) + str(a.threshold_text), str(b.label) + str(b.threshold_text))
                for a, b in zip(loaded.indicators, STANDARD_2016_2020.indicators, strict=True)
            ]
            texts += [(str(loaded.name), str(STANDARD_2016_2020.name))]
            texts += [(str(loaded.legal_basis), str(STANDARD_2016_2020.legal_basis))]
            assert all(ours == engines for ours, engines in texts), texts


@pytest.mark.parametrize("code", ["2022-2025", "2026", "2027-2030"])
def test_twelve_indicators_in_six_dimensions_after_2020(code: str) -> None:
    standard = get_standard(code)

    assert standard.rule is RuleKind.INCOME_AND_DEPRIVATIONS
    assert standard.min_deprivations == 3
    assert not standard.has_poor_groups
    grouped = standard.indicators_by_dimension()
    assert {d: [i.key for i in indicators] for d, indicators in grouped.items()} == KEYS_2022
    assert standard.derived_keys == {"health_insurance", "child_school_attendance"}
    assert standard.statuses() == (Status.POOR, Status.NEAR_POOR, Status.NOT_POOR)
    for area in Area:
        lines = standard.thresholds[area]
        assert (lines.near_poverty_line, lines.average_living_line) == (None, None)


def test_every_indicator_of_every_standard_names_an_assessment_column() -> None:
    columns = {f.name for f in Assessment._meta.get_fields() if isinstance(f, BooleanField)}
    indicators = StandardIndicator.objects.select_related("standard", "dimension")

    assert indicators.count() == 10 + 3 * 12
    for indicator in indicators:
        assert indicator.key in columns, indicator
        assert indicator.key in DEPRIVATION_COLUMNS
        assert indicator.dimension.standard_id == indicator.standard_id
    assert set(DEPRIVATION_COLUMNS) <= columns


def test_the_database_refuses_an_indicator_without_a_column() -> None:
    standard = Standard.objects.get(code="2022-2025")
    dimension = standard.dimensions.get(key="health")

    with pytest.raises(IntegrityError), transaction.atomic():
        StandardIndicator.objects.create(
            standard=standard,
            dimension=dimension,
            key="electricity",
            label="Điện",
            label_en="Electricity",
            threshold_text="…",
            threshold_text_en="…",
            order=13,
        )


@pytest.mark.parametrize(
    ("poverty", "near", "average"),
    [(0, None, None), (2_000_000, 2_000_000, None), (2_000_000, None, 2_000_000),
     (900_000, 1_300_000, 1_300_000)],
)  # fmt: skip
def test_the_database_refuses_lines_that_do_not_increase(
    poverty: int, near: int | None, average: int | None
) -> None:
    standard = Standard.objects.get(code="2027-2030")
    StandardLine.objects.filter(standard=standard, area="urban").delete()

    with pytest.raises(IntegrityError), transaction.atomic():
        StandardLine.objects.create(
            standard=standard,
            area="urban",
            poverty_line=poverty,
            near_poverty_line=near,
            average_living_line=average,
        )


def test_texts_follow_the_active_language() -> None:
    standard = get_standard("2022-2025")

    with translation.override("vi"):
        assert str(standard.name) == "Chuẩn nghèo đa chiều giai đoạn 2022–2025"
        assert str(standard.dimensions[0].label) == "Việc làm"
        assert str(standard.indicators[1].label) == "Người phụ thuộc trong hộ gia đình"
    with translation.override("en"):
        assert str(standard.name) == "Multidimensional poverty standard 2022–2025"
        assert str(standard.dimensions[0].label) == "Employment"
        assert str(standard.indicators[1].label) == "Dependants in the household"


# --- Which standard applies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (datetime.date(2016, 1, 1), "2016-2020"),
        (datetime.date(2021, 12, 31), "2016-2020"),
        (datetime.date(2022, 1, 1), "2022-2025"),
        (datetime.date(2025, 12, 31), "2022-2025"),
        (datetime.date(2026, 1, 1), "2026"),
        (datetime.date(2026, 12, 31), "2026"),
        (datetime.date(2027, 1, 1), "2027-2030"),
        (datetime.date(2030, 12, 31), "2027-2030"),
    ],
)
def test_the_standard_in_force_on_each_boundary_day(day: datetime.date, code: str) -> None:
    result = classify(area="urban", income_per_capita=0, deprivations=[], on=day)

    assert standard_for_date(day).code == code
    assert result.standard_code == code


@pytest.mark.parametrize("day", [datetime.date(2015, 12, 31), datetime.date(2031, 1, 1)])
def test_no_standard_before_2016_or_after_2030(day: datetime.date) -> None:
    with pytest.raises(ValueError, match=day.strftime("%d/%m/%Y")):
        standard_for_date(day)


def test_a_standard_and_a_day_it_does_not_cover_are_refused() -> None:
    with pytest.raises(ValueError, match="2016-2020"):
        classify(
            area="urban",
            income_per_capita=1,
            deprivations=[],
            standard="2016-2020",
            on=datetime.date(2023, 6, 1),
        )
    # The standard given is used when it is the one in force (here with a line of its own).
    given = dataclasses.replace(
        get_standard("2022-2025"),
        thresholds={Area.URBAN: AreaThresholds(1), Area.RURAL: AreaThresholds(1)},
    )
    same = classify(
        area="urban",
        income_per_capita=2,
        deprivations=[],
        standard=given,
        on=datetime.date(2023, 6, 1),
    )
    assert (same.standard_code, same.status) == ("2022-2025", NOT)


# --- Every line after 2020: at, one đồng below, one above; 2 and 3 deprivations ------------


@pytest.mark.parametrize(("code", "area", "line"), LINES_AFTER_2020)
@pytest.mark.parametrize(
    ("offset", "n", "status"),
    [
        (-1, 0, NEAR),
        (-1, 2, NEAR),
        (-1, 3, POOR),
        (-1, 12, POOR),
        (0, 2, NEAR),
        (0, 3, POOR),
        (1, 0, NOT),
        (1, 3, NOT),
        (1, 5, NOT),
        (1, 12, NOT),
    ],
)
def test_the_line_is_inclusive_and_three_deprivations_make_the_poor(
    code: str, area: str, line: int, offset: int, n: int, status: str
) -> None:
    assert _classify(code, area, line + offset, n) == (status, None, n)


@pytest.mark.parametrize("code", ["2022-2025", "2026", "2027-2030"])
@pytest.mark.parametrize("area", ["urban", "rural"])
def test_no_income_only_poor_after_2020(code: str, area: str) -> None:
    # Under Decision 59/2015 no income at all was poor (N1); from 2022 it is near-poor.
    assert _classify(code, area, 0, 0) == (NEAR, None, 0)
    assert _classify(code, area, 0, 3) == (POOR, None, 3)


def test_n1_and_n2_only_under_2016_2020() -> None:
    old = [
        classify(area="urban", income_per_capita=900_000, deprivations=[]),
        classify(area="urban", income_per_capita=900_001, deprivations=ALL_2022[3:6]),
    ]
    assert [r.poor_group for r in old] == ["N1", "N2"]
    for code in ("2022-2025", "2026", "2027-2030"):
        assert _classify(code, "urban", 900_000, 0)[1] is None
        assert _classify(code, "urban", 900_001, 3)[1] is None


def test_the_2027_lines_differ_from_2026_only_by_data() -> None:
    # 2,500,000 đ urban: above the 2026 line, below the 2027–2030 line.
    assert _classify("2026", "urban", 2_500_000, 3)[0] == NOT
    assert _classify("2027-2030", "urban", 2_500_000, 3)[0] == POOR
    assert _classify("2027-2030", "rural", 2_200_001, 3)[0] == NOT


# --- Explanations -----------------------------------------------------------------------------


def test_the_explanation_says_why_under_the_standard_used_in_vietnamese() -> None:
    with translation.override("vi"):
        poor = classify(
            area="urban",
            income_per_capita=1_800_000,
            deprivations=ALL_2022[:3],
            standard="2022-2025",
        )
        near = classify(
            area="rural", income_per_capita=1_500_000, deprivations=ALL_2022[:2], standard="2026"
        )
        above = classify(
            area="urban",
            income_per_capita=2_800_001,
            deprivations=ALL_2022[:5],
            standard="2027-2030",
        )

    assert poor.explanation == (
        "Thu nhập 1.800.000 đ ≤ chuẩn 2.000.000 đ (thành thị) và thiếu hụt 3/12 chỉ số ≥ 3 → "
        "hộ nghèo (Chuẩn nghèo đa chiều giai đoạn 2022–2025)"
    )
    assert near.explanation == (
        "Thu nhập 1.500.000 đ ≤ chuẩn 1.500.000 đ (nông thôn) và thiếu hụt 2/12 chỉ số < 3 → "
        "hộ cận nghèo (Chuẩn nghèo đa chiều năm 2026 (giữ chuẩn 2022–2025))"
    )
    assert above.explanation == (
        "Thu nhập 2.800.001 đ > chuẩn 2.800.000 đ (thành thị) → không nghèo, không cận nghèo; "
        "trên chuẩn không xét thiếu hụt (Chuẩn nghèo đa chiều giai đoạn 2027–2030)"
    )


def test_the_explanation_in_english(english: None) -> None:
    result = classify(
        area="rural", income_per_capita=1_499_999, deprivations=ALL_2022[:4], standard="2022-2025"
    )

    assert result.explanation == (
        "Income 1.499.999 đ ≤ poverty line 1.500.000 đ (rural) and deprived in 4/12 "
        "indicators ≥ 3 → poor household (Multidimensional poverty standard 2022–2025)"
    )


# --- A new standard is data -------------------------------------------------------------------


def _add_standard(code: str, start: datetime.date, urban: int, rural: int) -> Standard:
    """What a data migration for a new standard writes: rows, no code."""
    standard = Standard.objects.create(
        code=code,
        name=f"Chuẩn nghèo {code}",
        name_en=f"Poverty standard {code}",
        legal_basis="Nghị định thử",
        legal_basis_en="Test decree",
        valid_from=start,
        valid_to=None,
        rule=RuleKind.INCOME_AND_DEPRIVATIONS,
        min_deprivations=2,
        source_note="UNCONFIRMED: test data",
    )
    StandardLine.objects.create(standard=standard, area="urban", poverty_line=urban)
    StandardLine.objects.create(standard=standard, area="rural", poverty_line=rural)
    work = StandardDimension.objects.create(
        standard=standard, key="employment", label="Việc làm", label_en="Employment", order=1
    )
    for order, key in enumerate(["employment", "dependants", "nutrition"], start=1):
        StandardIndicator.objects.create(
            standard=standard,
            dimension=work,
            key=key,
            label=key,
            label_en=key,
            threshold_text="…",
            threshold_text_en="…",
            order=order,
        )
    return standard


def test_a_standard_added_through_the_orm_classifies_without_a_code_change() -> None:
    _add_standard("2031-2035", datetime.date(2031, 1, 1), urban=3_500_000, rural=3_000_000)

    standard = standard_for_date(datetime.date(2031, 1, 1))
    poor = classify(
        area="urban",
        income_per_capita=3_500_000,
        deprivations={"employment": True, "nutrition": True, "dependants": False},
        on=datetime.date(2032, 5, 1),
    )
    near = classify(
        area="rural", income_per_capita=3_000_000, deprivations=["nutrition"], standard="2031-2035"
    )

    assert standard.code == "2031-2035"
    assert (poor.status, poor.poor_group, poor.deprivation_count) == (POOR, None, 2)
    assert near.status == NEAR
    assert "2/3" in poor.explanation
    with pytest.raises(ValueError, match="'telecom'"):
        classify(area="urban", income_per_capita=1, deprivations=["telecom"], standard="2031-2035")


def test_changing_a_line_is_read_by_the_next_classification() -> None:
    assert _classify("2027-2030", "urban", 2_900_000, 3)[0] == NOT
    line = StandardLine.objects.get(standard__code="2027-2030", area="urban")
    line.poverty_line = 3_000_000
    line.save()

    assert _classify("2027-2030", "urban", 2_900_000, 3)[0] == POOR
    assert get_standard("2027-2030").thresholds[Area.URBAN].poverty_line == 3_000_000


def test_deleting_a_standard_forgets_it() -> None:
    _add_standard("2031-2035", datetime.date(2031, 1, 1), urban=3_500_000, rural=3_000_000)
    assert "2031-2035" in STANDARDS

    Standard.objects.get(code="2031-2035").delete()

    assert "2031-2035" not in STANDARDS
    with pytest.raises(ValueError, match="01/01/2031"):
        standard_for_date(datetime.date(2031, 1, 1))


def test_the_standards_are_read_once_per_process(django_assert_num_queries) -> None:
    standards.clear_cache()
    with django_assert_num_queries(4):
        standards.registry()
    with django_assert_num_queries(0):
        get_standard("2026")
        standard_for_date(datetime.date(2017, 1, 1))


# --- The rule is data: a standard's data must fit its rule -----------------------------------


def _with(**changes: object) -> PovertyStandard:
    return dataclasses.replace(get_standard("2022-2025"), **changes)  # type: ignore[arg-type]


def test_a_rule_kind_and_lines_that_do_not_fit_are_refused() -> None:
    with pytest.raises(ValueError, match="one line for the poor and the near-poor"):
        _with(
            thresholds={
                Area.URBAN: AreaThresholds(2_000_000, 2_500_000),
                Area.RURAL: AreaThresholds(1_500_000),
            }
        )
    with pytest.raises(ValueError, match="needs a near-poverty and an average-living line"):
        _with(rule=RuleKind.INCOME_OR_DEPRIVATIONS)


def test_an_average_living_line_in_the_data_gives_average_living_after_2020() -> None:
    # REFERENCE.md §7 gives none after 2020; should the decree set one, it is a line in the
    # data: the engine's rule already reads it.
    standard = _with(
        thresholds={
            Area.URBAN: AreaThresholds(2_000_000, average_living_line=3_000_000),
            Area.RURAL: AreaThresholds(1_500_000, average_living_line=2_250_000),
        },
        dimensions=(Dimension("health", "Y tế"),),
        indicators=(Indicator("nutrition", "health", "Dinh dưỡng", "…"),),
        min_deprivations=1,
    )
    results = [
        classify(area="urban", income_per_capita=income, deprivations=[], standard=standard)
        for income in (2_000_000, 2_000_001, 3_000_000, 3_000_001)
    ]

    assert [r.status.value for r in results] == [NEAR, AVG, AVG, NOT]
    assert standard.statuses() == tuple(Status)
