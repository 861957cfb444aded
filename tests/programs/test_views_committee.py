"""The Steering Committee list, a member's own households, and assigning a household."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Household, User, Ward
from programs.models import Agency, CommitteeMember, HouseholdAssignment
from tests.factories import (
    make_assessment,
    make_household,
    make_member,
    make_recognised,
    make_round,
)


def _recognised(household: Household, income: int = 800_000) -> None:
    """Recognised in the 2017 review: the list in force today."""
    make_recognised(household, income)


pytestmark = pytest.mark.django_db


def _agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(
        code="ldtbxh",
        defaults={"name": "Phòng Lao động – Thương binh và Xã hội", "kind": "department"},
    )
    return agency


def _member(
    full_name: str,
    *,
    ward: Ward | None = None,
    follows: tuple[Ward, ...] = (),
    user: User | None = None,
    **extra: Any,
) -> CommitteeMember:
    member = CommitteeMember.objects.create(
        full_name=full_name,
        position=extra.pop("position", "Ủy viên"),
        agency=extra.pop("agency", _agency()),
        level=CommitteeMember.Level.WARD if ward else CommitteeMember.Level.CITY,
        ward=ward,
        user=user,
        **extra,
    )
    member.assigned_wards.set(follows)
    return member


def _household(ward_code: str, code: str) -> Household:
    household = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    return household


def _assign(household: Household, member: CommitteeMember) -> HouseholdAssignment:
    return HouseholdAssignment.objects.create(
        household=household, member=member, since=datetime.date(2017, 10, 1)
    )


@pytest.fixture
def committee(duc_thang: Ward, tien_loi: Ward) -> dict[str, CommitteeMember]:
    return {
        "city": _member("Trần Thị Bình", follows=(duc_thang,), position="Phó Trưởng ban"),
        "city_tl": _member("Lê Văn Cường", follows=(tien_loi,)),
        "dt": _member("Phạm Văn Dũng", ward=duc_thang, follows=(duc_thang,)),
        "tl": _member("Võ Thị Hoa", ward=tien_loi, follows=(tien_loi,)),
        "gone": _member("Người Đã Nghỉ", ward=duc_thang, is_active=False),
    }


# committee_list


def test_committee_list_shows_every_member_to_the_city(
    client: Client, city_reviewer: User, committee: dict[str, CommitteeMember]
) -> None:
    _assign(_household("duc-thang", "DT-0001"), committee["dt"])
    _assign(_household("duc-thang", "DT-0002"), committee["dt"])
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:committee"))

    assert response.status_code == 200
    assert [m.full_name for m in response.context["city_members"]] == [
        "Lê Văn Cường",
        "Trần Thị Bình",
    ]
    assert [m.full_name for m in response.context["ward_members"]] == [
        "Phạm Văn Dũng",
        "Võ Thị Hoa",
    ]
    assert {m.full_name: m.households for m in response.context["ward_members"]} == {
        "Phạm Văn Dũng": 2,
        "Võ Thị Hoa": 0,
    }
    assert "Người Đã Nghỉ" not in response.content.decode()


def test_committee_list_filters_by_ward(
    client: Client, city_reviewer: User, committee: dict[str, CommitteeMember], tien_loi: Ward
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:committee"), {"ward": tien_loi.pk})

    names = [m.full_name for m in response.context["city_members"]]
    names += [m.full_name for m in response.context["ward_members"]]
    assert names == ["Lê Văn Cường", "Võ Thị Hoa"]


def test_committee_list_ignores_a_made_up_ward_with_a_message(
    client: Client, city_reviewer: User, committee: dict[str, CommitteeMember]
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:committee"), {"ward": "99999"})

    assert response.status_code == 200
    assert response.context["form"].errors["ward"]
    assert len(response.context["ward_members"]) == 2


def test_a_ward_officer_sees_their_wards_committee_and_the_city_members(
    client: Client, ducthang_officer: User, committee: dict[str, CommitteeMember]
) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("programs:committee"))

    assert [m.full_name for m in response.context["ward_members"]] == ["Phạm Văn Dũng"]
    assert len(response.context["city_members"]) == 2
    assert "Võ Thị Hoa" not in response.content.decode()


def test_committee_list_query_count_does_not_grow_with_members(
    client: Client,
    city_reviewer: User,
    committee: dict[str, CommitteeMember],
    duc_thang: Ward,
    tien_loi: Ward,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    client.get(reverse("programs:committee"))  # session and user loaded once
    with django_assert_num_queries(7) as few:
        client.get(reverse("programs:committee"))
    for number in range(12):
        _member(f"Thành viên {number:02}", ward=duc_thang, follows=(duc_thang, tien_loi))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:committee"))
    assert len(response.context["ward_members"]) == 14


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_committee_list_is_refused_to_agencies_and_members(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programs:committee")).status_code == 403


def test_committee_list_needs_login(client: Client) -> None:
    response = client.get(reverse("programs:committee"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


# my_households


@pytest.fixture
def member_user(duc_thang: Ward) -> User:
    user = User.objects.create_user("bcd", role=User.Role.COMMITTEE_MEMBER)
    _member("Nguyễn Thị Lan", ward=duc_thang, follows=(duc_thang,), user=user)
    return user


def test_my_households_lists_the_assigned_households_with_their_status(
    client: Client, member_user: User, duc_thang: Ward
) -> None:
    make_round(2017)
    poor = _household("duc-thang", "DT-0001")
    _recognised(poor)
    _assign(poor, member_user.committee_member)
    in_review = _household("tien-loi", "TL-0001")
    make_assessment(in_review, income_per_capita=500_000)  # a draft: no recognised status yet
    _assign(in_review, member_user.committee_member)
    _household("duc-thang", "DT-0003")  # in a followed ward, but not assigned
    client.force_login(member_user)

    response = client.get(reverse("programs:my_households"))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(h.code, a.status if a else None) for h, a in rows] == [
        ("DT-0001", "poor"),
        ("TL-0001", None),
    ]
    assert [w.code for w in response.context["wards"]] == ["duc-thang"]
    assert response.context["wards"][0].household_count == 2
    html = response.content.decode()
    assert reverse("households:detail", args=[poor.pk]) in html
    assert "Hộ nghèo" in html


def test_my_households_query_count_does_not_grow(
    client: Client, member_user: User, django_assert_num_queries: Any
) -> None:
    make_round(2017)
    member = member_user.committee_member
    for number in range(2):
        household = _household("duc-thang", f"DT-00{number:02}")
        _recognised(household)
        _assign(household, member)
    client.force_login(member_user)
    client.get(reverse("programs:my_households"))
    # 11: the followed units' households are counted with the units merged into them (issue
    # 12), one query after the units'.
    with django_assert_num_queries(11) as few:
        client.get(reverse("programs:my_households"))
    for number in range(2, 12):
        household = _household("duc-thang", f"DT-00{number:02}")
        _recognised(household)
        _assign(household, member)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:my_households"))
    assert len(response.context["rows"]) == 12


def test_my_households_explains_an_account_without_a_member(
    client: Client, committee_member: User
) -> None:
    client.force_login(committee_member)

    response = client.get(reverse("programs:my_households"))

    assert response.status_code == 200
    assert response.context["member"] is None
    assert "Tài khoản của bạn chưa được gắn" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["ducthang_officer", "city_reviewer", "agency_user", "administrator"]
)
def test_my_households_is_for_committee_members_only(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programs:my_households")).status_code == 403


def test_my_households_needs_login(client: Client) -> None:
    response = client.get(reverse("programs:my_households"))
    assert response.headers["Location"].startswith(reverse("login"))


# household_assign


def test_the_ward_officer_assigns_a_household(
    client: Client, ducthang_officer: User, committee: dict[str, CommitteeMember]
) -> None:
    household = _household("duc-thang", "DT-0001")
    client.force_login(ducthang_officer)
    url = reverse("programs:assign", args=[household.pk])

    page = client.get(url)
    choices = [str(m) for m in page.context["form"].fields["member"].queryset]
    response = client.post(
        url, {"member": committee["dt"].pk, "since": "01/10/2017", "note": "Theo dõi hằng tháng"}
    )

    assert len(choices) == 2  # the ward's member and the city member following Đức Thắng
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("households:detail", args=[household.pk])
    assignment = HouseholdAssignment.objects.get(household=household)
    assert (assignment.member, assignment.since, assignment.note) == (
        committee["dt"],
        datetime.date(2017, 10, 1),
        "Theo dõi hằng tháng",
    )


def test_the_city_replaces_then_removes_the_assignment(
    client: Client, city_reviewer: User, committee: dict[str, CommitteeMember]
) -> None:
    household = _household("duc-thang", "DT-0001")
    _assign(household, committee["dt"])
    client.force_login(city_reviewer)
    url = reverse("programs:assign", args=[household.pk])

    client.post(url, {"member": committee["city"].pk, "since": "15/11/2017"})
    assert HouseholdAssignment.objects.get(household=household).member == committee["city"]

    response = client.post(url, {"remove": "1"})
    assert response.status_code == 302
    assert not HouseholdAssignment.objects.filter(household=household).exists()


@pytest.mark.parametrize(
    ("member_key", "data", "field", "message"),
    [
        ("tl", {"since": "01/10/2017"}, "member", "không theo dõi phường"),
        ("gone", {"since": "01/10/2017"}, "member", "không theo dõi phường"),
        ("city_tl", {"since": "01/10/2017"}, "member", "không theo dõi phường"),
        ("dt", {"since": "31/02/2017"}, "since", "dd/mm/yyyy"),
        ("dt", {"since": "01/01/2999"}, "since", "sau ngày hôm nay"),
        (None, {"since": "01/10/2017"}, "member", "Chọn thành viên"),
    ],
)
def test_bad_assignments_are_refused_with_a_message_and_nothing_saved(
    client: Client,
    ducthang_officer: User,
    committee: dict[str, CommitteeMember],
    member_key: str | None,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    household = _household("duc-thang", "DT-0001")
    client.force_login(ducthang_officer)
    if member_key:
        data = {**data, "member": str(committee[member_key].pk)}

    response = client.post(reverse("programs:assign", args=[household.pk]), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert not HouseholdAssignment.objects.exists()


def test_another_wards_officer_gets_404(
    client: Client, tienloi_officer: User, committee: dict[str, CommitteeMember]
) -> None:
    household = _household("duc-thang", "DT-0001")
    client.force_login(tienloi_officer)
    url = reverse("programs:assign", args=[household.pk])

    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"member": committee["dt"].pk, "since": "01/10/2017"}).status_code == 404
    )
    assert not HouseholdAssignment.objects.exists()


def test_the_assigned_committee_member_may_see_but_not_reassign(
    client: Client, member_user: User, committee: dict[str, CommitteeMember]
) -> None:
    household = _household("duc-thang", "DT-0001")
    _assign(household, member_user.committee_member)
    client.force_login(member_user)
    url = reverse("programs:assign", args=[household.pk])

    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"member": committee["dt"].pk, "since": "01/10/2017"}).status_code == 403
    )
    assert client.post(url, {"remove": "1"}).status_code == 403
    assert HouseholdAssignment.objects.get(household=household).member.user == member_user


def test_assign_needs_login(client: Client) -> None:
    household = _household("duc-thang", "DT-0001")
    response = client.get(reverse("programs:assign", args=[household.pk]))
    assert response.headers["Location"].startswith(reverse("login"))


def test_the_home_page_gives_a_committee_member_their_numbers(
    client: Client, member_user: User
) -> None:
    make_round(2017)
    poor = _household("duc-thang", "DT-0001")
    _recognised(poor)
    _assign(poor, member_user.committee_member)
    _assign(_household("duc-thang", "DT-0002"), member_user.committee_member)
    client.force_login(member_user)

    response = client.get(reverse("home"))

    numbers = response.context["programme_home"]
    assert (numbers["total"], numbers["poor"], numbers["not_assessed"]) == (2, 1, 1)
    assert reverse("programs:my_households") in response.content.decode()
