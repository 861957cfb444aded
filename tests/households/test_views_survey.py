"""The yearly survey form, its live preview, and the opening of ad-hoc reviews (issue 3 §5–6).

Đức Thắng is a ward, so the urban lines apply (Decision 59/2015/QĐ-TTg): poverty line
900.000 đ, near-poverty line 1.300.000 đ, average-living line 1.950.000 đ per person per month.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import services
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    SupportNeed,
    User,
)
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

INCOME_NOT_A_NUMBER = "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."


@pytest.fixture
def household(duc_thang: object) -> Household:
    household = make_household()
    make_member(household)  # the head: insured, lower-secondary school, born 1970
    return household


@pytest.fixture
def round_2017(db: None) -> ReviewRound:
    return make_round(2017)


@pytest.fixture
def adhoc_round(db: None) -> ReviewRound:
    return make_round(2017, kind=ReviewRound.Kind.AD_HOC)


@pytest.fixture
def adhoc_round_2018(db: None) -> ReviewRound:
    """The ad-hoc round that corrects the results of the 2017 periodic review (issue 13)."""
    return make_round(2018, kind=ReviewRound.Kind.AD_HOC)


def create_url(household: Household) -> str:
    return reverse("households:assessment_create", args=[household.pk])


def preview_url(household: Household) -> str:
    return reverse("households:assessment_preview", args=[household.pk])


def edit_url(assessment: Assessment) -> str:
    return reverse("households:assessment_edit", args=[assessment.pk])


def adhoc_url(household: Household) -> str:
    return reverse("households:adhoc_open", args=[household.pk])


def survey(
    review_round: ReviewRound, *, income: str = "1.100.000", ticked: tuple[str, ...] = (), **extra
) -> dict[str, str]:
    """POST data of the survey form, as the browser sends it (unticked boxes are absent)."""
    data = {
        "round": str(review_round.pk),
        "income_per_capita": income,
        "household_type": "",
        "notes": "",
        "action": "save",
        **{key: "on" for key in ticked},
    }
    data.update(extra)
    return data


def field_errors(response, name: str) -> str:
    """The text of the error list rendered under field `name`."""
    match = re.search(
        rf'<ul class="errorlist" id="id_{name}_errors">(.*?)</ul>', response.content.decode(), re.S
    )
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""


def recognise(assessment: Assessment, *, officer: User, reviewer: User) -> Assessment:
    """Carry an assessment through the review of Circular 17/2016 to the chairman's decision."""
    services.assessment_submit(assessment=assessment, by=officer)
    services.assessment_record_meeting(
        assessment=assessment,
        by=officer,
        meeting_date=datetime.date(2017, 10, 5),
        attendance=40,
        agreement_percent=90,
        minutes="Họp dân khu phố 1",
    )
    services.assessment_record_posting(
        assessment=assessment,
        by=officer,
        # Fri 6 – Mon 16 October 2017: 7 working days (6, 9–13, 16).
        posted_from=datetime.date(2017, 10, 6),
        posted_to=datetime.date(2017, 10, 16),
    )
    # The ward chairman's decision is recorded by the ward's officer (the city only returns).
    services.assessment_recognise(
        assessment=assessment,
        by=officer,
        decision_number="125/QĐ-UBND",
        decision_date=datetime.date(2017, 10, 20),
        decision_signer="Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng",
    )
    assessment.refresh_from_db()
    return assessment


# --- Creating a survey ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "ticked", "status", "group", "count"),
    [
        # 900.000 < 1.100.000 ≤ 1.300.000 and 3 deprivations (at least 3) → poor, N2.
        ("1.100.000", ("housing_quality", "sanitation", "telecom"), "poor", "N2", 3),
        # Same income, 2 deprivations (fewer than 3) → near-poor.
        ("1100000", ("housing_quality", "sanitation"), "near_poor", "", 2),
        # At the poverty line (inclusive) → poor by income, N1, whatever the deprivations.
        ("900.000", (), "poor", "N1", 0),
        # 1.300.000 < 1.300.001 ≤ 1.950.000 → average living; deprivations no longer count.
        ("1.300.001", ("housing_quality", "sanitation", "telecom"), "average_living", "", 3),
        # Above 1.950.000 → not poor.
        ("2.000.000", (), "not_poor", "", 0),
    ],
)
def test_create_records_the_survey_as_a_draft_with_the_engines_result(
    client: Client,
    ducthang_officer: User,
    household: Household,
    round_2017: ReviewRound,
    income: str,
    ticked: tuple[str, ...],
    status: str,
    group: str,
    count: int,
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(create_url(household), survey(round_2017, income=income, ticked=ticked))

    assert response.status_code == 302
    assert response.url == reverse("households:detail", args=[household.pk])
    assessment = Assessment.objects.get()
    assert (assessment.status, assessment.poor_group, assessment.deprivation_count) == (
        status,
        group,
        count,
    )
    assert assessment.income_per_capita == int(income.replace(".", ""))
    assert assessment.state == ReviewState.DRAFT
    assert assessment.round == round_2017
    assert assessment.created_by == ducthang_officer


def test_create_records_causes_needs_type_and_notes_and_says_so(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    cause = PovertyCause.objects.filter(is_active=True).first()
    need = SupportNeed.objects.filter(is_active=True).first()
    client.force_login(ducthang_officer)

    response = client.post(
        create_url(household),
        survey(
            round_2017,
            ticked=("housing_quality", "sanitation", "telecom", "expected_to_escape"),
            causes=str(cause.pk),
            needs=str(need.pk),
            household_type=Assessment.HouseholdType.LACKS_MEANS,
            notes="Chồng bị tai nạn lao động",
        ),
    )

    assessment = Assessment.objects.get()
    assert list(assessment.causes.all()) == [cause]
    assert list(assessment.needs.all()) == [need]
    assert assessment.household_type == Assessment.HouseholdType.LACKS_MEANS
    assert assessment.expected_to_escape is True
    assert assessment.notes == "Chồng bị tai nạn lao động"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã lưu phiếu khảo sát (Rà soát định kỳ năm 2017): " + assessment.explanation
    ]


def test_save_and_submit_sends_the_survey_to_review(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(create_url(household), survey(round_2017, action="submit"))

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.state == ReviewState.SUBMITTED
    assert list(assessment.events.values_list("action", flat=True)) == [
        ReviewEvent.Action.CREATE,
        ReviewEvent.Action.SUBMIT,
    ]


@pytest.mark.parametrize(
    ("income", "message"),
    [
        ("abc", INCOME_NOT_A_NUMBER),
        ("1,5", INCOME_NOT_A_NUMBER),
        ("1.100.00", INCOME_NOT_A_NUMBER),
        ("-5", "Thu nhập không được âm."),
        ("", "Nhập thu nhập bình quân một người một tháng."),
        ("2.000.000.000", "Thu nhập không hợp lý: trên 1 tỷ đồng."),
    ],
)
def test_bad_income_is_shown_on_the_field_in_vietnamese_and_nothing_is_saved(
    client: Client,
    ducthang_officer: User,
    household: Household,
    round_2017: ReviewRound,
    income: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(
        create_url(household), survey(round_2017, income=income, ticked=("telecom",))
    )

    assert response.status_code == 200
    assert message in field_errors(response, "income_per_capita")
    assert f'name="income_per_capita" value="{income}"' in response.content.decode() or not income
    assert 'name="telecom" class="form-check-input" id="id_telecom" checked' in (
        response.content.decode()
    )
    assert not Assessment.objects.exists()
    assert not ReviewEvent.objects.exists()


def test_roster_indicators_are_shown_derived_with_the_members_who_cause_them(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    # Aged 9 on the reference date 01/09/2017, out of school, no health-insurance card.
    make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2008,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        health_insurance_number="",
        education_level=Member.Education.NONE,
        attends_school=False,
    )
    client.force_login(ducthang_officer)
    response = client.get(create_url(household))

    page = response.content.decode()
    assert "Trẻ em từ 5 đến 14 tuổi không đi học: Nguyễn Thị Bé (9)" in page
    assert "Từ 6 tuổi trở lên không có thẻ bảo hiểm y tế còn hạn: Nguyễn Thị Bé (9)" in page
    assert "Không có thành viên nào sinh từ năm 1986 chưa tốt nghiệp THCS." in page
    for key in ("health_insurance", "child_school_attendance"):
        assert re.search(rf'<input type="checkbox" name="{key}"[^>]* disabled[^>]* checked', page)
    assert re.search(
        r'<input type="checkbox" name="adult_education"[^>]* disabled(?![^>]*checked)', page
    )
    assert reverse("households:edit", args=[household.pk]) in page


def test_roster_indicators_cannot_be_set_by_the_post(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    # The head is insured and schooled: whatever is posted, the roster says "not deprived".
    client.force_login(ducthang_officer)
    client.post(
        create_url(household),
        survey(
            round_2017,
            ticked=("health_insurance", "child_school_attendance", "adult_education", "telecom"),
        ),
    )

    assessment = Assessment.objects.get()
    assert assessment.deprivations == {"telecom"}
    assert assessment.status == "near_poor"


def test_roster_indicators_are_deprived_even_when_the_post_leaves_them_out(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    make_member(
        household,
        full_name="Nguyễn Văn Út",
        birth_year=2007,
        relation=Member.Relation.CHILD,
        education_level=Member.Education.PRIMARY,
        attends_school=False,
    )
    client.force_login(ducthang_officer)
    client.post(create_url(household), survey(round_2017, ticked=("telecom", "sanitation")))

    assessment = Assessment.objects.get()
    assert assessment.deprivations == {"child_school_attendance", "telecom", "sanitation"}
    assert (assessment.status, assessment.poor_group) == ("poor", "N2")


def test_create_defaults_to_the_latest_round_not_yet_surveyed(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    round_2017, round_2018 = make_round(2017), make_round(2018)
    surveyed = make_assessment(household, review_round=round_2018)
    client.force_login(ducthang_officer)

    response = client.get(create_url(household))

    assert response.context["review_round"] == round_2017
    page = response.content.decode()
    assert f'<input type="hidden" name="round" value="{round_2017.pk}">' in page
    assert edit_url(surveyed) in page


def test_choosing_a_round_already_surveyed_opens_that_survey(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    surveyed = make_assessment(household, review_round=round_2017)
    client.force_login(ducthang_officer)

    response = client.get(create_url(household), {"round": round_2017.pk})

    assert response.status_code == 302
    assert response.url == edit_url(surveyed)


def test_create_for_a_round_surveyed_meanwhile_is_refused_and_changes_nothing(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    existing = make_assessment(household, review_round=round_2017, income_per_capita=1_200_000)
    client.force_login(ducthang_officer)

    response = client.post(create_url(household), survey(round_2017, income="800.000"))

    assert response.status_code == 200
    assert "Hộ này đã có phiếu đánh giá trong kỳ rà soát này." in response.content.decode()
    existing.refresh_from_db()
    assert (existing.income_per_capita, existing.version) == (1_200_000, 1)


def test_create_refuses_an_ad_hoc_or_unknown_round(
    client: Client, ducthang_officer: User, household: Household, adhoc_round: ReviewRound
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(create_url(household), {"round": adhoc_round.pk}).status_code == 404
    assert client.post(create_url(household), survey(adhoc_round)).status_code == 404
    assert client.get(create_url(household), {"round": "x"}).status_code == 404
    assert not Assessment.objects.exists()


def test_without_a_periodic_round_the_page_says_the_city_must_open_one(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(create_url(household))

    assert response.status_code == 200
    assert "Chưa có kỳ rà soát định kỳ nào." in response.content.decode()
    assert "form" not in response.context


def test_a_household_without_members_is_sent_to_the_roster_first(
    client: Client, ducthang_officer: User, duc_thang: object, round_2017: ReviewRound
) -> None:
    empty = make_household(code="HH-0002")
    client.force_login(ducthang_officer)

    page = client.get(create_url(empty)).content.decode()
    response = client.post(create_url(empty), survey(round_2017))

    assert "Hộ chưa có thành viên nào: hãy nhập danh sách thành viên trước." in page
    assert reverse("households:edit", args=[empty.pk]) in page
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_the_survey_page_shows_the_preview_without_javascript(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    first = client.get(create_url(household)).content.decode()
    recomputed = client.post(
        create_url(household),
        survey(round_2017, ticked=("housing_quality", "sanitation", "telecom"), action="preview"),
    )

    assert "Nhập thu nhập bình quân một người để xem kết quả." in first
    assert f'hx-post="{preview_url(household)}"' in first
    assert (
        'hx-trigger="input changed delay:300ms from:closest form, change from:closest form"'
        in first
    )
    assert recomputed.status_code == 200
    assert "Hộ nghèo – nhóm N2" in recomputed.content.decode()
    assert not Assessment.objects.exists()


def test_survey_page_query_count_does_not_grow_with_members_and_rounds(
    client: Client,
    ducthang_officer: User,
    household: Household,
    django_assert_num_queries,
) -> None:
    for year in range(2017, 2021):
        make_round(year)
    for year in (2018, 2019, 2020):
        make_assessment(household, review_round=make_round(year))
    for index in range(8):
        make_member(
            household,
            full_name=f"Nguyễn Văn Con {index}",
            birth_year=2000 + index,
            relation=Member.Relation.CHILD,
            health_insurance_number="",
        )
    client.force_login(ducthang_officer)

    # The request's savepoint and its release (ATOMIC_REQUESTS), session, user, the user's
    # ward (menu), household, rounds, surveyed rounds, members, causes, needs.
    with django_assert_num_queries(11):
        response = client.get(create_url(household))
    assert response.status_code == 200
    assert response.context["review_round"].year == 2017


# --- The live preview ----------------------------------------------------------------------


def test_preview_shows_the_engines_result_and_writes_nothing(
    client: Client,
    ducthang_officer: User,
    household: Household,
    round_2017: ReviewRound,
    django_assert_num_queries,
) -> None:
    client.force_login(ducthang_officer)
    counts = (Assessment.objects.count(), Assessment.history.count(), ReviewEvent.objects.count())

    # The request's savepoint and its release, session, user, household, round, members.
    with django_assert_num_queries(7), CaptureQueriesContext(connection) as queries:
        response = client.post(
            preview_url(household),
            survey(round_2017, ticked=("housing_quality", "sanitation", "telecom")),
        )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "Hộ nghèo – N2" in fragment  # the status badge
    assert "Thiếu hụt 3/10 chỉ số" in fragment
    assert (
        "Hộ nghèo – nhóm N2: chuẩn nghèo 900.000 đ &lt; thu nhập 1.100.000 đ ≤ chuẩn cận nghèo "
        "1.300.000 đ (thành thị) và thiếu hụt 3 chỉ số (tối thiểu 3)"
    ) in fragment
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert counts == (
        Assessment.objects.count(),
        Assessment.history.count(),
        ReviewEvent.objects.count(),
    )


def test_preview_counts_the_roster_indicators_like_the_save(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    make_member(
        household,
        full_name="Nguyễn Văn Út",
        birth_year=2007,
        relation=Member.Relation.CHILD,
        attends_school=False,
        health_insurance_number="",
    )
    client.force_login(ducthang_officer)

    # Posted "health_insurance" is ignored; the roster makes it and school attendance deprived.
    response = client.post(preview_url(household), survey(round_2017, ticked=("telecom",)))

    assert "Hộ nghèo – nhóm N2" in response.content.decode()
    assert "Thiếu hụt 3/10 chỉ số" in response.content.decode()


@pytest.mark.parametrize(
    ("income", "message"),
    [
        ("abc", INCOME_NOT_A_NUMBER),
        ("1,5", INCOME_NOT_A_NUMBER),
        ("-5", "Thu nhập không được âm."),
    ],
)
def test_preview_says_what_is_wrong_with_the_income(
    client: Client,
    ducthang_officer: User,
    household: Household,
    round_2017: ReviewRound,
    income: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(preview_url(household), survey(round_2017, income=income))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Hộ nghèo" not in response.content.decode()


def test_preview_without_a_round_asks_for_one(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(preview_url(household), {"income_per_capita": "1.000.000"})

    assert "Chọn kỳ rà soát." in response.content.decode()


def test_preview_accepts_post_only(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)
    assert client.get(preview_url(household)).status_code == 405


# --- Editing a survey ----------------------------------------------------------------------


def test_edit_changes_a_draft_and_checks_the_version(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017, income_per_capita=1_200_000)
    client.force_login(ducthang_officer)

    page = client.get(edit_url(assessment)).content.decode()
    response = client.post(
        edit_url(assessment),
        survey(round_2017, income="850.000", version=str(assessment.version)),
    )

    assert 'value="1.200.000"' in page
    assert '<input type="hidden" name="version" value="1"' in page
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.income_per_capita, assessment.status, assessment.poor_group) == (
        850_000,
        "poor",
        "N1",
    )
    assert assessment.version == 2


def test_edit_of_a_returned_survey_shows_the_reason_and_can_resubmit(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    household: Household,
    round_2017: ReviewRound,
) -> None:
    assessment = make_assessment(household, review_round=round_2017)
    services.assessment_submit(assessment=assessment, by=ducthang_officer)
    services.assessment_return(
        assessment=assessment, by=city_reviewer, reason="Thiếu chỉ số nhà tiêu hợp vệ sinh"
    )
    assessment.refresh_from_db()
    client.force_login(ducthang_officer)

    page = client.get(edit_url(assessment)).content.decode()
    response = client.post(
        edit_url(assessment),
        survey(
            round_2017,
            ticked=("sanitation",),
            version=str(assessment.version),
            action="submit",
        ),
    )

    assert "Thiếu chỉ số nhà tiêu hợp vệ sinh" in page
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == ReviewState.SUBMITTED
    assert assessment.sanitation is True


def test_edit_of_a_recognised_survey_is_refused_and_changes_nothing(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    household: Household,
    round_2017: ReviewRound,
) -> None:
    assessment = recognise(
        make_assessment(household, review_round=round_2017),
        officer=ducthang_officer,
        reviewer=city_reviewer,
    )
    history = assessment.history.count()
    client.force_login(ducthang_officer)

    page = client.get(edit_url(assessment)).content.decode()
    response = client.post(
        edit_url(assessment),
        survey(round_2017, income="500.000", version=str(assessment.version)),
    )

    assert "125/QĐ-UBND" in page
    assert "20/10/2017" in page
    assert f"{adhoc_url(household)}?request_kind=correction" in page
    assert 'name="action" value="submit"' not in page
    assert response.status_code == 200
    assert (
        "Phiếu này đã được công nhận theo Quyết định số 125/QĐ-UBND ngày 20/10/2017 nên không "
        "thể sửa nữa."
    ) in response.content.decode()
    before = (assessment.income_per_capita, assessment.version, assessment.state)
    assessment.refresh_from_db()
    assert (assessment.income_per_capita, assessment.version, assessment.state) == before
    assert assessment.history.count() == history


def test_edit_of_a_submitted_survey_offers_to_withdraw_it(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017)
    services.assessment_submit(assessment=assessment, by=ducthang_officer)
    client.force_login(ducthang_officer)

    page = client.get(edit_url(assessment)).content.decode()

    assert reverse("households:assessment_withdraw", args=[assessment.pk]) in page
    assert "Rút lại phiếu để sửa." in page


def test_a_stale_edit_is_refused_keeping_what_was_typed(
    client: Client,
    ducthang_officer: User,
    administrator: User,
    household: Household,
    round_2017: ReviewRound,
) -> None:
    assessment = make_assessment(household, review_round=round_2017, income_per_capita=1_200_000)
    opened_at = assessment.version
    # Someone else saves after the officer opened the form.
    services.assessment_save(
        household=household,
        round=round_2017,
        income_per_capita=1_000_000,
        deprivations={"telecom"},
        by=administrator,
    )
    client.force_login(ducthang_officer)

    response = client.post(
        edit_url(assessment),
        survey(round_2017, income="950.000", ticked=("sanitation",), version=str(opened_at)),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "đã lưu hồ sơ này lúc" in page
    assert 'value="950.000"' in page
    assert 'name="sanitation" class="form-check-input" id="id_sanitation" checked' in page
    assert "1.000.000 đ" in page  # what the other person saved, shown beside
    assessment.refresh_from_db()
    assert (assessment.income_per_capita, assessment.version) == (1_000_000, opened_at + 1)
    assert f'<input type="hidden" name="version" value="{assessment.version}"' in page

    # Having seen the other save, the officer saves again on purpose.
    again = client.post(
        edit_url(assessment),
        survey(round_2017, income="950.000", version=str(assessment.version)),
    )
    assert again.status_code == 302
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 950_000


def test_an_edit_without_its_version_is_refused(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017, income_per_capita=1_200_000)
    client.force_login(ducthang_officer)

    response = client.post(edit_url(assessment), survey(round_2017, income="500.000"))

    assert response.status_code == 200
    assert "Biểu mẫu đã cũ" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 1_200_000


def test_bad_income_on_edit_changes_nothing(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017, income_per_capita=1_200_000)
    client.force_login(ducthang_officer)

    response = client.post(
        edit_url(assessment), survey(round_2017, income="1,2 triệu", version="1")
    )

    assert INCOME_NOT_A_NUMBER in field_errors(response, "income_per_capita")
    assessment.refresh_from_db()
    assert (assessment.income_per_capita, assessment.version) == (1_200_000, 1)


# --- Ad-hoc reviews ------------------------------------------------------------------------


def test_opening_a_correction_starts_a_draft_from_the_recognised_survey(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    household: Household,
    round_2017: ReviewRound,
    adhoc_round_2018: ReviewRound,
) -> None:
    adhoc_round = adhoc_round_2018
    base = recognise(
        make_assessment(
            household,
            review_round=round_2017,
            deprivations=("housing_quality", "sanitation", "telecom"),
        ),
        officer=ducthang_officer,
        reviewer=city_reviewer,
    )
    client.force_login(ducthang_officer)

    page = client.get(adhoc_url(household), {"request_kind": "correction"}).content.decode()
    response = client.post(
        adhoc_url(household),
        {"round": adhoc_round.pk, "request_kind": "correction", "request_date": "05/01/2018"},
    )

    assert "125/QĐ-UBND" in page
    assert re.search(r'value="correction"[^>]*checked', page)
    draft = Assessment.objects.get(round=adhoc_round)
    assert response.status_code == 302
    assert response.url == edit_url(draft)
    assert draft.state == ReviewState.DRAFT
    assert (draft.request_kind, draft.request_date) == ("correction", datetime.date(2018, 1, 5))
    assert draft.corrects == base
    assert (draft.income_per_capita, draft.deprivations) == (
        base.income_per_capita,
        base.deprivations,
    )


def test_a_household_asking_to_be_added_gets_an_empty_draft(
    client: Client, ducthang_officer: User, household: Household, adhoc_round: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(
        adhoc_url(household),
        {"round": adhoc_round.pk, "request_kind": "addition", "request_date": "01/10/2017"},
        follow=True,
    )

    draft = Assessment.objects.get()
    assert response.redirect_chain == [(edit_url(draft), 302)]
    assert draft.request_kind == "addition"
    assert "Rà soát thường xuyên" in response.content.decode()
    assert "Hộ đề nghị bổ sung vào danh sách" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "round", "Chọn kỳ rà soát thường xuyên."),
        ({}, "request_kind", "Chọn nội dung đề nghị của hộ."),
        ({}, "request_date", "Nhập ngày nhận đơn đề nghị."),
        ({"request_date": "2017-13-45"}, "request_date", "Nhập ngày hợp lệ theo dạng dd/mm/yyyy"),
        (
            {"request_date": "01/01/2999"},
            "request_date",
            "Ngày nhận đơn không được sau ngày hôm nay.",
        ),
        (
            {"request_kind": "correction"},
            "request_kind",
            "Không có phiếu đã công nhận nào của hộ này để điều chỉnh.",
        ),
        (
            {"request_kind": "escape"},
            "request_kind",
            "Chỉ hộ đã được công nhận là hộ nghèo hoặc hộ cận nghèo mới có thể đề nghị",
        ),
    ],
)
def test_adhoc_errors_show_on_their_field_and_nothing_is_saved(
    client: Client,
    ducthang_officer: User,
    household: Household,
    adhoc_round: ReviewRound,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    posted = (
        {"round": str(adhoc_round.pk), "request_kind": "addition", "request_date": "01/10/2017"}
        | data
        if data
        else {}
    )
    client.force_login(ducthang_officer)

    response = client.post(adhoc_url(household), posted)

    assert response.status_code == 200
    assert message in field_errors(response, field)
    assert not Assessment.objects.exists()


def test_adhoc_in_a_round_already_used_is_refused(
    client: Client, ducthang_officer: User, household: Household, adhoc_round: ReviewRound
) -> None:
    services.assessment_open_adhoc(
        household=household,
        round=adhoc_round,
        request_kind="addition",
        request_date=datetime.date(2017, 10, 1),
        by=ducthang_officer,
    )
    client.force_login(ducthang_officer)

    response = client.post(
        adhoc_url(household),
        {"round": adhoc_round.pk, "request_kind": "addition", "request_date": "02/10/2017"},
    )

    assert "Hộ này đã có phiếu trong kỳ rà soát này" in field_errors(response, "round")
    assert Assessment.objects.count() == 1


def test_an_adhoc_round_dated_before_the_review_it_would_correct_is_refused(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    household: Household,
    round_2017: ReviewRound,
    adhoc_round: ReviewRound,
) -> None:
    # Issue 13: the ad-hoc round dated 01/01/2017 corrected the review of September 2017.
    recognise(
        make_assessment(household, review_round=round_2017),
        officer=ducthang_officer,
        reviewer=city_reviewer,
    )
    client.force_login(ducthang_officer)

    response = client.post(
        adhoc_url(household),
        {"round": adhoc_round.pk, "request_kind": "correction", "request_date": "05/11/2017"},
    )

    assert response.status_code == 200
    assert " ".join(field_errors(response, "round").split()) == (
        "Rà soát thường xuyên 2017 bắt đầu ngày 01/01/2017, trước Rà soát định kỳ năm 2017 "
        "(bắt đầu 01/09/2017) mà đơn đề nghị này điều chỉnh kết quả: hãy chọn kỳ rà soát "
        "thường xuyên bắt đầu từ ngày 01/09/2017 trở đi."
    )
    assert not Assessment.objects.filter(round=adhoc_round).exists()


def test_a_request_dated_outside_the_adhoc_round_is_refused(
    client: Client, ducthang_officer: User, household: Household, adhoc_round: ReviewRound
) -> None:
    # Issue 13: a request dated 2018 was accepted in the ad-hoc round of 2017.
    client.force_login(ducthang_officer)

    response = client.post(
        adhoc_url(household),
        {"round": adhoc_round.pk, "request_kind": "addition", "request_date": "02/03/2018"},
    )

    assert response.status_code == 200
    assert " ".join(field_errors(response, "request_date").split()) == (
        "Đơn đề nghị ghi ngày 02/03/2018, ngoài thời gian của Rà soát thường xuyên 2017 "
        "(01/01/2017 – 31/12/2017): hãy chọn kỳ rà soát thường xuyên có ngày nhận đơn."
    )
    assert not Assessment.objects.exists()


def test_without_an_adhoc_round_the_page_says_the_city_must_open_one(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(adhoc_url(household))

    assert response.status_code == 200
    assert "Chưa có kỳ rà soát thường xuyên nào được mở." in response.content.decode()


# --- Who may do it -------------------------------------------------------------------------


def urls_of(household: Household, assessment: Assessment) -> list[tuple[str, str]]:
    return [
        ("get", create_url(household)),
        ("post", preview_url(household)),
        ("get", adhoc_url(household)),
        ("get", edit_url(assessment)),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(
    client: Client, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017)
    for method, url in urls_of(household, assessment):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["tienloi_officer", "committee_member", "agency_user"])
def test_it_checks_ownership(
    client: Client,
    household: Household,
    round_2017: ReviewRound,
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    assessment = make_assessment(household, review_round=round_2017)
    client.force_login(request.getfixturevalue(persona))
    for method, url in urls_of(household, assessment):
        assert getattr(client, method)(url).status_code == 404, url
    response = client.post(create_url(household), survey(round_2017, income="100"))
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 1_100_000


def test_the_city_reviewer_cannot_enter_surveys(
    client: Client, city_reviewer: User, household: Household, round_2017: ReviewRound
) -> None:
    assessment = make_assessment(household, review_round=round_2017)
    client.force_login(city_reviewer)
    for method, url in urls_of(household, assessment):
        assert getattr(client, method)(url).status_code == 403, url
    edit = client.post(edit_url(assessment), survey(round_2017, income="100", version="1"))
    assert edit.status_code == 403
    assessment.refresh_from_db()
    assert assessment.income_per_capita == 1_100_000


def test_administrators_may_enter_surveys(
    client: Client, administrator: User, household: Household, round_2017: ReviewRound
) -> None:
    client.force_login(administrator)
    response = client.post(create_url(household), survey(round_2017))

    assert response.status_code == 302
    assert Assessment.objects.get().created_by == administrator


def test_the_heading_names_the_unit_the_survey_is_made_in(
    client: Client, ducthang_officer: User, household: Household, round_2017: ReviewRound
) -> None:
    # After the 2025 merger a Đức Thắng household's survey is made in P. Phan Thiết (issue 12).
    round_2026 = make_round(2026)
    client.force_login(ducthang_officer)

    def heading(response: object) -> str:
        page = response.content.decode()  # type: ignore[attr-defined]
        return re.sub(r"\s+", " ", page.split("</h1>", 1)[1].split("</p>", 1)[0])

    before = heading(client.get(create_url(household), {"round": round_2017.pk}))
    after = heading(client.get(create_url(household), {"round": round_2026.pk}))
    surveyed = make_assessment(household, review_round=round_2026)
    edited = heading(client.get(edit_url(surveyed)))

    assert "Phường Đức Thắng · Rà soát định kỳ năm 2017" in before
    assert "hộ đăng ký" not in before
    for shown in (after, edited):
        assert "Phường Phan Thiết <small>(hộ đăng ký tại Phường Đức Thắng)</small> · " in shown
        assert "Rà soát định kỳ năm 2026" in shown
