"""Two officers at once (issue 3 §9): the second save is refused and nothing is lost."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from households.models import Household, Member, User
from households.services import StaleEditError
from households.services.registry import household_register
from tests.factories import (
    make_household,
    make_member,
    make_user,
    member_row,
    workspace_household_form,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(ducthang_officer: User) -> User:
    """A second officer of Đức Thắng, editing the same households as alice."""
    return make_user(
        "anna",
        role=User.Role.WARD_OFFICER,
        ward=ducthang_officer.ward,
        last_name="Trần Thị",
        first_name="Anna",
    )


@pytest.fixture
def household() -> Household:
    household = make_household(code="DT-0012", head_name="Nguyễn Văn A")
    make_member(household, full_name="Nguyễn Văn A", birth_year=1965)
    make_member(
        household,
        full_name="Lê Thị Bé",
        birth_year=1968,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.SPOUSE,
    )
    return household


def edit_url(household: Household) -> str:
    return reverse("households:edit", args=[household.pk])


def fresh(household: Household) -> Household:
    return Household.objects.get(pk=household.pk)


# --- The service ---------------------------------------------------------------------------


def register(household: Household, *, by: User, version: int, **changes: object) -> Household:
    for name, value in changes.items():
        setattr(household, name, value)
    return household_register(
        household=household,
        members=list(household.members.order_by("id")),
        expected_version=version,
        by=by,
    )


def test_the_first_save_wins_and_the_second_is_refused(
    household: Household, ducthang_officer: User, colleague: User
) -> None:
    opened = household.version
    register(fresh(household), by=colleague, version=opened, address="Kiệt 5 Lê Lợi")
    with pytest.raises(StaleEditError) as exc:
        register(fresh(household), by=ducthang_officer, version=opened, phone="0912345678")
    assert exc.value.messages[0].startswith("Trần Thị Anna đã lưu hộ này lúc ")
    saved = fresh(household)
    assert (saved.address, saved.phone) == ("Kiệt 5 Lê Lợi", "")
    assert saved.version == opened + 1


def test_a_change_to_members_alone_bumps_the_household_version(
    household: Household, ducthang_officer: User, colleague: User
) -> None:
    opened = household.version
    spouse = household.members.get(relation=Member.Relation.SPOUSE)
    spouse.occupation = "Bán cá"
    household_register(
        household=fresh(household),
        members=[household.members.get(relation=Member.Relation.HEAD), spouse],
        expected_version=opened,
        by=colleague,
    )
    assert fresh(household).version == opened + 1
    # No empty entry for the household in the audit trail: only the member changed.
    assert fresh(household).history.count() == 1
    with pytest.raises(StaleEditError) as exc:
        register(fresh(household), by=ducthang_officer, version=opened, address="Kiệt 9")
    # The message names who changed the member, not who last changed the household row.
    assert exc.value.messages[0].startswith("Trần Thị Anna đã lưu hộ này lúc ")


def test_a_save_that_changes_nothing_keeps_the_version(
    household: Household, ducthang_officer: User
) -> None:
    opened = household.version
    saved = register(fresh(household), by=ducthang_officer, version=opened)
    assert saved.version == opened
    assert fresh(household).version == opened
    assert fresh(household).history.count() == 1


def test_imports_without_a_version_still_make_open_forms_stale(
    household: Household, ducthang_officer: User
) -> None:
    opened = household.version
    imported = fresh(household)
    imported.address = "Nhập từ Excel"
    household_register(household=imported, members=list(household.members.all()))
    with pytest.raises(StaleEditError):
        register(fresh(household), by=ducthang_officer, version=opened, address="Kiệt 9")


def test_a_stale_save_that_is_also_invalid_reports_the_stale_edit_first(
    household: Household, ducthang_officer: User, colleague: User
) -> None:
    opened = household.version
    register(fresh(household), by=colleague, version=opened, address="Kiệt 5")
    with pytest.raises(ValidationError) as exc:
        register(fresh(household), by=ducthang_officer, version=opened, phone="12")
    assert isinstance(exc.value, StaleEditError)


# --- The page ------------------------------------------------------------------------------


def test_two_officers_edit_at_once_and_the_second_loses_nothing(
    client: Client, household: Household, ducthang_officer: User, colleague: User
) -> None:
    opened = household.version
    head, spouse = household.members.order_by("id")
    # Both open the form at the same version.
    first = workspace_household_form(
        household,
        address="Kiệt 5 Lê Lợi",
        members=[member_row(head), member_row(spouse, occupation="Bán cá")],
    )
    second = workspace_household_form(
        household,
        address="Số 77 Trần Phú",
        phone="0987654321",
        members=[member_row(head, occupation="Thợ hồ"), member_row(spouse, occupation="Nội trợ")],
    )
    client.force_login(colleague)
    assert client.post(edit_url(household), first).status_code == 302

    client.force_login(ducthang_officer)
    response = client.post(edit_url(household), second)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Trần Thị Anna đã lưu hộ này lúc " in content
    assert "Thay đổi của bạn chưa được lưu" in content
    # The database holds the first save.
    saved = fresh(household)
    assert (saved.address, saved.phone, saved.version) == ("Kiệt 5 Lê Lợi", "", opened + 1)
    assert Member.objects.get(pk=spouse.pk).occupation == "Bán cá"
    assert Member.objects.get(pk=head.pk).occupation == ""
    # The page shows what the second officer typed …
    assert 'value="Số 77 Trần Phú"' in content
    assert 'value="0987654321"' in content
    assert 'value="Thợ hồ"' in content
    assert 'value="Nội trợ"' in content
    # … the latest saved values where they differ …
    latest = response.context["latest"]
    assert ("Địa chỉ", "Kiệt 5 Lê Lợi") in latest.household
    assert latest.members == [
        ("Nguyễn Văn A", [("Nghề nghiệp", "—")]),
        ("Lê Thị Bé", [("Nghề nghiệp", "Bán cá")]),
    ]
    assert "Dữ liệu mới nhất" in content
    # … and the version the officer has now seen, so a deliberate second save goes through.
    assert f'name="version" value="{opened + 1}"' in content

    second["version"] = str(opened + 1)
    assert client.post(edit_url(household), second).status_code == 302
    saved = fresh(household)
    assert (saved.address, saved.phone, saved.version) == (
        "Số 77 Trần Phú",
        "0987654321",
        opened + 2,
    )
    assert Member.objects.get(pk=spouse.pk).occupation == "Nội trợ"


def test_the_latest_data_lists_members_added_and_removed_meanwhile(
    client: Client, household: Household, ducthang_officer: User, colleague: User
) -> None:
    head, spouse = household.members.order_by("id")
    mine = workspace_household_form(household, address="Số 77 Trần Phú")
    client.force_login(colleague)
    theirs = workspace_household_form(
        household,
        members=[
            member_row(head),
            member_row(spouse, DELETE="on"),
            {"full_name": "Nguyễn Văn Cháu", "relation": "grandchild", "birth_year": "2012"},
        ],
    )
    assert client.post(edit_url(household), theirs).status_code == 302

    client.force_login(ducthang_officer)
    response = client.post(edit_url(household), mine)
    assert response.status_code == 200
    latest = response.context["latest"]
    assert latest.added == ["Nguyễn Văn Cháu (2012, Cháu)"]
    assert latest.removed == ["Lê Thị Bé"]
    content = response.content.decode()
    assert "Thành viên do người kia thêm:" in content
    assert "Thành viên do người kia xoá:" in content
    assert fresh(household).address == "12 Trần Hưng Đạo"


def test_the_edit_form_refuses_a_post_without_the_version(
    client: Client, household: Household, ducthang_officer: User
) -> None:
    data = workspace_household_form(household, address="Kiệt 9")
    del data["version"]
    client.force_login(ducthang_officer)
    response = client.post(edit_url(household), data)
    assert response.status_code == 200
    assert response.context["form"].errors["version"] == ["Trường này là bắt buộc."]
    assert fresh(household).address == "12 Trần Hưng Đạo"


def test_a_member_removed_meanwhile_is_explained_on_its_row(
    client: Client, household: Household, ducthang_officer: User, colleague: User
) -> None:
    head, spouse = household.members.order_by("id")
    mine = workspace_household_form(household, address="Số 77 Trần Phú")
    client.force_login(colleague)
    theirs = workspace_household_form(
        household, members=[member_row(head), member_row(spouse, DELETE="on")]
    )
    assert client.post(edit_url(household), theirs).status_code == 302

    client.force_login(ducthang_officer)
    response = client.post(edit_url(household), mine)
    assert response.context["formset"].forms[1].errors["id"] == [
        "Người khác đã xoá thành viên này sau khi bạn mở trang: đánh dấu “Xoá thành viên này” "
        "để đồng ý, hoặc nhập lại người này như một thành viên mới."
    ]
    # Agreeing to the removal, at the version now shown, saves the rest.
    mine["version"] = str(fresh(household).version)
    mine["members-1-DELETE"] = "on"
    assert client.post(edit_url(household), mine).status_code == 302
    assert fresh(household).address == "Số 77 Trần Phú"
    assert list(fresh(household).members.values_list("full_name", flat=True)) == ["Nguyễn Văn A"]
