"""The survey follows its round's poverty standard (issue 12): a 2025 round uses 2022–2025's.

Decree 07/2021/NĐ-CP (UNCONFIRMED, REFERENCE.md §7): one line, 2.000.000 đ per person per month
in a ward (Đức Thắng) and 1.500.000 đ in a commune (Tiến Lợi); at or below it, poor with at least
3 of the 12 indicators, near-poor with fewer; above it neither. No N1/N2.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from households import services
from households.models import Assessment, Household, Member, ReviewRound, User
from tests.factories import (
    make_assessment,
    make_household,
    make_member,
    make_recognised,
    make_round,
)

pytestmark = pytest.mark.django_db

DIMENSIONS_2022 = {
    "Việc làm": ["employment", "dependants"],
    "Y tế": ["nutrition", "health_insurance"],
    "Giáo dục": ["adult_education", "child_school_attendance"],
    "Nhà ở": ["housing_quality", "housing_area"],
    "Nước sinh hoạt và vệ sinh": ["water_source", "sanitation"],
    "Thông tin": ["telecom", "information_assets"],
}


@pytest.fixture
def household(duc_thang: object) -> Household:
    household = make_household()
    make_member(household)  # the head: insured, lower-secondary school, born 1970
    return household


@pytest.fixture
def round_2025(db: None) -> ReviewRound:
    return make_round(2025)


def create_url(household: Household) -> str:
    return reverse("households:assessment_create", args=[household.pk])


def survey(review_round: ReviewRound, *, income: str, ticked: tuple[str, ...] = ()) -> dict:
    return {
        "round": str(review_round.pk),
        "income_per_capita": income,
        "household_type": "",
        "notes": "",
        "action": "save",
        **{key: "on" for key in ticked},
    }


def test_a_2025_round_is_under_the_2022_2025_standard(round_2025: ReviewRound) -> None:
    assert round_2025.standard == "2022-2025"


def test_the_2025_survey_shows_the_twelve_indicators_by_dimension_with_their_wording(
    client: Client, ducthang_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(create_url(household))

    page = response.content.decode()
    groups = response.context["form"].dimension_groups()
    assert {str(g.label): [row.field.name for row in g.rows] for g in groups} == DIMENSIONS_2022
    assert "Chuẩn nghèo đa chiều giai đoạn 2022–2025 · Nghị định số 07/2021/NĐ-CP" in page
    assert "Người phụ thuộc trong hộ gia đình" in page
    assert "Người phụ thuộc chiếm trên 50% số nhân khẩu của hộ." in page
    assert "Phương tiện phục vụ tiếp cận thông tin" in page
    assert 'name="health_access"' not in page  # a 2016–2020 indicator only
    # Derived from the members under 2022–2025: insurance and schooling, not adult education.
    for key in ("health_insurance", "child_school_attendance"):
        assert re.search(rf'<input type="checkbox" name="{key}"[^>]* disabled', page)
    assert re.search(r'<input type="checkbox" name="adult_education"(?![^>]*disabled)', page)


@pytest.mark.parametrize(
    ("income", "ticked", "status", "count", "explanation"),
    [
        (
            "1.800.000",
            ("employment", "nutrition", "sanitation"),
            "poor",
            3,
            "Thu nhập 1.800.000 đ ≤ chuẩn 2.000.000 đ (thành thị) và thiếu hụt 3/12 chỉ số ≥ 3 → "
            "hộ nghèo (Chuẩn nghèo đa chiều giai đoạn 2022–2025)",
        ),
        (
            "2.000.000",
            ("employment", "nutrition"),
            "near_poor",
            2,
            "Thu nhập 2.000.000 đ ≤ chuẩn 2.000.000 đ (thành thị) và thiếu hụt 2/12 chỉ số < 3 → "
            "hộ cận nghèo (Chuẩn nghèo đa chiều giai đoạn 2022–2025)",
        ),
        (
            "2.000.001",
            ("employment", "dependants", "nutrition", "sanitation", "telecom"),
            "not_poor",
            5,
            "Thu nhập 2.000.001 đ > chuẩn 2.000.000 đ (thành thị) → không nghèo, không cận "
            "nghèo; trên chuẩn không xét thiếu hụt (Chuẩn nghèo đa chiều giai đoạn 2022–2025)",
        ),
        # No income at all is no longer poor by itself (it was N1 under Decision 59/2015).
        (
            "0",
            (),
            "near_poor",
            0,
            "Thu nhập 0 đ ≤ chuẩn 2.000.000 đ (thành thị) và thiếu hụt 0/12 chỉ số < 3 → "
            "hộ cận nghèo (Chuẩn nghèo đa chiều giai đoạn 2022–2025)",
        ),
    ],
)
def test_a_survey_saved_in_a_2025_round_gets_the_2022_2025_result_and_why(
    client: Client,
    ducthang_officer: User,
    household: Household,
    round_2025: ReviewRound,
    income: str,
    ticked: tuple[str, ...],
    status: str,
    count: int,
    explanation: str,
) -> None:
    client.force_login(ducthang_officer)
    # health_access is not a 2022–2025 indicator: the form has no box for it.
    data = survey(round_2025, income=income, ticked=(*ticked, "health_access"))
    response = client.post(create_url(household), data)

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.poor_group, assessment.deprivation_count) == (
        status,
        "",
        count,
    )
    assert assessment.deprivations == set(ticked)
    assert not assessment.health_access
    assert assessment.explanation == explanation

    page = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert explanation.replace("<", "&lt;").replace(">", "&gt;") in page
    card = page[page.index('data-testid="assessment"') :]
    assert card.count('data-testid="dimension"') == 6
    for label in ("Việc làm", "Người phụ thuộc trong hộ gia đình", "Dinh dưỡng"):
        assert label in card
    assert "Tiếp cận dịch vụ y tế" not in card


def test_a_commune_uses_the_rural_line(
    client: Client, tienloi_officer: User, tien_loi: object, round_2025: ReviewRound
) -> None:
    household = make_household("tien-loi", code="TL-0001")
    make_member(household)
    client.force_login(tienloi_officer)
    ticked = ("employment", "nutrition", "sanitation")

    client.post(create_url(household), survey(round_2025, income="1.500.000", ticked=ticked))
    at_the_line = Assessment.objects.get()
    assessment_edit = reverse("households:assessment_edit", args=[at_the_line.pk])
    client.post(
        assessment_edit,
        {**survey(round_2025, income="1.500.001", ticked=ticked), "version": "1"},
    )
    at_the_line.refresh_from_db()

    assert at_the_line.area == "rural"
    assert (at_the_line.status, at_the_line.income_per_capita) == ("not_poor", 1_500_001)
    assert "chuẩn 1.500.000 đ (nông thôn)" in at_the_line.explanation


def test_the_roster_indicators_follow_the_2022_ages(
    client: Client, ducthang_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    # Aged 4 on 01/09/2025 and not in school: deprived from 2022 on (5 to 14 before).
    make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2021,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        health_insurance_number="TE4600000000002",
        education_level=Member.Education.NONE,
    )
    # Born 1995 without lower-secondary school: the roster no longer decides adult education.
    make_member(
        household,
        full_name="Nguyễn Văn Ba",
        birth_year=1995,
        relation=Member.Relation.CHILD,
        education_level=Member.Education.NONE,
    )
    client.force_login(ducthang_officer)

    page = client.get(create_url(household)).content.decode()
    client.post(create_url(household), survey(round_2025, income="1.800.000", ticked=("telecom",)))

    assert "Trẻ em từ 3 đến 15 tuổi không đi học: Nguyễn Thị Bé (4)" in page
    assessment = Assessment.objects.get()
    assert assessment.deprivations == {"child_school_attendance", "telecom"}
    assert set(assessment.derived_reasons) == {"health_insurance", "child_school_attendance"}
    assert assessment.status == "near_poor"


def test_the_preview_follows_the_round_standard(
    client: Client, ducthang_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(
        reverse("households:assessment_preview", args=[household.pk]),
        survey(round_2025, income="1.999.999", ticked=("employment", "nutrition", "telecom")),
    )

    fragment = response.content.decode()
    assert "Thiếu hụt 3/12 chỉ số" in fragment
    assert "Thu nhập 1.999.999 đ ≤ chuẩn 2.000.000 đ (thành thị)" in fragment
    assert "→ hộ nghèo" in fragment
    assert not Assessment.objects.exists()


def test_a_2017_survey_of_the_same_household_keeps_its_ten_indicators(
    client: Client, ducthang_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    old = make_assessment(household, review_round=make_round(2017), deprivations=["telecom"])
    client.force_login(ducthang_officer)

    page = client.get(reverse("households:assessment_edit", args=[old.pk])).content.decode()

    assert "Chuẩn nghèo tiếp cận đa chiều giai đoạn 2016–2020" in page
    assert 'name="health_access"' in page
    assert 'name="employment"' not in page
    assert page.count('class="form-check-input" id="id_') >= 10


def test_bad_income_in_a_2025_round_is_refused_and_nothing_saved(
    client: Client, ducthang_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(create_url(household), survey(round_2025, income="hai triệu"))

    assert response.status_code == 200
    assert "Nhập thu nhập bình quân đầu người bằng số đồng nguyên" in response.content.decode()
    assert not Assessment.objects.exists()


def test_another_wards_officer_and_anonymous_visitors_cannot_enter_a_2025_survey(
    client: Client, tienloi_officer: User, household: Household, round_2025: ReviewRound
) -> None:
    anonymous = client.get(create_url(household))
    client.force_login(tienloi_officer)
    other_ward = client.post(create_url(household), survey(round_2025, income="1.000.000"))

    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    assert other_ward.status_code == 404
    assert not Assessment.objects.exists()


def test_an_ad_hoc_review_in_2022_starts_from_a_2021_result_under_the_new_standard(
    ducthang_officer: User, household: Household
) -> None:
    # Recognised near-poor in 2021 (2016–2020 standard) with health care and telecom deprived.
    recognised = make_recognised(
        household, 1_000_000, year=2021, deprivations=["health_access", "telecom"]
    )
    escape = services.assessment_open_adhoc(
        household=household,
        round=make_round(2022, kind=ReviewRound.Kind.AD_HOC),
        request_kind="escape",
        request_date=datetime.date(2022, 3, 1),
        by=ducthang_officer,
    )

    assert recognised.round.standard == "2016-2020"
    assert escape.round.standard == "2022-2025"
    # telecom is asked by both standards; access to health care is not a 2022 indicator.
    assert escape.deprivations == {"telecom"}
    assert not escape.health_access
    assert (escape.status, escape.deprivation_count) == ("near_poor", 1)
