"""Issue 4 §1, §6: the workspace's scoping honours committee assignments and agencies."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Household, User, Ward
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Programme,
    ProgrammeRule,
)
from tests.factories import (
    make_household,
    make_member,
    make_recognised,
    make_round,
)

pytestmark = pytest.mark.django_db

POOR = 600_000
NOT_POOR = 3_000_000


def _household(ward_code: str, code: str, income: int | None = None) -> Household:
    """With `income`, recognised in the 2017 review (in force from 1/1/2018, so today)."""
    household = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    if income is not None:
        make_recognised(household, income)
    return household


def _listed(client: Client, **params: str) -> list[str]:
    response = client.get(reverse("households:list"), params)
    assert response.status_code == 200
    return sorted(h.code for h in response.context["page"].object_list)


@pytest.fixture
def homes(db: None) -> dict[str, Household]:
    make_round(2017)
    return {
        "dt1": _household("duc-thang", "DT-0001", POOR),
        "dt2": _household("duc-thang", "DT-0002", NOT_POOR),
        "tl1": _household("tien-loi", "TL-0001", POOR),
        "tl2": _household("tien-loi", "TL-0002", NOT_POOR),
        "tl3": _household("tien-loi", "TL-0003", NOT_POOR),
    }


@pytest.fixture
def member(committee_member: User, duc_thang: Ward) -> CommitteeMember:
    member = CommitteeMember.objects.create(
        full_name="Nguyễn Thị Lan",
        position="Ủy viên",
        level=CommitteeMember.Level.CITY,
        user=committee_member,
    )
    member.assigned_wards.set([duc_thang])
    return member


def test_a_committee_member_sees_the_wards_followed_and_the_assigned_households(
    client: Client, committee_member: User, member: CommitteeMember, homes: dict[str, Household]
) -> None:
    HouseholdAssignment.objects.create(
        household=homes["tl2"], member=member, since=datetime.date(2017, 9, 1)
    )
    client.force_login(committee_member)

    assert _listed(client) == ["DT-0001", "DT-0002", "TL-0002"]
    assert _listed(client, q="TL-0002") == ["TL-0002"]
    assert _listed(client, q="TL-0001") == []
    assert client.get(reverse("households:detail", args=[homes["tl2"].pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[homes["dt2"].pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[homes["tl1"].pk])).status_code == 404


def test_an_inactive_committee_member_sees_nothing(
    client: Client, committee_member: User, member: CommitteeMember, homes: dict[str, Household]
) -> None:
    HouseholdAssignment.objects.create(
        household=homes["tl2"], member=member, since=datetime.date(2017, 9, 1)
    )
    member.is_active = False
    member.save()
    client.force_login(committee_member)

    assert _listed(client) == []
    assert client.get(reverse("households:detail", args=[homes["tl2"].pk])).status_code == 404
    assert client.get(reverse("households:detail", args=[homes["dt1"].pk])).status_code == 404


def test_another_members_assignment_gives_no_access(
    client: Client, committee_member: User, homes: dict[str, Household], tien_loi: Ward
) -> None:
    CommitteeMember.objects.create(
        full_name="Không tài khoản", position="Ủy viên", level="city", user=committee_member
    )
    other = CommitteeMember.objects.create(
        full_name="Người khác", position="Ủy viên", level="ward", ward=tien_loi
    )
    HouseholdAssignment.objects.create(
        household=homes["tl1"], member=other, since=datetime.date(2017, 9, 1)
    )
    client.force_login(committee_member)

    assert _listed(client) == []
    assert client.get(reverse("households:detail", args=[homes["tl1"].pk])).status_code == 404


@pytest.fixture
def bank(agency_user: User) -> Agency:
    agency = Agency.objects.create(code="scope-bank", name="Ngân hàng thử", kind="bank")
    agency_user.agency = agency
    agency_user.save()
    loan = Programme.objects.create(
        code="scope-loan",
        name="Cho vay hộ nghèo",
        agency=agency,
        level="household",
        eligible_statuses=["poor"],
        unit="loan",
        is_credit=True,
    )
    # Who a programme is for is its rule in force (programs.models.ProgrammeRule).
    ProgrammeRule.objects.create(
        programme=loan,
        valid_from=datetime.date(2016, 1, 1),
        eligible_statuses=["poor"],
        legal_basis="Nghị định 78/2002/NĐ-CP",
    )
    return agency


def test_an_agency_follows_the_rules_in_force_today(
    client: Client, agency_user: User, bank: Agency, homes: dict[str, Household]
) -> None:
    # The rule for poor households ended; the new one is for near-poor households only.
    rule = ProgrammeRule.objects.get(programme__agency=bank)
    rule.valid_to = datetime.date(2020, 12, 31)
    rule.save()
    ProgrammeRule.objects.create(
        programme=rule.programme,
        valid_from=datetime.date(2021, 1, 1),
        eligible_statuses=["near_poor"],
        legal_basis="Quyết định thử",
    )
    client.force_login(agency_user)

    assert _listed(client) == []


def test_an_agency_user_sees_households_delivered_to_or_eligible(
    client: Client, agency_user: User, bank: Agency, homes: dict[str, Household]
) -> None:
    # TL-0003 is not poor but received a delivery of the agency's programme earlier.
    Benefit.objects.create(
        programme=bank.programmes.get(),
        household=homes["tl3"],
        ward_id=homes["tl3"].ward_id,
        date=datetime.date(2017, 3, 1),
        amount=10_000_000,
    )
    other = Agency.objects.create(code="scope-other", name="Phòng khác", kind="department")
    Benefit.objects.create(
        programme=Programme.objects.create(
            code="scope-other", name="Khác", agency=other, level="household", unit="item"
        ),
        household=homes["dt2"],
        ward_id=homes["dt2"].ward_id,
        date=datetime.date(2017, 3, 1),
        quantity=1,
    )
    client.force_login(agency_user)

    # The households on today's recognised poor list (DT-0001, TL-0001) and the one delivered to.
    assert _listed(client) == ["DT-0001", "TL-0001", "TL-0003"]
    assert client.get(reverse("households:detail", args=[homes["tl3"].pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[homes["dt2"].pk])).status_code == 404
    assert client.get(reverse("households:detail", args=[homes["tl2"].pk])).status_code == 404


def test_an_agency_user_without_an_agency_sees_nothing(
    client: Client, agency_user: User, homes: dict[str, Household]
) -> None:
    client.force_login(agency_user)

    assert _listed(client) == []
    assert client.get(reverse("households:detail", args=[homes["dt1"].pk])).status_code == 404
