"""Creating and editing a household with its members on one page (issue 3 §5, §7)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import Household, Member, User, Ward
from households.services.registry import HouseholdRegisterError, household_register
from programs.models import Benefit, Programme
from tests.factories import (
    make_assessment,
    make_household,
    make_member,
    member_row,
    workspace_household_form,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("households:create")


def edit_url(household: Household) -> str:
    return reverse("households:edit", args=[household.pk])


def four_members() -> list[dict[str, str]]:
    return [
        {
            "full_name": "Võ Văn Mười",
            "relation": "head",
            "date_of_birth": "12/03/1970",
            "national_id": "060070001234",
            "health_insurance_number": "HN4600000000001",
            "health_insurance_expiry": "31/12/2017",
            "occupation": "Ngư dân",
        },
        {
            "full_name": "Lê Thị Hai",
            "sex": "female",
            "relation": "spouse",
            "birth_year": "1972",
            "national_id": "060172005678",
            "occupation": "Buôn bán nhỏ",
        },
        {
            "full_name": "Võ Thị Ba",
            "sex": "female",
            "relation": "child",
            "birth_year": "2005",
            "education_level": "primary",
            "attends_school": "on",
        },
        {
            "full_name": "Võ Văn Tư",
            "relation": "parent",
            "birth_year": "1940",
            "education_level": "none",
            "disability": "mild",
            "work_ability": "unable",
        },
    ]


def household_with_members(code: str = "DT-0012", count: int = 2, **extra: Any) -> Household:
    household = make_household(code=code, head_name="Nguyễn Văn A", **extra)
    make_member(household, full_name="Nguyễn Văn A", birth_year=1965)
    for number in range(1, count):
        make_member(
            household,
            full_name=f"Nguyễn Thị Con {number}",
            birth_year=1990 + number,
            sex=Member.Sex.FEMALE,
            relation=Member.Relation.CHILD,
        )
    return household


def fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


def counts() -> tuple[int, int]:
    return Household.objects.count(), Member.objects.count()


# --- Creating ------------------------------------------------------------------------------


def test_officer_creates_a_household_with_four_members(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        ward=duc_thang, members=four_members(), phone="0912345678", is_female_headed=""
    )
    response = client.post(CREATE, data)
    household = Household.objects.get(code="DT-0100")
    assert response.status_code == 302
    assert response["Location"] == reverse("households:detail", args=[household.pk])
    assert household.ward == duc_thang
    assert household.phone == "0912345678"
    members = {m.full_name: m for m in household.members.all()}
    assert sorted(members) == ["Lê Thị Hai", "Võ Thị Ba", "Võ Văn Mười", "Võ Văn Tư"]
    head = members["Võ Văn Mười"]
    assert head.relation == Member.Relation.HEAD
    assert head.date_of_birth == datetime.date(1970, 3, 12)
    assert head.birth_year == 1970  # filled from the date of birth
    assert head.health_insurance_expiry == datetime.date(2017, 12, 31)
    assert members["Võ Thị Ba"].attends_school is True
    assert members["Võ Văn Tư"].work_ability == Member.WorkAbility.UNABLE
    # The audit trail records who entered it (the history middleware).
    assert household.history.get().history_user == ducthang_officer
    member_history = Member.history.filter(household_id=household.pk)
    assert {record.history_user for record in member_history} == {ducthang_officer}
    assert member_history.count() == 4
    assert household.version == 1


def test_after_creating_the_officer_is_offered_the_survey(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(CREATE, workspace_household_form(ward=duc_thang), follow=True)
    household = Household.objects.get(code="DT-0100")
    content = response.content.decode()
    assert "Đã thêm hộ DT-0100 – Võ Văn Mười." in content
    survey = reverse("households:assessment_create", args=[household.pk])
    assert f'href="{survey}">Nhập phiếu khảo sát</a>' in content


def test_the_create_page_offers_only_the_quarters_of_the_officers_ward(
    client: Client, ducthang_officer: User, duc_thang: Ward, tien_loi: Ward
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert "ward" not in form.fields
    assert set(form.fields["quarter"].queryset) == set(duc_thang.quarters.all())
    content = response.content.decode()
    assert "Phường Đức Thắng" in content
    assert "Thêm thành viên" in content
    assert 'src="/static/js/formset.js"' in content
    # The first row is the head's; the template the button copies is there too.
    assert response.context["formset"].forms[0].initial == {"relation": "head"}
    assert "members-__prefix__-full_name" in content


def test_a_new_row_left_blank_is_ignored(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    # What the browser posts for a row added and left untouched: the fields' defaults.
    untouched = {"sex": "", "relation": "", "education_level": "none"}
    members = [{"full_name": "Võ Văn Mười", "relation": "head", "birth_year": "1970"}, untouched]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=members))
    assert response.status_code == 302
    assert Household.objects.get().members.count() == 1


def test_an_administrator_chooses_the_ward(
    client: Client, administrator: User, tien_loi: Ward
) -> None:
    client.force_login(administrator)
    response = client.get(CREATE)
    assert "ward" in response.context["form"].fields
    data = workspace_household_form(ward=tien_loi)
    data["ward"] = str(tien_loi.pk)
    response = client.post(CREATE, data)
    assert response.status_code == 302
    assert Household.objects.get(code="DT-0100").ward == tien_loi


def test_an_administrator_cannot_file_a_quarter_under_another_ward(
    client: Client, administrator: User, duc_thang: Ward, tien_loi: Ward
) -> None:
    client.force_login(administrator)
    data = workspace_household_form(ward=tien_loi)
    data["ward"] = str(duc_thang.pk)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"] == [
        "Khu phố/thôn này không thuộc phường/xã đã chọn."
    ]
    assert counts() == (0, 0)


# --- Editing -------------------------------------------------------------------------------


def test_officer_edits_a_household_changes_deletes_and_adds_members(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members(count=3)
    head, first_child, second_child = household.members.order_by("id")
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        household,
        address="20 Nguyễn Tất Thành",
        is_social_protection="on",
        members=[
            member_row(head, occupation="Thợ hồ"),
            member_row(first_child),
            member_row(second_child, DELETE="on"),
            {"full_name": "Nguyễn Văn Cháu", "relation": "grandchild", "birth_year": "2015"},
        ],
    )
    response = client.post(edit_url(household), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.address == "20 Nguyễn Tất Thành"
    assert household.is_social_protection is True
    assert household.version == 2
    names = sorted(household.members.values_list("full_name", flat=True))
    assert names == ["Nguyễn Thị Con 1", "Nguyễn Văn A", "Nguyễn Văn Cháu"]
    head.refresh_from_db()
    assert head.occupation == "Thợ hồ"
    # The delete went through member_delete and is in the audit trail with its author.
    deleted = Member.history.get(id=second_child.pk, history_type="-")
    assert deleted.history_user == ducthang_officer
    # An unchanged member gets no empty entry in the audit trail.
    assert Member.history.filter(id=first_child.pk).count() == 1


def test_the_edit_page_shows_the_saved_values_and_the_version(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members()
    client.force_login(ducthang_officer)
    response = client.get(edit_url(household))
    content = response.content.decode()
    assert response.status_code == 200
    assert f'name="version" value="{household.version}"' in content
    assert 'value="Nguyễn Thị Con 1"' in content
    assert 'name="members-0-DELETE"' in content
    assert "Xoá thành viên này" in content


def test_edit_page_query_count_does_not_grow_with_members(
    client: Client, ducthang_officer: User, django_assert_num_queries: Any
) -> None:
    household = household_with_members(count=9)
    client.force_login(ducthang_officer)
    # The request's savepoint (2), session, user, household with its ward and quarter, the
    # user's ward (menu), the members, the quarters offered.
    with django_assert_num_queries(8):
        response = client.get(edit_url(household))
    assert len(response.context["formset"].forms) == 9


def test_a_roster_change_reclassifies_the_draft_survey(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members(count=1)
    assessment = make_assessment(household, deprivations={"sanitation", "telecom"})
    assert assessment.status == "near_poor"
    client.force_login(ducthang_officer)
    # A child of 10 out of school: the household becomes deprived in child schooling.
    child = {"full_name": "Nguyễn Văn Bé", "relation": "child", "birth_year": "2007"}
    members = [member_row(household.members.get()), child]
    response = client.post(
        edit_url(household), workspace_household_form(household, members=members)
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.child_school_attendance is True
    assert (assessment.status, assessment.poor_group) == ("poor", "N2")


# --- Bad input: a Vietnamese message on the field, nothing saved ---------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"national_id": "12345"},
            "national_id",
            "Số định danh có 9 chữ số (CMND) hoặc 12 chữ số (CCCD).",
        ),
        (
            {"date_of_birth": "01/01/2999", "birth_year": ""},
            "date_of_birth",
            "Ngày sinh không được ở tương lai.",
        ),
        ({"date_of_birth": "31/02/1980"}, "date_of_birth", "Nhập một ngày hợp lệ."),
        ({"full_name": ""}, "full_name", "Trường này là bắt buộc."),
        ({"birth_year": ""}, "birth_year", "Nhập năm sinh hoặc ngày sinh."),
        ({"birth_year": "năm 70"}, "birth_year", "Nhập năm sinh gồm bốn chữ số, ví dụ 1975."),
        (
            {"health_insurance_expiry": "31/12/2017"},
            "health_insurance_number",
            "Nhập số thẻ cho ngày hết hạn này.",
        ),
    ],
)
def test_bad_member_input_is_shown_on_its_field_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    duc_thang: Ward,
    row: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)
    head = {"full_name": "Võ Văn Mười", "relation": "head", "birth_year": "1970", **row}
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=[head]))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    assert "Chưa lưu gì: vui lòng sửa các mục được đánh dấu bên dưới." in response.content.decode()
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "Nhập số điện thoại Việt Nam, ví dụ 0912345678."),
        ({"code": "DT 01"}, "code", "Chỉ dùng chữ, số và các ký tự . _ / -, ví dụ DT-0001."),
        ({"head_name": ""}, "head_name", "Trường này là bắt buộc."),
        ({"quarter": ""}, "quarter", "Trường này là bắt buộc."),
    ],
)
def test_bad_household_input_is_shown_on_its_field_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    duc_thang: Ward,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert counts() == (0, 0)


def test_a_quarter_of_another_ward_is_refused(
    client: Client, ducthang_officer: User, duc_thang: Ward, tien_loi: Ward
) -> None:
    client.force_login(ducthang_officer)
    data = workspace_household_form(ward=duc_thang, quarter=str(tien_loi.quarters.first().pk))  # type: ignore[union-attr]
    response = client.post(CREATE, data)
    assert response.context["form"].errors["quarter"] == [
        "Chọn một khu phố/thôn của phường/xã này."
    ]
    assert counts() == (0, 0)


def test_a_household_code_used_in_the_ward_is_refused_on_its_field(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    household_with_members(code="DT-0100")
    client.force_login(ducthang_officer)
    response = client.post(CREATE, workspace_household_form(ward=duc_thang))
    assert response.context["form"].errors["code"] == [
        "Mã hộ này đã được dùng trong phường/xã này.",
        "Mã tiếp theo còn trống của Phường Đức Thắng là DT-0101.",
    ]
    assert counts() == (1, 2)


def test_bad_input_on_an_edit_leaves_the_household_and_its_members_unchanged(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members()
    head, child = household.members.order_by("id")
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        household,
        address="Địa chỉ mới",
        members=[
            member_row(head, DELETE="on"),
            member_row(child, relation="head", full_name="Nguyễn Văn A", national_id="12"),
        ],
    )
    response = client.post(edit_url(household), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["national_id"] == [
        "Số định danh có 9 chữ số (CMND) hoặc 12 chữ số (CCCD)."
    ]
    household.refresh_from_db()
    assert household.address == "12 Trần Hưng Đạo"
    assert household.version == 1
    assert sorted(household.members.values_list("full_name", flat=True)) == [
        "Nguyễn Thị Con 1",
        "Nguyễn Văn A",
    ]


def test_the_roster_needs_one_head_named_as_the_household_head(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    no_head = [{"full_name": "Võ Văn Mười", "relation": "spouse", "birth_year": "1970"}]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=no_head))
    assert "Hãy đánh dấu một thành viên là chủ hộ." in response.content.decode()
    other_name = [{"full_name": "Võ Văn Một", "relation": "head", "birth_year": "1970"}]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=other_name))
    assert response.context["formset"].forms[0].errors["full_name"] == [
        "Chủ hộ ở trên là “Võ Văn Mười”: hãy nhập cùng họ tên ở dòng này."
    ]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=[]))
    assert "Hãy nhập ít nhất một thành viên: chủ hộ." in response.content.decode()
    assert counts() == (0, 0)


def test_two_rows_for_one_person_or_one_id_are_refused(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    members = [
        {
            "full_name": "Võ Văn Mười",
            "relation": "head",
            "birth_year": "1970",
            "national_id": "060070001234",
        },
        {"full_name": "vo van muoi", "birth_year": "1970"},
        {"full_name": "Võ Thị Hai", "birth_year": "1999", "national_id": "060070001234"},
    ]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=members))
    forms = response.context["formset"].forms
    assert forms[1].errors["full_name"] == ["Người này đã có ở dòng 1."]
    assert forms[2].errors["national_id"] == ["Số CMND/CCCD này đã nhập ở dòng 1."]
    assert counts() == (0, 0)


# --- Duplicate checks (§7) -----------------------------------------------------------------


def test_a_national_id_of_another_household_in_view_names_that_household(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    other = household_with_members(code="DT-0012")
    make_member(
        other,
        full_name="Nguyễn Văn Út",
        birth_year=2000,
        relation="child",
        national_id="060200001111",
    )
    client.force_login(ducthang_officer)
    members = [
        {
            "full_name": "Võ Văn Mười",
            "relation": "head",
            "birth_year": "1970",
            "national_id": "060200001111",
        }
    ]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=members))
    assert response.context["formset"].forms[0].errors["national_id"] == [
        "Số CMND/CCCD này đã có trong hộ DT-0012 – Nguyễn Văn A, phường Đức Thắng."
    ]
    assert counts() == (1, 3)


def test_a_national_id_of_another_ward_does_not_name_the_household(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    other = make_household("tien-loi", code="TL-0007", head_name="Trần Văn Bí Mật")
    make_member(other, full_name="Trần Văn Bí Mật", national_id="060200001111")
    client.force_login(ducthang_officer)
    members = [
        {
            "full_name": "Võ Văn Mười",
            "relation": "head",
            "birth_year": "1970",
            "national_id": "060200001111",
        }
    ]
    response = client.post(CREATE, workspace_household_form(ward=duc_thang, members=members))
    errors = response.context["formset"].forms[0].errors["national_id"]
    assert errors == ["Số CMND/CCCD này đã có trong một hộ ở phường/xã khác."]
    content = response.content.decode()
    assert "TL-0007" not in content
    assert "Bí Mật" not in content
    assert counts() == (1, 1)


def test_same_head_and_birth_year_in_the_ward_warns_until_confirmed(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    existing = household_with_members(code="DT-0012")  # head Nguyễn Văn A, 1965
    client.force_login(ducthang_officer)
    members = [{"full_name": "Nguyen Van A", "relation": "head", "birth_year": "1965"}]
    data = workspace_household_form(ward=duc_thang, head_name="Nguyen Van A", members=members)
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    content = response.content.decode()
    assert reverse("households:detail", args=[existing.pk]) in content
    assert "Tôi đã kiểm tra, đây không phải hộ trùng" in content
    assert response.context["form"].errors["not_duplicate"] == [
        "Hãy đánh dấu ô này sau khi đã kiểm tra các hộ ở trên."
    ]
    assert counts() == (1, 2)

    data["not_duplicate"] = "on"
    response = client.post(CREATE, data)
    assert response.status_code == 302
    assert counts() == (2, 3)


def test_same_head_in_another_ward_or_another_year_is_no_duplicate(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    household_with_members(code="DT-0012")  # Đức Thắng, Nguyễn Văn A, 1965
    other = make_household("tien-loi", code="TL-0001", head_name="Võ Văn Mười")
    make_member(other, full_name="Võ Văn Mười", birth_year=1970)
    client.force_login(ducthang_officer)
    response = client.post(CREATE, workspace_household_form(ward=duc_thang))  # Võ Văn Mười 1970
    assert response.status_code == 302
    members = [{"full_name": "Nguyễn Văn A", "relation": "head", "birth_year": "1966"}]
    data = workspace_household_form(
        ward=duc_thang, code="DT-0101", head_name="Nguyễn Văn A", members=members
    )
    assert client.post(CREATE, data).status_code == 302


def test_an_edit_that_keeps_the_head_is_not_asked_to_confirm_again(
    client: Client, ducthang_officer: User
) -> None:
    household_with_members(code="DT-0012")
    twin = household_with_members(code="DT-0013")  # confirmed as another family before
    client.force_login(ducthang_officer)
    response = client.post(edit_url(twin), workspace_household_form(twin, address="Kiệt 3"))
    assert response.status_code == 302


# --- Permissions ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client: Client) -> None:
    household = household_with_members()
    for url in (CREATE, edit_url(household)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_checks_ownership(client: Client, tienloi_officer: User) -> None:
    household = household_with_members()
    client.force_login(tienloi_officer)
    assert client.get(edit_url(household)).status_code == 404
    response = client.post(edit_url(household), workspace_household_form(household, address="X"))
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.address == "12 Trần Hưng Đạo"


def test_the_city_reviewer_reads_but_cannot_create_or_edit(
    client: Client, city_reviewer: User, duc_thang: Ward
) -> None:
    household = household_with_members()
    client.force_login(city_reviewer)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, workspace_household_form(ward=duc_thang)).status_code == 403
    assert client.get(edit_url(household)).status_code == 403
    response = client.post(edit_url(household), workspace_household_form(household, address="X"))
    assert response.status_code == 403
    assert counts() == (1, 2)


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_users_without_a_ward_see_no_household_and_create_none(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    household = household_with_members()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(edit_url(household)).status_code == 404
    assert client.get(CREATE).status_code == 403


def test_an_inactive_officer_is_sent_to_log_in(client: Client, ducthang_officer: User) -> None:
    ducthang_officer.is_active = False
    ducthang_officer.save()
    client.force_login(ducthang_officer)
    assert client.get(CREATE).status_code == 302


def test_only_get_and_post_are_allowed(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    assert client.delete(CREATE).status_code == 405


def test_updated_at_moves_when_only_members_change(client: Client, ducthang_officer: User) -> None:
    household = household_with_members(count=1)
    before = household.updated_at
    client.force_login(ducthang_officer)
    members = [member_row(household.members.get(), occupation="Thợ may")]
    client.post(edit_url(household), workspace_household_form(household, members=members))
    household.refresh_from_db()
    assert household.updated_at > before
    assert household.updated_at <= timezone.now()


def test_the_spouse_becomes_head_of_household(client: Client, ducthang_officer: User) -> None:
    household = make_household(code="DT-0012", head_name="Nguyễn Văn A")
    head = make_member(household, full_name="Nguyễn Văn A", birth_year=1950)
    spouse = make_member(
        household,
        full_name="Lê Thị Bé",
        birth_year=1955,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
    )
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        household,
        head_name="Lê Thị Bé",
        is_female_headed="on",
        members=[member_row(head, relation="spouse"), member_row(spouse, relation="head")],
    )
    response = client.post(edit_url(household), data)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.head_name == "Lê Thị Bé"
    assert household.members.get(relation=Member.Relation.HEAD) == spouse
    # The edit page lists the head first.
    response = client.get(edit_url(household))
    assert response.context["formset"].forms[0].instance == spouse


def test_two_members_swapping_id_numbers_is_refused_on_the_row_and_nothing_saved(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members()
    head, child = household.members.order_by("id")
    services.member_update(member=head, national_id="060065000001")
    services.member_update(member=child, national_id="060091000002")
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        fresh(household),
        members=[
            member_row(Member.objects.get(pk=head.pk), national_id="060091000002"),
            member_row(Member.objects.get(pk=child.pk), national_id="060065000001"),
        ],
    )
    response = client.post(edit_url(household), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["national_id"] == [
        "Số CMND/CCCD này đã được dùng cho một thành viên khác."
    ]
    assert Member.objects.get(pk=head.pk).national_id == "060065000001"
    assert fresh(household).version == household.version


# --- The service, as an import will call it ------------------------------------------------


def test_household_register_records_who_saved_outside_a_request(
    ducthang_officer: User, duc_thang: Ward
) -> None:
    household = Household(
        ward=duc_thang,
        quarter=duc_thang.quarters.first(),
        code="DT-0200",
        head_name="Phan Văn Nhập",
        address="Khu phố 2",
    )
    head = Member(full_name="Phan Văn Nhập", sex="male", relation="head", birth_year=1960)
    household_register(household=household, members=[head], by=ducthang_officer)
    assert household.history.get().history_user == ducthang_officer
    assert Member.history.get(id=head.pk).history_user == ducthang_officer


def test_household_register_refuses_an_officer_of_another_ward(
    tienloi_officer: User, duc_thang: Ward
) -> None:
    household = Household(
        ward=duc_thang,
        quarter=duc_thang.quarters.first(),
        code="DT-0200",
        head_name="Phan Văn Nhập",
        address="Khu phố 2",
    )
    head = Member(full_name="Phan Văn Nhập", sex="male", relation="head", birth_year=1960)
    with pytest.raises(PermissionDenied):
        household_register(household=household, members=[head], by=tienloi_officer)
    assert counts() == (0, 0)


def test_household_register_reports_every_problem_for_an_import(duc_thang: Ward) -> None:
    household = Household(ward=duc_thang, quarter=duc_thang.quarters.first(), code="DT 1")
    row = Member(full_name="", sex="male", relation="head", birth_year=1960)
    with pytest.raises(HouseholdRegisterError) as exc:
        household_register(household=household, members=[row])
    assert exc.value.household_errors["code"] == [
        "Chỉ dùng chữ, số và các ký tự . _ / -, ví dụ DT-0001."
    ]
    assert exc.value.member_errors[0]["full_name"] == ["Trường này không được để trắng."]
    assert "Thành viên 1: Trường này không được để trắng." in exc.value.messages
    assert counts() == (0, 0)


def test_removing_a_member_with_benefits_is_refused_on_their_row(
    client: Client, ducthang_officer: User
) -> None:
    household = household_with_members(count=3)
    head, first_child, second_child = household.members.order_by("id")
    Benefit.objects.create(
        programme=Programme.objects.get(code="bhyt-ngheo"),
        household=household,
        ward_id=household.ward_id,
        member=second_child,
        date=datetime.date(2017, 3, 1),
        quantity=1,
    )
    client.force_login(ducthang_officer)
    data = workspace_household_form(
        household,
        address="20 Nguyễn Tất Thành",
        members=[member_row(head), member_row(first_child), member_row(second_child, DELETE="on")],
    )

    response = client.post(edit_url(household), data)

    assert response.status_code == 200
    formset = response.context["formset"]
    row = next(f for f in formset.forms if f.instance.pk == second_child.pk)
    assert row.non_field_errors() == [
        "Không thể xoá Nguyễn Thị Con 2: các cơ quan, đơn vị đã ghi nhận hỗ trợ cho thành viên "
        "này (Thẻ bảo hiểm y tế cho người thuộc hộ nghèo 01/03/2017). Bỏ chọn “Xoá thành viên "
        "này”; nếu người này đã rời khỏi hộ, hãy liên hệ quản trị viên."
    ]
    assert "Thẻ bảo hiểm y tế cho người thuộc hộ nghèo 01/03/2017" in response.content.decode()
    assert household.members.count() == 3
    assert fresh(household).address == household.address
    assert fresh(household).version == household.version


def test_a_form_claiming_thousands_of_members_is_refused_without_building_them(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    # Issue 10: members-TOTAL_FORMS=40000 made the server build 40,000 forms (94 s, 20 MB).
    client.force_login(ducthang_officer)
    data = workspace_household_form(ward=duc_thang, members=four_members())
    data["members-TOTAL_FORMS"] = "40000"

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert "Một hộ có nhiều nhất 40 thành viên." in response.content.decode()
    assert len(response.context["formset"].forms) <= 40
    assert not Household.objects.filter(code="DT-0100").exists()
