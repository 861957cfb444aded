"""The admin: Vietnamese labels, accent-insensitive search, writes through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household, Member, User, Ward
from tests.factories import (
    household_form,
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("root", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def staff(client: Client, admin_user: User) -> Client:
    client.force_login(admin_user)
    return client


def test_anonymous_gets_the_login_page(client: Client) -> None:
    url = reverse("admin:households_household_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_ward_officer_without_staff_status_cannot_enter(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(reverse("admin:households_household_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "model",
    [
        "district",
        "ward",
        "quarter",
        "user",
        "povertycause",
        "supportneed",
        "household",
        "member",
        "reviewround",
        "assessment",
    ],
)
def test_every_admin_page_opens_in_vietnamese(staff: Client, model: str) -> None:
    household = make_household()
    make_member(household)
    make_assessment(household)
    for view in ("changelist", "add"):
        response = staff.get(reverse(f"admin:households_{model}_{view}"))
        assert response.status_code == 200, (model, view)
        assert 'lang="vi"' in response.content.decode()


def test_the_admin_lists_the_18_units(staff: Client) -> None:
    response = staff.get(reverse("admin:households_ward_changelist"))
    assert response.context["cl"].result_count == 18
    assert "Giảm nghèo – Thành phố Phan Thiết" in response.content.decode()


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("nguyen van", ["HH-0001", "HH-0002"]),
        ("NGUYỄN văn an", ["HH-0001"]),
        ("van an", ["HH-0001"]),
        ("an", ["HH-0001"]),  # a word's start, not "an" inside "Văn" or "Hoàng"
        ("nguyen thi", []),
        ("ng v", ["HH-0001", "HH-0002"]),  # word prefixes
    ],
)
def test_household_search_ignores_accents_and_matches_word_starts(
    staff: Client, term: str, found: list[str]
) -> None:
    make_household(code="HH-0001", head_name="Nguyễn Văn An")
    make_household(code="HH-0002", head_name="Nguyễn Văn Hoàng")
    make_household(code="HH-0003", head_name="Trần Thị Bảy")
    response = staff.get(reverse("admin:households_household_changelist"), {"q": term})
    assert sorted(h.code for h in response.context["cl"].result_list) == found


def test_search_words_must_match_within_one_name(staff: Client) -> None:
    # "tran an" must not match a household whose head is Trần … and a member is … An.
    household = make_household(code="HH-0001", head_name="Trần Văn Bảy")
    make_member(household, full_name="Trần Văn Bảy")
    make_member(household, full_name="Lê Thị An", birth_year=1990, sex="female", relation="other")
    response = staff.get(reverse("admin:households_household_changelist"), {"q": "tran an"})
    assert response.context["cl"].result_count == 0
    response = staff.get(reverse("admin:households_household_changelist"), {"q": "le an"})
    assert response.context["cl"].result_count == 1


def test_household_search_finds_members_codes_and_id_numbers(staff: Client) -> None:
    household = make_household(code="DT-0042", head_name="Trần Văn Ba")
    make_member(household, full_name="Trần Văn Ba", national_id="060123456789")
    make_member(
        household,
        full_name="Lê Thị Đào",
        birth_year=1975,
        sex="female",
        relation="spouse",
        national_id="",
    )
    make_household(code="DT-0043", head_name="Phạm Văn Tư")
    url = reverse("admin:households_household_changelist")
    for term in ("le thi dao", "dt-0042", "060123456789", "Đào"):
        response = staff.get(url, {"q": term})
        assert [h.code for h in response.context["cl"].result_list] == ["DT-0042"], term


def test_ward_search_ignores_accents(staff: Client) -> None:
    response = staff.get(reverse("admin:households_ward_changelist"), {"q": "duc thang"})
    assert [w.name for w in response.context["cl"].result_list] == ["Đức Thắng"]


def test_household_list_query_count_does_not_grow_with_rows(
    staff: Client, django_assert_max_num_queries: object
) -> None:
    for number in range(30):
        household = make_household(code=f"DT-{number:04d}", head_name=f"Nguyễn Văn {number}")
        make_member(household, full_name=f"Nguyễn Văn {number}")
    url = reverse("admin:households_household_changelist")
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = staff.get(url)
    assert response.context["cl"].result_count == 30


def test_admin_creates_a_household_with_its_members(staff: Client, duc_thang: Ward) -> None:
    data = household_form(
        duc_thang,
        head={"full_name": "Võ Văn Mười", "national_id": "060111222333"},
        wife={
            "full_name": "Lê Thị Hai",
            "sex": "female",
            "relation": "spouse",
            "birth_year": "1972",
        },
    )
    response = staff.post(reverse("admin:households_household_add"), data)
    assert response.status_code == 302, response.context["errors"]
    household = Household.objects.get(code="DT-0100")
    assert household.head_name_folded == "vo van muoi"
    assert sorted(household.members.values_list("full_name_folded", flat=True)) == [
        "le thi hai",
        "vo van muoi",
    ]


def test_admin_refuses_a_member_entered_twice_and_saves_nothing(
    staff: Client, duc_thang: Ward
) -> None:
    data = household_form(
        duc_thang,
        first={"full_name": "Võ Văn Mười"},
        again={"full_name": "vo van muoi", "relation": "other"},
    )
    response = staff.post(reverse("admin:households_household_add"), data)
    assert response.status_code == 200
    assert "Người này đã có ở dòng 1." in response.content.decode()
    assert not Household.objects.exists()
    assert not Member.objects.exists()


def test_admin_refuses_two_heads_and_a_national_id_entered_twice(
    staff: Client, duc_thang: Ward
) -> None:
    data = household_form(
        duc_thang,
        first={"full_name": "Võ Văn Mười", "national_id": "060111222333"},
        second={"full_name": "Võ Văn Một", "birth_year": "1995", "national_id": "060111222333"},
    )
    response = staff.post(reverse("admin:households_household_add"), data)
    content = response.content.decode()
    assert "Số CMND/CCCD này đã nhập ở dòng 1." in content
    assert "Mỗi hộ chỉ có một chủ hộ; đang có 2 dòng ghi là chủ hộ." in content
    assert not Household.objects.exists()


def test_admin_refuses_a_national_id_used_in_another_household(
    staff: Client, duc_thang: Ward
) -> None:
    other = make_household(code="DT-0001")
    make_member(other, national_id="060111222333")
    data = household_form(
        duc_thang, head={"full_name": "Võ Văn Mười", "national_id": "060111222333"}
    )
    response = staff.post(reverse("admin:households_household_add"), data)
    assert "Số CMND/CCCD này đã được dùng cho một thành viên khác." in response.content.decode()
    assert not Household.objects.filter(code="DT-0100").exists()


def assessment_form(household: Household, **extra: str) -> dict[str, str]:
    review_round = make_round()
    return {
        "household": str(household.pk),
        "round": str(review_round.pk),
        "income_per_capita": "1100000",
        "sanitation": "on",
        "telecom": "on",
        "water_source": "on",
        "household_type": "lacks_means",
        **extra,
    }


def test_admin_records_a_survey_and_the_engine_classifies_it(staff: Client) -> None:
    household = make_household()
    make_member(household)
    response = staff.post(reverse("admin:households_assessment_add"), assessment_form(household))
    assert response.status_code == 302, response.context["errors"]
    assessment = Assessment.objects.get(household=household)
    assert (assessment.status, assessment.poor_group, assessment.deprivation_count) == (
        "poor",
        "N2",
        3,
    )
    page = staff.get(reverse("admin:households_assessment_change", args=[assessment.pk]))
    assert "Hộ nghèo – nhóm N2" in page.content.decode()


def test_admin_ignores_a_typed_result_and_roster_indicators(staff: Client) -> None:
    household = make_household()
    make_member(household)  # insured: health_insurance cannot be ticked by hand
    data = assessment_form(household, status="not_poor", health_insurance="on")
    staff.post(reverse("admin:households_assessment_add"), data)
    assessment = Assessment.objects.get(household=household)
    assert assessment.status == "poor"
    assert not assessment.health_insurance


@pytest.mark.parametrize(
    ("income", "message"),
    [
        ("-5", "Thu nhập không được âm."),
        ("abc", "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000."),
    ],
)
def test_admin_refuses_bad_income_and_saves_nothing(
    staff: Client, income: str, message: str
) -> None:
    household = make_household()
    make_member(household)
    data = assessment_form(household, income_per_capita=income)
    response = staff.post(reverse("admin:households_assessment_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assessment.objects.exists()


def test_admin_explains_that_an_empty_roster_cannot_be_assessed(staff: Client) -> None:
    household = make_household()
    response = staff.post(reverse("admin:households_assessment_add"), assessment_form(household))
    assert response.status_code == 200
    assert "Hộ chưa có thành viên nào" in response.content.decode()
    assert not Assessment.objects.exists()


def test_member_and_assessment_search_use_the_same_accent_insensitive_rules(
    staff: Client,
) -> None:
    household = make_household(code="DT-0042", head_name="Trần Văn Ba")
    make_member(household, full_name="Trần Văn Ba", national_id="060123456789")
    make_assessment(household)
    other = make_household(code="DT-0043", head_name="Phạm Văn Tư")
    make_member(other, full_name="Phạm Văn Tư")
    make_assessment(other)
    members = staff.get(reverse("admin:households_member_changelist"), {"q": "tran ba"})
    assert [m.full_name for m in members.context["cl"].result_list] == ["Trần Văn Ba"]
    by_id = staff.get(reverse("admin:households_member_changelist"), {"q": "060123456789"})
    assert by_id.context["cl"].result_count == 1
    for term in ("tran van ba", "dt-0042"):
        found = staff.get(reverse("admin:households_assessment_changelist"), {"q": term})
        assert [a.household.code for a in found.context["cl"].result_list] == ["DT-0042"], term


def recognised_assessment(admin_user: User) -> Assessment:
    household = make_household()
    make_member(household)
    return make_assessment_in_state(
        household,
        "recognised",
        officer=admin_user,
        reviewer=admin_user,
        deprivations=["health_access", "sanitation", "telecom"],
    )


def test_the_admin_cannot_change_a_recognised_assessment(staff: Client, admin_user: User) -> None:
    a = recognised_assessment(admin_user)
    data = assessment_form(a.household, income_per_capita="5000000")
    response = staff.post(reverse("admin:households_assessment_change", args=[a.pk]), data)

    assert response.status_code == 200
    assert "Quyết định số 125/QĐ-UBND" in response.content.decode()
    a.refresh_from_db()
    assert a.income_per_capita == 1_100_000


def test_reclassifying_leaves_recognised_assessments_alone(staff: Client, admin_user: User) -> None:
    a = recognised_assessment(admin_user)
    versions_before = a.history.count()
    response = staff.post(
        reverse("admin:households_assessment_changelist"),
        {"action": "reclassify", "_selected_action": [a.pk]},
        follow=True,
    )

    assert "để nguyên" in response.content.decode()
    assert a.history.count() == versions_before  # not saved again


def test_the_admin_sends_ad_hoc_reviews_to_the_workspace(staff: Client) -> None:
    household = make_household()
    make_member(household)
    adhoc = make_round(2017, kind="ad_hoc")
    data = {**assessment_form(household), "round": str(adhoc.pk)}
    response = staff.post(reverse("admin:households_assessment_add"), data)

    assert response.status_code == 200
    assert not Assessment.objects.exists()
