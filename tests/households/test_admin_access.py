"""Who may do what in the admin: roles decide the actions, `visible_to` decides the rows.

alice = officer of Đức Thắng, charlie = officer of Tiến Lợi ("should have no access" to
Đức Thắng's households), bob = city Labour department reviewer (reads everything).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household, User, Ward
from tests.factories import household_form, make_household, make_member, make_round

pytestmark = pytest.mark.django_db


def staff_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(ducthang_officer: User) -> Client:
    return staff_client(ducthang_officer)


@pytest.fixture
def charlie(tienloi_officer: User) -> Client:
    return staff_client(tienloi_officer)


@pytest.fixture
def bob(city_reviewer: User) -> Client:
    return staff_client(city_reviewer)


@pytest.fixture
def ducthang_household() -> Household:
    household = make_household("duc-thang", code="DT-0001")
    make_member(household)
    return household


def test_an_officer_lists_only_their_own_ward(
    alice: Client, charlie: Client, ducthang_household: Household
) -> None:
    make_household("tien-loi", code="TL-0001", head_name="Lê Văn Bốn")
    url = reverse("admin:households_household_changelist")
    assert [h.code for h in alice.get(url).context["cl"].result_list] == ["DT-0001"]
    assert [h.code for h in charlie.get(url).context["cl"].result_list] == ["TL-0001"]


def test_it_checks_ownership_of_a_household(charlie: Client, ducthang_household: Household) -> None:
    url = reverse("admin:households_household_change", args=[ducthang_household.pk])
    response = charlie.get(url)
    # The admin answers a row outside the user's scope as missing, never showing it.
    assert response.status_code == 302
    assert ducthang_household.head_name not in charlie.get(response["Location"]).content.decode()
    member = ducthang_household.members.get()
    response = charlie.get(reverse("admin:households_member_change", args=[member.pk]))
    assert response.status_code == 302


def test_an_officer_cannot_create_a_household_in_another_ward(
    alice: Client, tien_loi: Ward
) -> None:
    data = household_form(tien_loi, code="TL-0100")
    response = alice.post(reverse("admin:households_household_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"ward", "quarter"}
    assert not Household.objects.exists()


def test_an_officer_creates_a_household_in_their_ward(alice: Client, duc_thang: Ward) -> None:
    data = household_form(duc_thang, code="DT-0100")
    response = alice.post(reverse("admin:households_household_add"), data)
    assert response.status_code == 302
    assert Household.objects.get().ward == duc_thang


def test_an_officer_cannot_assess_another_wards_household(
    charlie: Client, ducthang_household: Household
) -> None:
    data = {
        "household": str(ducthang_household.pk),
        "round": str(make_round().pk),
        "income_per_capita": "500000",
    }
    response = charlie.post(reverse("admin:households_assessment_add"), data)
    assert response.status_code == 200
    assert "household" in response.context["adminform"].form.errors
    assert not Assessment.objects.exists()


def test_officers_read_but_do_not_edit_reference_data(alice: Client, duc_thang: Ward) -> None:
    assert alice.get(reverse("admin:households_ward_changelist")).status_code == 200
    assert alice.get(reverse("admin:households_ward_add")).status_code == 403
    response = alice.post(
        reverse("admin:households_ward_change", args=[duc_thang.pk]), {"name": "Đổi tên"}
    )
    assert response.status_code == 403
    assert alice.get(reverse("admin:households_reviewround_add")).status_code == 403


def test_officers_and_the_city_cannot_manage_users(alice: Client, bob: Client) -> None:
    for client in (alice, bob):
        assert client.get(reverse("admin:households_user_changelist")).status_code == 403


def test_the_city_reviewer_reads_every_ward_but_does_not_edit(
    bob: Client, ducthang_household: Household
) -> None:
    make_household("tien-loi", code="TL-0001", head_name="Lê Văn Bốn")
    response = bob.get(reverse("admin:households_household_changelist"))
    assert response.context["cl"].result_count == 2
    assert bob.get(reverse("admin:households_household_add")).status_code == 403
    url = reverse("admin:households_household_change", args=[ducthang_household.pk])
    page = bob.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = bob.post(url, {"head_name": "Đổi tên"})
    assert response.status_code == 403
    ducthang_household.refresh_from_db()
    assert ducthang_household.head_name == "Nguyễn Văn An"


def test_agency_users_see_nothing_in_the_admin(agency_user: User) -> None:
    client = staff_client(agency_user)
    assert client.get(reverse("admin:households_household_changelist")).status_code == 403
