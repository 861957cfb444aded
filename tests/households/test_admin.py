"""The admin: Vietnamese labels, accent-insensitive search, writes through the services, and
nothing recognised deleted, by anyone: households are archived instead (issue 10)."""

from __future__ import annotations

import datetime

import pytest
from django.forms import BooleanField
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household, Member, ReviewEvent, User, Ward
from households.services import assessment_submit, assessment_withdraw
from programs import services as program_services
from programs.models import Benefit, Programme
from tests.factories import (
    household_form,
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_recognised,
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


def test_the_admin_lists_the_18_units_and_those_of_the_2025_merger(staff: Client) -> None:
    response = staff.get(reverse("admin:households_ward_changelist"))
    assert response.context["cl"].result_count == 18 + 7
    assert "Giảm nghèo – Thành phố Phan Thiết" in response.content.decode()


def test_the_mergers_of_units_are_shown_never_edited(staff: Client) -> None:
    response = staff.get(reverse("admin:households_unitmerger_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 18  # each former unit, once
    assert staff.get(reverse("admin:households_unitmerger_add")).status_code == 403
    assert staff.get(reverse("admin:households_wardkindperiod_changelist")).status_code == 200


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


# --- Nothing recognised is deleted (issue 10) --------------------------------------------------


def delete_selected(client: Client, model: str, objects: list[object]) -> object:
    """The bulk "delete selected" action, confirmed, as Django's confirmation page posts it."""
    return client.post(
        reverse(f"admin:households_{model}_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            "_selected_action": [str(obj.pk) for obj in objects],  # type: ignore[attr-defined]
        },
        follow=True,
    )


def assert_cannot_delete(client: Client, model: str, obj: object) -> None:
    url = reverse(f"admin:households_{model}_delete", args=[obj.pk])  # type: ignore[attr-defined]
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("state", ["recognised", "returned", "posted", "submitted"])
def test_nobody_deletes_an_assessment_that_went_to_review_nor_its_steps(
    staff: Client, admin_user: User, state: str
) -> None:
    household = make_household()
    make_member(household)
    assessment = make_assessment_in_state(household, state, officer=admin_user, reviewer=admin_user)
    events = list(assessment.events.values_list("pk", flat=True))
    assert len(events) >= 2  # created, submitted, …

    assert_cannot_delete(staff, "assessment", assessment)
    response = delete_selected(staff, "assessment", [assessment])

    assert "Không thể xóa" in response.content.decode()  # type: ignore[attr-defined]
    assert Assessment.objects.filter(pk=assessment.pk, state=state).exists()
    assert list(ReviewEvent.objects.filter(pk__in=events).values_list("pk", flat=True)) == events


def test_a_draft_withdrawn_from_review_keeps_its_record(staff: Client, admin_user: User) -> None:
    household = make_household()
    make_member(household)
    assessment = assessment_submit(assessment=make_assessment(household), by=admin_user)
    assessment = assessment_withdraw(assessment=assessment, by=admin_user)
    assert assessment.state == "draft"

    assert_cannot_delete(staff, "assessment", assessment)
    delete_selected(staff, "assessment", [assessment])

    assert assessment.events.count() == 3


def test_a_draft_never_submitted_can_be_deleted_but_not_with_a_recognised_one(
    staff: Client, admin_user: User
) -> None:
    draft = make_assessment(make_member(make_household(code="DT-0001")).household)
    other = make_household(code="DT-0002")
    make_member(other)
    recognised = make_assessment_in_state(
        other, "recognised", officer=admin_user, reviewer=admin_user
    )
    # Together: Django refuses the whole batch and names the recognised one.
    response = delete_selected(staff, "assessment", [draft, recognised])
    assert str(recognised) in response.content.decode()  # type: ignore[attr-defined]
    assert Assessment.objects.count() == 2
    # Alone, the draft entered by mistake goes, through the service (audit trail kept).
    url = reverse("admin:households_assessment_delete", args=[draft.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert list(Assessment.objects.all()) == [recognised]
    assert Assessment.history.filter(id=draft.pk, history_type="-").get().history_user == (
        admin_user
    )


def test_review_steps_are_shown_read_only_on_the_assessment(
    staff: Client, admin_user: User
) -> None:
    assessment = recognised_assessment(admin_user)
    response = staff.get(reverse("admin:households_assessment_change", args=[assessment.pk]))
    content = response.content.decode()
    assert "Công nhận theo quyết định" in content  # the recognising step, with its author
    assert "review_steps" in response.context["adminform"].readonly_fields
    assert not response.context["inline_admin_formsets"]  # nothing to post, nothing to delete


@pytest.mark.parametrize("with_results", [False, True])
def test_no_household_is_deleted_single_or_in_bulk(
    staff: Client, admin_user: User, with_results: bool
) -> None:
    household = make_household()
    make_member(household)
    if with_results:
        make_recognised(household, 700_000, year=2016)

    assert_cannot_delete(staff, "household", household)
    changelist = staff.get(reverse("admin:households_household_changelist"))
    choices = dict(changelist.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in choices
    assert "archive" in choices
    delete_selected(staff, "household", [household])

    assert Household.objects.filter(pk=household.pk, archived_at=None).exists()
    assert household.members.count() == 1
    assert household.assessments.count() == int(with_results)


def archive_action(client: Client, household: Household, **data: str) -> object:
    return client.post(
        reverse("admin:households_household_changelist"),
        {"action": "archive", "_selected_action": [str(household.pk)], **data},
        follow=True,
    )


def test_archiving_asks_a_reason_and_keeps_the_history(staff: Client, admin_user: User) -> None:
    household = make_household()
    make_member(household)
    recognised = make_recognised(household, 700_000, year=2016)
    versions = household.history.count()

    page = archive_action(staff, household)
    assert "Lý do lưu trữ" in page.content.decode()  # type: ignore[attr-defined]
    assert "HH-0001" in page.content.decode()  # type: ignore[attr-defined]
    archive_action(staff, household, apply="1", reason="   ")
    household.refresh_from_db()
    assert household.archived_at is None

    done = archive_action(staff, household, apply="1", reason="Cả hộ chuyển vào TP. Hồ Chí Minh")

    assert "Đã lưu trữ 1 hộ" in done.content.decode()  # type: ignore[attr-defined]
    household.refresh_from_db()
    assert household.archived_at is not None
    assert (household.archived_by, household.archive_reason) == (
        admin_user,
        "Cả hộ chuyển vào TP. Hồ Chí Minh",
    )
    assert household.history.count() == versions + 1
    assert household.history.latest().history_user == admin_user
    recognised.refresh_from_db()
    assert (recognised.state, recognised.events.count()) == ("recognised", 5)
    assert household.members.count() == 1


def test_an_archived_household_is_read_only_until_restored(staff: Client, admin_user: User) -> None:
    household = make_household()
    make_member(household)
    archive_action(staff, household, apply="1", reason="Nhập trùng với hộ HH-0002")
    url = reverse("admin:households_household_change", args=[household.pk])

    page = staff.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "Nhập trùng với hộ HH-0002" in page.content.decode()
    assert staff.post(url, {"head_name": "Đổi tên"}).status_code == 403

    response = staff.post(
        reverse("admin:households_household_changelist"),
        {"action": "unarchive", "_selected_action": [str(household.pk)]},
        follow=True,
    )
    assert "Đã khôi phục 1 hộ" in response.content.decode()
    household.refresh_from_db()
    assert (household.archived_at, household.archive_reason) == (None, "")
    assert staff.get(url).context["has_change_permission"] is True


@pytest.fixture
def member_with_benefit(admin_user: User) -> Member:
    household = make_household()
    make_member(household)
    make_recognised(household, 700_000, year=2016)  # poor on the list in force in 2017
    member = make_member(
        household, full_name="Lê Thị Hoa", birth_year=1975, sex="female", relation="spouse"
    )
    program_services.benefit_record(
        programme=Programme.objects.get(code="bhyt-ngheo"),
        household=household,
        member=member,
        date=datetime.date(2017, 10, 15),
        quantity=1,
        card_number="HN4600000000002",
        card_valid_until=datetime.date(2017, 12, 31),
        by=admin_user,
    )
    return member


def test_a_member_who_received_benefits_is_not_deleted(
    staff: Client, member_with_benefit: Member
) -> None:
    assert_cannot_delete(staff, "member", member_with_benefit)
    response = delete_selected(staff, "member", [member_with_benefit])
    assert "Không thể xóa" in response.content.decode()  # type: ignore[attr-defined]
    assert Member.objects.filter(pk=member_with_benefit.pk).exists()
    assert Benefit.objects.filter(member=member_with_benefit).count() == 1


def test_the_household_page_does_not_remove_a_member_who_received_benefits(
    staff: Client, member_with_benefit: Member
) -> None:
    household = member_with_benefit.household
    url = reverse("admin:households_household_change", args=[household.pk])
    data = page_data(staff.get(url))
    index = next(
        i
        for i in range(int(data["members-TOTAL_FORMS"]))
        if data[f"members-{i}-id"] == str(member_with_benefit.pk)
    )
    data[f"members-{index}-DELETE"] = "on"

    response = staff.post(url, data)

    assert response.status_code == 200
    assert "Lê Thị Hoa" in response.content.decode()
    assert "không thể xoá" in response.content.decode().lower()
    assert household.members.count() == 2


def test_a_member_without_benefits_can_still_be_removed(staff: Client) -> None:
    household = make_household()
    make_member(household)
    mistake = make_member(household, full_name="Nhập Nhầm", birth_year=2000, relation="other")
    url = reverse("admin:households_member_delete", args=[mistake.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert household.members.count() == 1


def page_data(response: object) -> dict[str, str]:
    """The POST data of an admin change page as a browser would send it unchanged."""
    data: dict[str, str] = {}

    def add(form: object, prefix: str = "") -> None:
        for name, field in form.fields.items():  # type: ignore[attr-defined]
            value = field.prepare_value(form[name].value())  # type: ignore[index]
            if isinstance(field, BooleanField):
                if value:
                    data[f"{prefix}{name}"] = "on"
            elif value is not None:
                data[f"{prefix}{name}"] = str(value)

    context = response.context  # type: ignore[attr-defined]
    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for form in formset.forms:
            add(form, f"{form.prefix}-")
    return data


def test_an_ad_hoc_round_out_of_its_year_is_refused_in_the_admin(staff: Client) -> None:
    # Issue 13: the round's dates lie within its year; nothing is saved.
    from households.models import ReviewRound

    response = staff.post(
        reverse("admin:households_reviewround_add"),
        {
            "year": "2017",
            "kind": "ad_hoc",
            "name": "Rà soát thường xuyên 2017",
            "standard": "2016-2020",
            "reference_date": "01/01/2017",
            "starts_on": "01/01/2017",
            "ends_on": "31/03/2018",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "ends_on": [
            "Kỳ rà soát thường xuyên năm 2017 phải nằm trong năm 2017: ngày 31/03/2018 thì không."
        ]
    }
    assert not ReviewRound.objects.exists()
