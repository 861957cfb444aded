"""The household page's programmes section (issue 4 §10): assigned officer, supports received by
year, open loans, and what the household is entitled to but has not yet received."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household, Member, User
from programs import loan_status, selectors, services
from programs.models import Agency, CommitteeMember, HouseholdAssignment, Programme
from tests.factories import (
    ASYNC_COMMIT,
    REFERENCE_READ_AGAIN,
    REFERENCE_VERSION,
    make_household,
    make_member,
    make_recognised,
    make_round,
)

pytestmark = pytest.mark.django_db


def url(household: Household) -> str:
    return reverse("households:detail", args=[household.pk])


def part(response: HttpResponse, testid: str) -> str:
    """The visible text of the element marked `data-testid=testid` (a table or a list)."""
    body = response.content.decode()
    match = re.search(rf'data-testid="{testid}">(.*?)</(?:table|ul|p)>', body, re.S)
    assert match is not None, testid
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.fixture
def family(ducthang_officer: User) -> tuple[Household, Member]:
    """A poor household of Đức Thắng with a pupil born 2010: recognised in the 2016 review, so
    on the list in force in 2017, the year of the latest periodic round (2017, in progress)."""
    household = make_household(code="DT-0001")
    make_member(household, full_name="Nguyễn Văn An", birth_year=1975)
    pupil = make_member(
        household,
        full_name="Nguyễn Thị Bé",
        birth_year=2010,
        sex=Member.Sex.FEMALE,
        relation=Member.Relation.CHILD,
        attends_school=True,
        education_level=Member.Education.PRIMARY,
    )
    make_recognised(household, 700_000, year=2016)
    make_round(2017)
    return household, pupil


def programme(code: str) -> Programme:
    return Programme.objects.get(code=code)


def record(household: Household, by: User, code: str, **extra: Any) -> None:
    services.benefit_record(
        programme=programme(code),
        household=household,
        date=extra.pop("date", datetime.date(2017, 10, 15)),
        by=by,
        **extra,
    )


def lend(household: Household, by: User, *, reference: str, overdue: bool = False) -> Any:
    loan = services.loan_record(
        programme=programme("vay-ho-ngheo"),
        household=household,
        date=datetime.date(2017, 10, 15),
        amount=20_000_000,
        purpose="Nuôi bò sinh sản",
        term_months=36,
        reference=reference,
        by=by,
    )
    if overdue:
        loan = services.loan_update(
            loan=loan,
            outstanding=12_000_000,
            is_overdue=True,
            balance_on=datetime.date(2018, 12, 31),
            by=by,
        )
    return loan


def test_section_shows_supports_by_year_open_loans_and_assigned_officer(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    record(household, ducthang_officer, "ho-tro-tien-dien", amount=138_000, reference="45/QĐ")
    record(
        household,
        ducthang_officer,
        "mien-hoc-phi",
        member=pupil,
        quantity=1,
        date=datetime.date(2018, 9, 5),
    )
    loan = lend(household, ducthang_officer, reference="KU-0457", overdue=True)
    services.loan_check_record(
        loan=loan,
        checked_on=datetime.date(2018, 3, 1),
        used_as_intended=True,
        by=ducthang_officer,
    )
    member = CommitteeMember.objects.create(
        full_name="Lê Thị Hoa",
        position="Phó Chủ tịch Hội Liên hiệp Phụ nữ phường",
        level=CommitteeMember.Level.CITY,
        phone="0909123456",
    )
    services.household_assign(
        household=household, member=member, since=datetime.date(2017, 9, 1), by=ducthang_officer
    )
    client.force_login(ducthang_officer)

    response = client.get(url(household))

    assert response.status_code == 200
    officer = part(response, "assigned-officer")
    assert "Lê Thị Hoa" in officer
    assert "Phó Chủ tịch Hội Liên hiệp Phụ nữ phường" in officer
    assert reverse("programs:assign", args=[household.pk]) in response.content.decode()
    year_2017 = part(response, "benefits-2017")
    assert "15/10/2017" in year_2017
    assert "Hỗ trợ tiền điện" in year_2017
    assert "138.000 đ" in year_2017
    assert "45/QĐ" in year_2017
    assert "20.000.000 đ" in year_2017  # the loan's principal, among the supports
    year_2018 = part(response, "benefits-2018")
    assert "Miễn học phí" in year_2018
    assert "Nguyễn Thị Bé" in year_2018
    loans = part(response, "open-loans")
    assert "KU-0457" in loans
    assert "12.000.000 đ" in loans
    assert "Nợ quá hạn" in loans
    assert "01/03/2018" in loans
    assert reverse("programs:loan_detail", args=[loan.pk]) in response.content.decode()


def test_open_loans_say_what_the_loan_rule_says_today(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    # Lent 15/10/2017 for 36 months: due 15/10/2020, past due today although the bank's last
    # statement (the day it was lent) did not mark it overdue; checked on 01/03/2018, long
    # before the six months behind today.
    household, _ = family
    loan = lend(household, ducthang_officer, reference="KU-0458")
    services.loan_check_record(
        loan=loan, checked_on=datetime.date(2018, 3, 1), used_as_intended=True, by=ducthang_officer
    )
    days = (timezone.localdate() - datetime.date(2020, 10, 15)).days
    client.force_login(ducthang_officer)

    loans = part(client.get(url(household)), "open-loans")

    assert f"Nợ quá hạn {days:,} ngày".replace(",", ".") in loans
    assert "đến hạn 15/10/2020" in loans
    assert "Đến hạn kiểm tra sử dụng vốn" in loans
    assert loan_status.of_loan(loan, timezone.localdate()).days_overdue == days


def test_missing_entitlements_link_to_the_benefit_form_and_leave_once_recorded(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    client.force_login(ducthang_officer)
    tuition = (
        reverse("programs:benefit_create", args=[household.pk])
        + f"?programme=mien-hoc-phi&amp;member={pupil.pk}"
    )

    before = client.get(url(household))

    missing = part(before, "missing-entitlements")
    assert "Miễn học phí" in missing
    assert "Nguyễn Thị Bé" in missing
    assert "Hỗ trợ tiền điện" in missing
    # Housing is for rural communes; relief and allowances depend on each case.
    for absent in ("Hỗ trợ nhà ở", "Cứu trợ đột xuất", "Trợ cấp xã hội", "Giảm 50% học phí"):
        assert absent not in missing
    # 2017, the latest periodic round's year: the list in force on 31/12/2017.
    assert "31/12/2017" in part(before, "entitlements-day")
    assert tuition in before.content.decode()

    record(household, ducthang_officer, "mien-hoc-phi", member=pupil, quantity=1)
    after = client.get(url(household))

    assert "Miễn học phí" not in part(after, "missing-entitlements")
    assert tuition not in after.content.decode()
    assert "Hỗ trợ tiền điện" in part(after, "missing-entitlements")


def test_members_holding_a_valid_card_on_the_day_are_not_owed_one(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    # Issue 13 B: the page listed members with a valid card as still owed the card. The day
    # is 31/12/2017 (the list in force in 2017): the head's card runs to that day, the
    # pupil's ended the day before, and a third member has none.
    household, pupil = family
    household.members.filter(relation="head").update(
        health_insurance_expiry=datetime.date(2017, 12, 31)
    )
    Member.objects.filter(pk=pupil.pk).update(health_insurance_expiry=datetime.date(2017, 12, 30))
    make_member(
        household,
        full_name="Nguyễn Văn Út",
        birth_year=2000,
        relation=Member.Relation.CHILD,
        health_insurance_number="",
    )
    client.force_login(ducthang_officer)

    body = client.get(url(household)).content.decode()

    table = body.split('data-testid="missing-entitlements"')[1].split("</table>")[0]
    cells = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    card = "Thẻ bảo hiểm y tế cho người thuộc hộ nghèo"
    assert [row[1] for row in cells if row and row[0] == card] == ["Nguyễn Thị Bé", "Nguyễn Văn Út"]
    rows = selectors.entitlements(household, 2017)
    holders = [r.member.full_name for r in rows if r.holds and r.member is not None]
    assert holders == ["Nguyễn Văn An"]


def test_a_non_poor_household_is_owed_nothing(client: Client, ducthang_officer: User) -> None:
    household = make_household(code="DT-0009")
    make_member(household)
    make_recognised(household, 5_000_000, year=2016)
    make_round(2017)
    client.force_login(ducthang_officer)

    response = client.get(url(household))

    assert 'data-testid="missing-entitlements"' not in response.content.decode()
    assert "Không có khoản vay nào còn dư nợ." in " ".join(
        html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split()
    )


def test_city_reviewer_sees_the_section_without_record_buttons(
    client: Client, city_reviewer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    client.force_login(city_reviewer)

    response = client.get(url(household))

    body = response.content.decode()
    assert "Miễn học phí" in part(response, "missing-entitlements")
    assert reverse("programs:benefit_create", args=[household.pk]) not in body
    assert reverse("programs:loan_create", args=[household.pk]) not in body
    assert reverse("programs:assign", args=[household.pk]) in body  # the city assigns


def test_agency_user_gets_record_buttons_for_their_agency_only(
    client: Client, agency_user: User, family: tuple[Household, Member]
) -> None:
    household, pupil = family
    agency_user.agency = Agency.objects.get(code="gd-dt")
    agency_user.save()
    client.force_login(agency_user)

    response = client.get(url(household))

    assert response.status_code == 200
    body = response.content.decode()
    create = reverse("programs:benefit_create", args=[household.pk])
    assert f"{create}?programme=mien-hoc-phi&amp;member={pupil.pk}" in body
    assert f"{create}?programme=ho-tro-tien-dien" not in body
    assert reverse("programs:loan_create", args=[household.pk]) not in body
    assert reverse("programs:assign", args=[household.pk]) not in body


def test_assigned_committee_member_sees_and_may_record(
    client: Client, committee_member: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    member = CommitteeMember.objects.create(
        full_name="Lê Thị Hoa",
        position="Ủy viên Ban Chỉ đạo",
        level=CommitteeMember.Level.CITY,
        user=committee_member,
    )
    HouseholdAssignment.objects.create(
        household=household, member=member, since=datetime.date(2017, 9, 1)
    )
    client.force_login(committee_member)

    response = client.get(url(household))

    assert response.status_code == 200
    assert "Lê Thị Hoa" in part(response, "assigned-officer")
    body = response.content.decode()
    assert f"{reverse('programs:benefit_create', args=[household.pk])}?programme=" in body


@pytest.mark.parametrize("rows", [1, 4])
def test_the_section_runs_a_fixed_number_of_queries(
    client: Client,
    ducthang_officer: User,
    family: tuple[Household, Member],
    django_assert_num_queries: Any,
    rows: int,
) -> None:
    household, pupil = family
    for n in range(rows):
        record(
            household,
            ducthang_officer,
            "ho-tro-tien-dien",
            amount=138_000,
            date=datetime.date(2017 + n, 10, 15),
        )
        record(household, ducthang_officer, "kham-chua-benh", member=pupil, quantity=1)
        loan = lend(household, ducthang_officer, reference=f"KU-{n}", overdue=True)
        services.loan_check_record(
            loan=loan,
            checked_on=datetime.date(2018, 3, 1),
            used_as_intended=True,
            by=ducthang_officer,
        )
    client.force_login(ducthang_officer)

    # The whole household page: 17 before issue 4 (see tests/households/test_views_detail.py)
    # with one survey, less the change history's 5 (a page of its own now) and the latest
    # recognised result (taken from the assessments the page reads) and one of the two
    # statements of the causes and needs (read together now), plus the
    # section's 6: the latest periodic round, the programmes (read once), the household's
    # benefits with their loans (read once), the entitlements (the standing on the year's
    # reference day; the programmes' rules), the open loans' checks (the assignment comes
    # with the household); and the view-log row of the look (audit.ViewLog, issue 10); plus
    # the reference data's version (programs.reference), read first.
    with django_assert_num_queries(17 + REFERENCE_VERSION + ASYNC_COMMIT):
        response = client.get(url(household))
    assert response.status_code == 200
    # The next look: the latest periodic round, the programmes and their rules are the
    # process's copy while their version is the same.
    with django_assert_num_queries(14 + REFERENCE_VERSION + REFERENCE_READ_AGAIN + ASYNC_COMMIT):
        response = client.get(url(household))

    assert response.status_code == 200
    assert part(response, "open-loans").count("KU-") == rows


def test_supports_recorded_by_a_removed_account_still_show(
    client: Client, ducthang_officer: User, family: tuple[Household, Member]
) -> None:
    household, _ = family
    record(household, ducthang_officer, "ho-tro-tien-dien", amount=138_000)
    household.benefits.update(recorded_by=None)
    client.force_login(ducthang_officer)

    response = client.get(url(household))

    assert response.status_code == 200
    assert "Hỗ trợ tiền điện" in part(response, "benefits-2017")


def test_open_loans_read_from_the_benefits_are_the_ones_the_loans_query_finds(
    ducthang_officer: User, family: tuple[Household, Member], django_assert_num_queries: Any
) -> None:
    # The page takes the open loans from the benefits it has read (`household_benefits`, with
    # their loans): the same loans, in the same order, with the same agency filter.
    household, _ = family
    later = services.loan_record(
        programme=programme("vay-ho-ngheo"),
        household=household,
        date=datetime.date(2018, 3, 1),
        amount=10_000_000,
        purpose="Mua lưới",
        term_months=24,
        by=ducthang_officer,
    )
    earlier = lend(household, ducthang_officer, reference="KU-1")
    repaid = lend(household, ducthang_officer, reference="KU-2")
    services.loan_update(
        loan=repaid,
        outstanding=0,
        is_overdue=False,
        balance_on=datetime.date(2018, 1, 1),
        by=ducthang_officer,
    )
    bank = programme("vay-ho-ngheo").agency_id
    other = Agency.objects.exclude(pk=bank).values_list("pk", flat=True).first()

    for agency_id in (None, bank, other):
        expected = selectors.open_loans(household, agency_id=agency_id)
        benefits = selectors.household_benefits(household)
        with django_assert_num_queries(1 if expected else 0):  # the checks
            found = selectors.open_loans(household, agency_id=agency_id, benefits=benefits)
        assert [loan.pk for loan in found] == [loan.pk for loan in expected]
    assert [loan.pk for loan in selectors.open_loans(household)] == [earlier.pk, later.pk]
