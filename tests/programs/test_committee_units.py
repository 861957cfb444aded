"""Steering Committee views follow the units (issue 12): the committee of a merged ward and the
city members following it come with the wards merged into it, for the list, the choice of who
manages a household, and a member's followed units."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from households.models import Household, User, Ward
from programs import services
from programs.models import Agency, CommitteeMember, HouseholdAssignment
from tests.factories import make_household, make_member, make_user

pytestmark = pytest.mark.django_db


def unit(code: str) -> Ward:
    return Ward.objects.get(code=code)


def member(
    name: str, *, ward: Ward | None = None, follows: tuple[Ward, ...] = (), **extra: object
) -> CommitteeMember:
    agency, _ = Agency.objects.get_or_create(
        code="ldtbxh", defaults={"name": "Phòng Lao động", "kind": "department"}
    )
    found = CommitteeMember.objects.create(
        full_name=name,
        position="Ủy viên",
        agency=agency,
        level=CommitteeMember.Level.WARD if ward else CommitteeMember.Level.CITY,
        ward=ward,
        **extra,
    )
    found.assigned_wards.set(follows)
    return found


def household(ward_code: str, code: str) -> Household:
    found = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(found, full_name=f"Chủ hộ {code}")
    return found


@pytest.fixture
def phan_thiet_officer() -> User:
    # P. Phan Thiết took in Đức Thắng on 01/07/2025 (households migration 0015, UNCONFIRMED).
    return make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))


def test_the_merged_wards_officer_sees_its_former_units_committees(
    client: Client, phan_thiet_officer: User
) -> None:
    member("Phạm Văn Dũng", ward=unit("duc-thang"))
    member("Lê Thị Mai", ward=unit("phuong-phan-thiet"))
    member("Võ Thị Hoa", ward=unit("tien-loi"))
    client.force_login(phan_thiet_officer)

    response = client.get(reverse("programs:committee"))

    assert sorted(m.full_name for m in response.context["ward_members"]) == [
        "Lê Thị Mai",
        "Phạm Văn Dũng",
    ]


def test_the_city_filters_a_merged_ward_with_its_former_units(
    client: Client, city_reviewer: User
) -> None:
    member("Phạm Văn Dũng", ward=unit("duc-thang"))
    member("Trần Thị Bình", follows=(unit("duc-thang"),))
    member("Võ Thị Hoa", ward=unit("tien-loi"))
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:committee"), {"ward": unit("phuong-phan-thiet").pk})

    assert [m.full_name for m in response.context["ward_members"]] == ["Phạm Văn Dũng"]
    assert [m.full_name for m in response.context["city_members"]] == ["Trần Thị Bình"]


def test_a_former_units_household_is_managed_by_the_merged_wards_committee(
    client: Client, phan_thiet_officer: User
) -> None:
    new_member = member("Lê Thị Mai", ward=unit("phuong-phan-thiet"))
    old_member = member("Phạm Văn Dũng", ward=unit("duc-thang"))
    city = member("Trần Thị Bình", follows=(unit("phuong-phan-thiet"),))
    other = member("Võ Thị Hoa", ward=unit("tien-loi"))
    found = household("duc-thang", "DT-0001")
    client.force_login(phan_thiet_officer)
    url = reverse("programs:assign", args=[found.pk])

    offered = set(client.get(url).context["form"].fields["member"].queryset)
    response = client.post(url, {"member": new_member.pk, "since": "01/08/2025", "note": ""})

    assert offered == {new_member, old_member, city}
    assert response.status_code == 302
    assert HouseholdAssignment.objects.get(household=found).member == new_member
    # Another unit's committee is still refused by the service, with its message.
    with pytest.raises(ValidationError, match="Ban Chỉ đạo của phường, xã khác"):
        services.household_assign(
            household=found, member=other, since=datetime.date(2025, 8, 1), by=phan_thiet_officer
        )


def test_a_member_following_a_merged_ward_counts_its_former_units_households(
    client: Client,
) -> None:
    user = User.objects.create_user("bcd-pt", role=User.Role.COMMITTEE_MEMBER)
    member(
        "Lê Thị Mai",
        ward=unit("phuong-phan-thiet"),
        follows=(unit("phuong-phan-thiet"),),
        user=user,
    )
    household("duc-thang", "DT-0001")
    household("phu-trinh", "PT-0001")
    household("tien-loi", "TL-0001")
    client.force_login(user)

    response = client.get(reverse("programs:my_households"))

    assert [(w.code, w.household_count) for w in response.context["wards"]] == [
        ("phuong-phan-thiet", 2)
    ]
