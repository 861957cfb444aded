"""Phiếu A and Phiếu B1 (issue 12, item 2): the tables of migration 0017 scored against
households worked by hand, each threshold at and either side, and the classification they give.

0017's tables are partial (five items): a partial score is a lower bound of the full one, so it
places the income only above the top threshold (rural 150, urban 175) and is undetermined
below. How a complete table decides is checked on the same items marked complete
(`complete()`), as a full table loaded by data migration would be.

Figures: REFERENCE.md §3.3–3.4 (UNCONFIRMED). Rural NT3 (Phan Thiết's communes): B1 ≤ 120 →
income at or below the poverty line, ≤ 150 → between the lines; urban 140 / 175. Points are
multiples of 5, so a household one point either side of a threshold cannot be built from the
table: the thresholds are checked one point either side on the totals, the households at the
threshold and at the nearest totals the table can give.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from households import standards
from households.classification import Area, PoorGroup, Status, classify
from households.models import ScoreOption
from households.phieu import (
    IncomeBand,
    ScoreCard,
    ScoreItem,
    UnansweredItems,
    score_b1,
    screened_out_by,
)
from households.phieu import (
    ScoreOption as Option,
)

pytestmark = pytest.mark.django_db

AT = IncomeBand.AT_OR_BELOW_POVERTY_LINE
BETWEEN = IncomeBand.BETWEEN_LINES
ABOVE = IncomeBand.ABOVE
UNDETERMINED = IncomeBand.UNDETERMINED


def rural() -> ScoreCard:
    card = standards.score_card("2016-2020", "rural")
    assert card is not None
    return card


def urban() -> ScoreCard:
    card = standards.score_card("2016-2020", "urban")
    assert card is not None
    return card


def complete(card: ScoreCard) -> ScoreCard:
    """The same table marked complete, as once every item of the annex is loaded."""
    return dataclasses.replace(card, complete=True)


def answers(size: str, dependants: str, degree: str, job: str, pensioners: str) -> dict[str, str]:
    return {
        "household_size": size,
        "dependants": dependants,
        "highest_degree": degree,
        "non_farm_job": job,
        "pensioners": pensioners,
    }


# Worked by hand from REFERENCE.md §3.4's NT3 column (size / dependants / degree / job / pension).
RURAL_HOUSEHOLDS = [
    # 3 persons 40 + no dependants 15 + college 15 + other job 20 + one pensioner 25 = 115
    (answers("3", "none", "college", "other", "one"), 115, AT, UNDETERMINED),
    # 3 persons 40 + 15 + 15 + public job 25 + one pensioner 25 = 120: at the threshold
    (answers("3", "none", "college", "public", "one"), 120, AT, UNDETERMINED),
    # 1 person 70 + 15 + college 15 + public job 25 + no pension 0 = 125
    (answers("1", "none", "college", "public", "none"), 125, BETWEEN, UNDETERMINED),
    # 1 person 70 + 15 + upper-secondary 0 + other job 20 + two pensioners 45 = 150: at it;
    # on the partial table, not above 150: the missing items could make it anything
    (answers("1", "none", "upper_secondary", "other", "two_plus"), 150, BETWEEN, UNDETERMINED),
    # 1 person 70 + 15 + vocational 5 + other job 20 + two pensioners 45 = 155 > 150: above the
    # lines whatever the missing items add, so the partial table decides it too
    (answers("1", "none", "vocational", "other", "two_plus"), 155, ABOVE, ABOVE),
    # 7 persons 0 + two dependants 0 + 0 + no job 0 + no pension 0 = 0
    (answers("7_plus", "two_plus", "upper_secondary", "none", "none"), 0, AT, UNDETERMINED),
]

# The urban column: 80 / 55 / 40 / 25 / 20 / 10 / 0; 15 / 5 / 0; 15 / 0 / 0; 10 / 5; 5 / 15.
URBAN_HOUSEHOLDS = [
    # 2 persons 55 + one dependant 5 + vocational 0 + other job 5 + one pensioner 5 = 70
    (answers("2", "one", "vocational", "other", "one"), 70, AT, UNDETERMINED),
    # every best answer: 80 + 15 + 15 + 10 + 15 = 135, still ≤ 140 (the table is partial)
    (answers("1", "none", "college", "public", "two_plus"), 135, AT, UNDETERMINED),
]


@pytest.mark.parametrize(("given", "total", "band", "partial_band"), RURAL_HOUSEHOLDS)
def test_rural_nt3_households_worked_by_hand(
    given: dict[str, str], total: int, band: IncomeBand, partial_band: IncomeBand
) -> None:
    score = score_b1(complete(rural()), given)
    assert (score.total, score.band) == (total, band)
    assert score.answers == given
    partial = score_b1(rural(), given)
    assert (partial.total, partial.band) == (total, partial_band)
    assert partial.decided is (partial_band is ABOVE)


@pytest.mark.parametrize(("given", "total", "band", "partial_band"), URBAN_HOUSEHOLDS)
def test_urban_households_worked_by_hand(
    given: dict[str, str], total: int, band: IncomeBand, partial_band: IncomeBand
) -> None:
    score = score_b1(complete(urban()), given)
    assert (score.total, score.band) == (total, band)
    assert score_b1(urban(), given).band is partial_band


@pytest.mark.parametrize(
    ("area", "total", "band"),
    [
        ("rural", 119, AT),
        ("rural", 120, AT),
        ("rural", 121, BETWEEN),
        ("rural", 149, BETWEEN),
        ("rural", 150, BETWEEN),
        ("rural", 151, ABOVE),
        ("urban", 139, AT),
        ("urban", 140, AT),
        ("urban", 141, BETWEEN),
        ("urban", 174, BETWEEN),
        ("urban", 175, BETWEEN),
        ("urban", 176, ABOVE),
    ],
)
def test_each_threshold_at_and_one_point_either_side(
    area: str, total: int, band: IncomeBand
) -> None:
    card = standards.score_card("2016-2020", area)
    assert card is not None
    assert complete(card).band(total) is band


@pytest.mark.parametrize(
    ("area", "total", "band"),
    [
        ("rural", 0, UNDETERMINED),
        ("rural", 120, UNDETERMINED),
        ("rural", 121, UNDETERMINED),
        ("rural", 150, UNDETERMINED),
        ("rural", 151, ABOVE),
        ("urban", 140, UNDETERMINED),
        ("urban", 175, UNDETERMINED),
        ("urban", 176, ABOVE),
    ],
)
def test_a_partial_table_places_the_income_only_above_its_top_threshold(
    area: str, total: int, band: IncomeBand
) -> None:
    card = standards.score_card("2016-2020", area)
    assert card is not None and not card.complete
    assert card.band(total) is band


def test_the_tables_are_partial_and_say_so() -> None:
    # REFERENCE.md gives five items only: the rural table can reach 170, above its 150, the
    # urban only 135, below even its 140: no ward household's score could place its income.
    assert (rural().max_score, urban().max_score) == (170, 135)
    assert not rural().complete and not urban().complete
    assert (rural().top_threshold, urban().top_threshold) == (150, 175)
    assert (rural().can_decide, urban().can_decide) == (True, False)
    assert complete(urban()).can_decide
    assert rural().region == "PL3b.3 NT3"
    assert standards.score_card("2022-2025", "rural") is None


def test_an_unanswered_item_is_named_and_nothing_is_scored() -> None:
    given = answers("3", "none", "college", "public", "one")
    del given["pensioners"]
    given["dependants"] = ""
    with translation.override("vi"), pytest.raises(UnansweredItems) as caught:
        score_b1(rural(), given)
    assert caught.value.keys == ("dependants", "pensioners")
    assert "Số thành viên hưởng lương hưu" in str(caught.value)


@pytest.mark.parametrize(
    "given",
    [
        answers("9", "none", "college", "public", "one"),
        {**answers("3", "none", "college", "public", "one"), "land": "big"},
    ],
)
def test_an_answer_or_item_the_table_does_not_have_is_refused(given: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        score_b1(rural(), given)


def test_a_point_corrected_in_the_database_is_read_again() -> None:
    before = score_b1(rural(), answers("3", "none", "college", "public", "one")).total
    option = ScoreOption.objects.get(
        item__card__standard__code="2016-2020",
        item__card__area="rural",
        item__key="household_size",
        key="3",
    )
    option.points = 45
    option.save()
    assert score_b1(rural(), answers("3", "none", "college", "public", "one")).total == before + 5


# --- Classification on the Phiếu B route --------------------------------------------------


def test_at_the_rural_threshold_the_household_is_income_poor() -> None:
    score = score_b1(complete(rural()), answers("3", "none", "college", "public", "one"))
    with translation.override("vi"):
        result = classify(area="rural", deprivations=[], b1=score)
    assert (result.status, result.poor_group) == (Status.POOR, PoorGroup.N1)
    assert result.income_per_capita is None
    assert result.b1 == score
    assert result.explanation == (
        "B1 = 120 điểm ≤ 120 → thu nhập không vượt chuẩn nghèo nông thôn 700.000 đ → hộ nghèo – "
        "nhóm N1 (Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020)"
    )


@pytest.mark.parametrize(
    ("area", "given"),
    [
        ("rural", answers("3", "none", "college", "public", "one")),  # 120
        ("rural", answers("1", "none", "upper_secondary", "other", "two_plus")),  # 150
        ("urban", answers("1", "none", "college", "public", "two_plus")),  # 135, the most
    ],
)
def test_a_partial_score_not_above_the_top_threshold_classifies_nothing(
    area: str, given: dict[str, str]
) -> None:
    card = standards.score_card("2016-2020", area)
    assert card is not None
    score = score_b1(card, given)
    with translation.override("vi"), pytest.raises(ValueError) as caught:
        classify(area=area, deprivations=["telecom", "sanitation", "water_source"], b1=score)
    top = card.top_threshold
    assert str(caught.value) == (
        f"Bảng điểm B1 chưa đầy đủ (CHƯA XÁC MINH): {score.total} điểm không vượt {top}, các chỉ "
        "tiêu còn thiếu có thể cộng thêm điểm, nên điểm này không xác định được thu nhập. Hãy "
        "chọn “Thu nhập do cán bộ nhập” và nhập thu nhập bình quân một người."
    )


def test_a_partial_score_above_the_lines_is_not_poor_and_says_why() -> None:
    score = score_b1(rural(), answers("1", "none", "vocational", "other", "two_plus"))  # 155
    with translation.override("vi"):
        result = classify(area="rural", deprivations=["telecom"], b1=score)
    assert (result.status, result.poor_group) == (Status.NOT_POOR, None)
    assert result.explanation == (
        "B1 = 155 điểm > 150 → thu nhập trên chuẩn cận nghèo nông thôn 1.000.000 đ → không nghèo, "
        "không cận nghèo (Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020). Bảng điểm B1 chưa "
        "đầy đủ (CHƯA XÁC MINH): các chỉ tiêu còn thiếu chỉ có thể cộng thêm điểm, nên dù chúng ra "
        "sao thu nhập vẫn trên các chuẩn."
    )


@pytest.mark.parametrize(
    ("deprived", "status", "group"),
    [
        (["telecom", "sanitation", "water_source"], Status.POOR, PoorGroup.N2),
        (["telecom", "sanitation"], Status.NEAR_POOR, None),
    ],
)
def test_between_the_lines_b2_decides(
    deprived: list[str], status: Status, group: PoorGroup | None
) -> None:
    score = score_b1(complete(rural()), answers("1", "none", "college", "public", "none"))  # 125
    with translation.override("vi"):
        result = classify(area="rural", deprivations=deprived, b1=score)
    assert (result.status, result.poor_group) == (status, group)
    b2 = len(deprived) * 10
    assert f"B2 = {len(deprived)} × 10 = {b2} điểm" in result.explanation


def test_the_explanation_between_the_lines_reads_whole() -> None:
    score = score_b1(complete(rural()), answers("1", "none", "college", "public", "none"))  # 125
    with translation.override("vi"):
        result = classify(area="rural", deprivations=["telecom", "sanitation"], b1=score)
    assert result.explanation == (
        "B1: 120 < 125 điểm ≤ 150 → thu nhập trên chuẩn nghèo nông thôn 700.000 đ, không vượt "
        "chuẩn cận nghèo 1.000.000 đ; B2 = 2 × 10 = 20 điểm < 30 (thiếu hụt dưới 3 chỉ số) → "
        "hộ cận nghèo (Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020)"
    )


def test_above_the_lines_deprivations_do_not_count() -> None:
    score = score_b1(rural(), answers("1", "none", "vocational", "other", "two_plus"))  # 155
    every = [
        "health_access",
        "health_insurance",
        "adult_education",
        "child_school_attendance",
        "housing_quality",
        "housing_area",
        "water_source",
        "sanitation",
        "telecom",
        "information_assets",
    ]
    result = classify(area="rural", deprivations=every, b1=score)
    assert (result.status, result.poor_group) == (Status.NOT_POOR, None)


def test_the_score_of_the_other_area_is_refused() -> None:
    score = score_b1(complete(urban()), answers("2", "one", "vocational", "other", "one"))
    with pytest.raises(ValueError):
        classify(area="rural", deprivations=[], b1=score)


def test_income_and_score_together_are_refused() -> None:
    score = score_b1(rural(), answers("1", "none", "vocational", "other", "two_plus"))  # 155
    with pytest.raises(ValueError):
        classify(area="rural", income_per_capita=500_000, deprivations=[], b1=score)


def test_the_typed_income_route_is_unchanged() -> None:
    result = classify(area="rural", income_per_capita=700_000, deprivations=[])
    assert (result.status, result.poor_group, result.b1) == (Status.POOR, PoorGroup.N1, None)
    assert result.income_per_capita == 700_000


def test_a_standard_with_one_line_takes_one_threshold() -> None:
    # 2022–2025 has no table yet; a table for it must have no near-poverty threshold.
    card = ScoreCard(
        standard_code="2022-2025",
        area=Area.RURAL,
        region="test",
        name="test",
        items=(ScoreItem("size", "size", (Option("1", "1", 150), Option("2", "2", 141))),),
        poor_max=140,
        near_poor_max=None,
        deprivation_points=10,
        complete=True,
    )
    three = ["employment", "nutrition", "telecom"]
    std = "2022-2025"
    above = classify(
        area="rural", deprivations=three, standard=std, b1=score_b1(card, {"size": "2"})
    )
    assert above.status is Status.NOT_POOR  # 141 > 140
    at = dataclasses.replace(card, poor_max=141)
    result = classify(
        area="rural", deprivations=three, standard=std, b1=score_b1(at, {"size": "2"})
    )
    assert (result.status, result.poor_group) == (Status.POOR, None)
    assert "Partial" not in result.explanation
    two = classify(
        area="rural", deprivations=three[:2], standard=std, b1=score_b1(at, {"size": "2"})
    )
    assert two.status is Status.NEAR_POOR
    # Partial, one line: only a score above the one threshold places the income.
    partial = dataclasses.replace(card, complete=False)
    assert (partial.top_threshold, partial.band(141), partial.band(140)) == (
        140,
        IncomeBand.ABOVE,
        IncomeBand.UNDETERMINED,
    )
    with pytest.raises(ValueError):
        classify(
            area="rural",
            deprivations=three,
            standard=std,
            b1=score_b1(dataclasses.replace(card, near_poor_max=160), {"size": "2"}),
        )


# --- Phiếu A --------------------------------------------------------------------------------


def test_any_phieu_a_criterion_screens_the_household_out() -> None:
    criteria = standards.screening_criteria("2016-2020")
    assert [c.key for c in criteria] == [
        "public_salary",
        "pension",
        "car",
        "large_boat",
        "durable_house",
    ]
    met = screened_out_by(criteria, ["car"])
    with translation.override("vi"):
        result = classify(
            area="rural", deprivations=["telecom", "sanitation", "water_source"], screened_out=met
        )
    assert (result.status, result.poor_group) == (Status.NOT_POOR, None)
    assert "Phiếu A" in result.explanation and "Hộ có ô tô" in result.explanation
    assert screened_out_by(criteria, []) == ()


def test_an_unknown_phieu_a_criterion_is_refused() -> None:
    with pytest.raises(ValueError):
        screened_out_by(standards.screening_criteria("2016-2020"), ["villa"])


def test_a_screened_out_household_has_no_income_to_classify() -> None:
    met = screened_out_by(standards.screening_criteria("2016-2020"), ["pension"])
    with pytest.raises(ValueError):
        classify(area="urban", income_per_capita=1, deprivations=[], screened_out=met)
