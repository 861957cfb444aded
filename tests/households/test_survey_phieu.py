"""The survey's Phiếu A and Phiếu B1 routes (issue 12, item 2): the officer picks the
characteristics, the score and its income band decide instead of a typed income, and the
result says why. Tiến Lợi is a commune in 2017 (rural NT3 table: B1 ≤ 120 → income at or below
the poverty line 700.000 đ, ≤ 150 → between the lines); Đức Thắng a ward (urban table). Figures
UNCONFIRMED (REFERENCE.md §3.3–3.4).

Migration 0017's tables are partial: on them a score places the income only above the top
threshold (rural 150), and the urban one (at most 135 points) is not offered. The routes of a
complete table are checked with the same tables marked complete (`complete_tables`), as a full
table loaded by data migration would be.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from households import services
from households.models import (
    Assessment,
    Household,
    IncomeRoute,
    RequestKind,
    ReviewRound,
    ScoreCard,
    User,
)
from tests.factories import make_household, make_member, make_round
from tests.households.test_views_survey import recognise

pytestmark = pytest.mark.django_db

# 3 persons 40 + no dependants 15 + college 15 + public job 25 + one pensioner 25 = 120.
AT_120 = {
    "household_size": "3",
    "dependants": "none",
    "highest_degree": "college",
    "non_farm_job": "public",
    "pensioners": "one",
}
# 1 person 70 + 15 + college 15 + public job 25 + no pension 0 = 125.
AT_125 = {**AT_120, "household_size": "1", "pensioners": "none"}
# 1 person 70 + 15 + vocational 5 + other job 20 + two pensioners 45 = 155 > 150: above the
# lines even on the partial table.
AT_155 = {
    "household_size": "1",
    "dependants": "none",
    "highest_degree": "vocational",
    "non_farm_job": "other",
    "pensioners": "two_plus",
}
# 1 person 70 + 15 + upper-secondary 0 + other job 20 + two pensioners 45 = 150: at the top
# threshold, so the partial table cannot place it.
AT_150 = {**AT_155, "highest_degree": "upper_secondary"}


@pytest.fixture
def complete_tables(db: None) -> None:
    """0017's 2016–2020 tables marked complete, as a data migration loading the full annex
    would leave them (saved row by row: the save empties `households.standards`' cache)."""
    for card in ScoreCard.objects.filter(standard__code="2016-2020"):
        card.complete = True
        card.save()


@pytest.fixture
def rural_household(tien_loi: object) -> Household:
    household = make_household("tien-loi", code="TL-0001")
    make_member(household)
    return household


@pytest.fixture
def urban_household(duc_thang: object) -> Household:
    household = make_household()
    make_member(household)
    return household


@pytest.fixture
def round_2017(db: None) -> ReviewRound:
    return make_round(2017)


def create_url(household: Household) -> str:
    return reverse("households:assessment_create", args=[household.pk])


def preview_url(household: Household) -> str:
    return reverse("households:assessment_preview", args=[household.pk])


def by_score(
    review_round: ReviewRound,
    answers: dict[str, str],
    *,
    ticked: tuple[str, ...] = (),
    **extra: str,
) -> dict[str, str]:
    """POST data of the survey on the Phiếu B1 route, as the browser sends it."""
    return {
        "round": str(review_round.pk),
        "income_route": IncomeRoute.PHIEU_B,
        "income_per_capita": "",
        "household_type": "",
        "notes": "",
        "action": "save",
        **{f"b1_{key}": option for key, option in answers.items()},
        **{key: "on" for key in ticked},
        **extra,
    }


def test_the_survey_offers_the_forms_of_the_rounds_standard_for_the_area(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    page = client.get(create_url(rural_household)).content.decode()
    assert "Thu nhập do cán bộ nhập" in page and "Ước tính bằng điểm Phiếu B1" in page
    assert "Phiếu B1 khu vực nông thôn vùng Bắc Trung Bộ và duyên hải miền Trung (NT3)" in page
    assert page.count('data-testid="b1-item"') == 5
    assert "Số nhân khẩu của hộ" in page and "Trên 6 người (0 điểm)" in page
    assert "1 người (70 điểm)" in page  # the NT3 column, not the urban 80
    # Near the score: the table is partial, so only a score above 150 places the income.
    assert 'data-testid="b1-partial"' in page
    assert "tối đa 170 điểm" in page and "điểm trên 150 xác định thu nhập trên các chuẩn" in page
    assert "Hộ có ô tô" in page  # Phiếu A


def test_the_ward_is_not_offered_the_partial_urban_table_and_is_told_why(
    client: Client, ducthang_officer: User, urban_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    page = client.get(create_url(urban_household)).content.decode()
    # At most 135 points, not above 175 (nor its 140): no score on it could place the income.
    assert 'data-testid="phieu-b1"' not in page and "Ước tính bằng điểm Phiếu B1" not in page
    assert 'data-testid="b1-not-offered"' in page
    assert "các chỉ tiêu đã biết cho tối đa 135 điểm, không vượt 175" in page
    assert "Hộ có ô tô" in page  # Phiếu A stays
    # Sent anyway, the route is refused and nothing is saved.
    every_best = {
        "household_size": "1",
        "dependants": "none",
        "highest_degree": "college",
        "non_farm_job": "public",
        "pensioners": "two_plus",
    }
    response = client.post(create_url(urban_household), by_score(round_2017, every_best))
    assert response.status_code == 200
    assert "income_route" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_the_ward_gets_the_urban_table_once_complete(
    client: Client,
    ducthang_officer: User,
    urban_household: Household,
    round_2017: ReviewRound,
    complete_tables: None,
) -> None:
    client.force_login(ducthang_officer)
    page = client.get(create_url(urban_household)).content.decode()
    assert "Phiếu B1 khu vực thành thị" in page and "1 người (80 điểm)" in page
    assert 'data-testid="b1-partial"' not in page and 'data-testid="b1-not-offered"' not in page


def test_a_partial_score_above_the_lines_is_saved_as_not_poor(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    ticked = ("housing_quality", "water_source", "sanitation")
    response = client.post(create_url(rural_household), by_score(round_2017, AT_155, ticked=ticked))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.income_route, assessment.income_per_capita) == ("phieu_b", None)
    assert (assessment.b1_score, assessment.b1_band) == (155, "above")
    # Above the lines deprivations do not count, whatever the missing items would add.
    assert (assessment.status, assessment.poor_group) == ("not_poor", "")
    assert assessment.explanation.startswith(
        "B1 = 155 điểm > 150 → thu nhập trên chuẩn cận nghèo nông thôn 1.000.000 đ → không nghèo"
    )
    assert "các chỉ tiêu còn thiếu chỉ có thể cộng thêm điểm" in assessment.explanation


@pytest.mark.parametrize(("answers", "score"), [(AT_150, 150), (AT_120, 120)])
def test_a_partial_score_not_above_the_lines_is_refused_and_nothing_is_saved(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    answers: dict[str, str],
    score: int,
) -> None:
    client.force_login(tienloi_officer)
    response = client.post(create_url(rural_household), by_score(round_2017, answers))
    assert response.status_code == 200
    assert response.context["form"].errors["income_route"] == [
        f"Bảng điểm B1 chưa đầy đủ (CHƯA XÁC MINH): {score} điểm không vượt 150, các chỉ tiêu "
        "còn thiếu có thể cộng thêm điểm, nên điểm này không xác định được thu nhập. Hãy chọn "
        "“Thu nhập do cán bộ nhập” và nhập thu nhập bình quân một người."
    ]
    page = response.content.decode()
    # The preview beside keeps the score and the answers, as help to type the income.
    assert 'data-testid="b1-undetermined"' in page and f"B1 = {score} điểm" in page
    assert not Assessment.objects.exists()
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError):
        services.assessment_save(
            household=rural_household,
            round=round_2017,
            income_route=IncomeRoute.PHIEU_B,
            b1_answers=answers,
        )
    assert not Assessment.objects.exists()


def test_the_preview_of_a_partial_score_shows_the_answers_and_why_it_places_nothing(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    text = client.post(preview_url(rural_household), by_score(round_2017, AT_120)).content.decode()
    assert 'data-testid="b1-undetermined"' in text and "B1 = 120 điểm" in text
    assert "<td>Số nhân khẩu của hộ</td><td>3 người</td>" in text  # the answers, as help
    assert 'data-testid="preview-error"' in text
    assert "Bảng điểm B1 chưa đầy đủ (CHƯA XÁC MINH): 120 điểm không vượt 150" in text
    assert 'data-testid="preview-result"' not in text
    assert not Assessment.objects.exists()


def test_the_phieu_b_route_records_the_answers_the_score_and_the_result(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    complete_tables: None,
) -> None:
    client.force_login(tienloi_officer)
    response = client.post(create_url(rural_household), by_score(round_2017, AT_120))

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.income_route == IncomeRoute.PHIEU_B
    assert assessment.income_per_capita is None
    assert assessment.b1_answers == AT_120
    assert (assessment.b1_score, assessment.b1_band) == (120, "at_or_below_poverty_line")
    assert (assessment.status, assessment.poor_group, assessment.area) == ("poor", "N1", "rural")
    assert assessment.explanation.startswith(
        "B1 = 120 điểm ≤ 120 → thu nhập không vượt chuẩn nghèo nông thôn 700.000 đ → hộ nghèo"
    )
    assert "Bảng điểm B1 chưa đầy đủ" not in assessment.explanation

    page = client.get(reverse("households:detail", args=[rural_household.pk])).content.decode()
    assert 'data-testid="b1-summary"' in page
    assert "B1 = 120 điểm" in page and "B2 = 0 điểm" in page
    assert "Thu nhập không vượt chuẩn nghèo" in page
    # The answers, item by item, with their points.
    assert 'data-testid="b1-answers"' in page
    assert "<td>Số nhân khẩu của hộ</td><td>3 người</td>" in page
    # The change history records the answers as typed.
    history = client.get(reverse("households:history", args=[rural_household.pk]))
    text = history.content.decode()
    assert "household_size: 3" in text and "pensioners: one" in text and "Điểm B1" in text
    assert "Tiêu chí Phiếu A hộ có" not in text  # empty on this route: not listed


@pytest.mark.parametrize(
    ("ticked", "status", "group", "b2"),
    [
        (("housing_quality", "water_source", "sanitation"), "poor", "N2", "B2 = 3 × 10 = 30 điểm"),
        (("housing_quality", "water_source"), "near_poor", "", "B2 = 2 × 10 = 20 điểm"),
    ],
)
def test_between_the_lines_b2_decides(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    ticked: tuple[str, ...],
    status: str,
    group: str,
    b2: str,
    complete_tables: None,
) -> None:
    client.force_login(tienloi_officer)
    response = client.post(create_url(rural_household), by_score(round_2017, AT_125, ticked=ticked))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.b1_score, assessment.status, assessment.poor_group) == (125, status, group)
    assert b2 in assessment.explanation


def test_an_unanswered_item_is_marked_in_vietnamese_and_nothing_is_saved(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    answers = {**AT_120}
    del answers["pensioners"]
    response = client.post(create_url(rural_household), by_score(round_2017, answers))
    assert response.status_code == 200
    assert response.context["form"].errors["b1_pensioners"] == [
        "Chọn phương án đúng với hộ gia đình."
    ]
    assert "b1_dependants" not in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_an_answer_the_table_does_not_have_is_refused(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    response = client.post(
        create_url(rural_household), by_score(round_2017, {**AT_120, "household_size": "12"})
    )
    assert response.status_code == 200
    assert "b1_household_size" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_the_typed_route_still_needs_the_income(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    data = by_score(round_2017, AT_120, income_route=IncomeRoute.TYPED)
    response = client.post(create_url(rural_household), data)
    assert response.status_code == 200
    assert response.context["form"].errors["income_per_capita"] == [
        "Nhập thu nhập bình quân một người một tháng."
    ]
    assert not Assessment.objects.exists()
    # With an income, the typed route ignores the B1 answers.
    data["income_per_capita"] = "650.000"
    assert client.post(create_url(rural_household), data).status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.income_route, assessment.income_per_capita) == ("typed", 650_000)
    assert (assessment.b1_answers, assessment.b1_score) == ({}, None)


def test_phieu_a_screens_the_household_out_with_its_reason(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    data = by_score(
        round_2017,
        {},
        income_route=IncomeRoute.PHIEU_A,
        screened_out="car",
        ticked=("housing_quality", "water_source", "sanitation"),
    )
    response = client.post(create_url(rural_household), data)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.income_route, assessment.screened_out) == ("phieu_a", ["car"])
    assert (assessment.status, assessment.income_per_capita) == ("not_poor", None)
    assert assessment.explanation == (
        "Không nghèo: loại qua Phiếu A (nhận dạng nhanh) – hộ có: Hộ có ô tô"
    )


def test_phieu_a_without_a_criterion_ticked_is_refused(
    client: Client, tienloi_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    data = by_score(round_2017, {}, income_route=IncomeRoute.PHIEU_A)
    response = client.post(create_url(rural_household), data)
    assert response.status_code == 200
    assert response.context["form"].errors["screened_out"] == [
        "Đánh dấu các tiêu chí Phiếu A mà hộ có."
    ]
    assert not Assessment.objects.exists()


def test_a_standard_without_phieu_b_refuses_the_route(
    client: Client, tienloi_officer: User, rural_household: Household
) -> None:
    round_2025 = make_round(2025)  # 2022–2025: no B1 table known, so no route offered
    client.force_login(tienloi_officer)
    page = client.get(create_url(rural_household) + f"?round={round_2025.pk}")
    assert 'data-testid="phieu-b1"' not in page.content.decode()
    response = client.post(create_url(rural_household), by_score(round_2025, AT_120))
    assert response.status_code == 200
    assert "income_route" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_the_preview_shows_the_score_as_the_officer_fills_it_and_writes_nothing(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    complete_tables: None,
) -> None:
    client.force_login(tienloi_officer)
    partial = {"household_size": "3", "dependants": "none"}
    so_far = client.post(preview_url(rural_household), by_score(round_2017, partial))
    text = so_far.content.decode()
    assert 'data-testid="b1-so-far"' in text
    assert "55 điểm" in text and "2/5" in text  # 40 + 15, two of five items

    done = client.post(preview_url(rural_household), by_score(round_2017, AT_120))
    text = done.content.decode()
    assert "B1 = 120 điểm" in text and "Hộ nghèo" in text
    assert not Assessment.objects.exists()


def test_an_edit_shows_the_answers_chosen(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    complete_tables: None,
) -> None:
    assessment = services.assessment_save(
        household=rural_household,
        round=round_2017,
        income_route=IncomeRoute.PHIEU_B,
        b1_answers=AT_125,
    )
    client.force_login(tienloi_officer)
    page = client.get(reverse("households:assessment_edit", args=[assessment.pk]))
    text = page.content.decode()
    assert 'value="phieu_b" autocomplete="off" checked' in text
    assert (
        'name="b1_household_size" id="id_b1_household_size_0" value="1" autocomplete="off"'
        " checked" in text
    )


def test_another_units_officer_cannot_score_the_household(
    client: Client, ducthang_officer: User, rural_household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    assert client.post(create_url(rural_household), by_score(round_2017, AT_120)).status_code == (
        404
    )
    assert client.post(preview_url(rural_household), by_score(round_2017, AT_120)).status_code == (
        404
    )
    assert not Assessment.objects.exists()


def test_a_correction_starts_from_the_recognised_answers(
    tienloi_officer: User, city_reviewer: User, rural_household: Household, complete_tables: None
) -> None:
    base = services.assessment_save(
        household=rural_household,
        round=make_round(2017),
        income_route=IncomeRoute.PHIEU_B,
        b1_answers=AT_120,
        by=tienloi_officer,
    )
    recognise(base, officer=tienloi_officer, reviewer=city_reviewer)
    correction = services.assessment_open_adhoc(
        household=rural_household,
        # The 2017 review is corrected in the ad-hoc round of 2018 (issue 13).
        round=make_round(2018, kind=ReviewRound.Kind.AD_HOC),
        request_kind=RequestKind.CORRECTION,
        request_date=datetime.date(2018, 1, 8),
        by=tienloi_officer,
    )
    assert (correction.income_route, correction.b1_answers) == ("phieu_b", AT_120)
    assert (correction.b1_score, correction.status, correction.poor_group) == (120, "poor", "N1")


def test_the_survey_page_with_the_forms_costs_no_more_queries(
    client: Client,
    tienloi_officer: User,
    rural_household: Household,
    round_2017: ReviewRound,
    django_assert_num_queries,
) -> None:
    client.force_login(tienloi_officer)
    # As the survey page without the forms (test_views_survey): the tables are read once per
    # process, before the request.
    with django_assert_num_queries(11):
        response = client.get(create_url(rural_household))
    assert 'data-testid="phieu-b1"' in response.content.decode()


def test_the_what_if_leaves_out_results_whose_income_was_not_typed(
    tienloi_officer: User, city_reviewer: User, rural_household: Household, complete_tables: None
) -> None:
    from reports.what_if import what_if

    review_round = make_round(2017)
    scored = services.assessment_save(
        household=rural_household,
        round=review_round,
        income_route=IncomeRoute.PHIEU_B,
        b1_answers=AT_120,
        by=tienloi_officer,
    )
    typed_household = make_household("tien-loi", code="TL-0002")
    make_member(typed_household)
    typed = services.assessment_save(
        household=typed_household, round=review_round, income_per_capita=650_000
    )
    for assessment in (scored, typed):
        recognise(assessment, officer=tienloi_officer, reviewer=city_reviewer)

    result = what_if(review_round=review_round, target="2022-2025", wards=None)
    # The B1 band stands against 2016–2020's lines only: the score is not reclassified.
    assert (result.total.assessed, result.not_reclassified) == (1, 1)


def test_a_correction_of_answers_the_table_no_longer_places_starts_from_a_typed_income(
    tienloi_officer: User, city_reviewer: User, rural_household: Household, complete_tables: None
) -> None:
    base = services.assessment_save(
        household=rural_household,
        round=make_round(2017),
        income_route=IncomeRoute.PHIEU_B,
        b1_answers=AT_120,
        by=tienloi_officer,
    )
    recognise(base, officer=tienloi_officer, reviewer=city_reviewer)
    card = ScoreCard.objects.get(standard__code="2016-2020", area="rural")
    card.complete = False  # scored on a table later found partial: 120 places nothing
    card.save()
    correction = services.assessment_open_adhoc(
        household=rural_household,
        # The 2017 review is corrected in the ad-hoc round of 2018 (issue 13).
        round=make_round(2018, kind=ReviewRound.Kind.AD_HOC),
        request_kind=RequestKind.CORRECTION,
        request_date=datetime.date(2018, 1, 8),
        by=tienloi_officer,
    )
    assert (correction.income_route, correction.income_per_capita) == ("typed", 0)
    assert (correction.b1_answers, correction.b1_score) == ({}, None)
