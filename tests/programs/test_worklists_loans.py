"""The overdue-or-unchecked loans worklist (issue 13 B): its page and export, by role."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import User, Ward
from programs import loan_status, worklists
from programs.models import Agency, CommitteeMember, Loan
from programs.scope import scope_for
from tests.factories import STORING, make_household, make_round, make_user
from tests.programs.test_loan_status import lend

pytestmark = pytest.mark.django_db

KEY = "vay-qua-han"
URL = reverse("programs:worklist", args=[KEY])


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@pytest.fixture
def loans() -> dict[str, Loan]:
    """Today: Đức Thắng's loan 40 days past due, one checked last month (not listed) and one
    lent eight months ago, never checked; Tiến Lợi's loan 10 days past due."""
    make_round(2017)
    ducthang = make_household("duc-thang", code="DT-1", head_name="Nguyễn Văn An")
    tienloi = make_household("tien-loi", code="TL-1", head_name="Trần Văn Bình")
    overdue_lent = loan_status.add_months(ago(40), -12)
    return {
        "overdue": lend(
            ducthang, overdue_lent, 12, checks=((ago(30), False),), reference="KU-DT-1"
        ),
        "checked": lend(ducthang, ago(100), 36, checks=((ago(30), True),), reference="KU-DT-2"),
        "unchecked": lend(ducthang, loan_status.add_months(ago(0), -8), 36, reference="KU-DT-3"),
        "tienloi": lend(tienloi, loan_status.add_months(ago(10), -24), 24, reference="KU-TL-1"),
    }


def references(response: Any) -> list[str]:
    return [
        Loan.objects.get(pk=row["loan_id"]).benefit.reference for row in response.context["rows"]
    ]


def test_the_officer_sees_the_wards_loans_most_overdue_first(
    client: Client, ducthang_officer: User, loans: dict[str, Loan]
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert references(response) == ["KU-DT-1", "KU-DT-3"]
    body = response.content.decode()
    assert "Khoản vay quá hạn hoặc chưa kiểm tra" in body
    assert f"tính đến ngày {timezone.localdate():%d/%m/%Y}" in body
    row = response.context["rows"][0]["cells"]
    headers = [str(c.header) for c in response.context["columns"]]
    cells = dict(zip(headers, [value for _kind, value in row], strict=True))
    assert cells["Mã hộ"] == "DT-1"
    assert cells["Chủ hộ"] == "Nguyễn Văn An"
    assert cells["Số tiền vay"] == 20_000_000
    assert cells["Số ngày quá hạn"] == 40
    assert cells["Kiểm tra gần nhất"] == ago(30)
    assert cells["Kết quả kiểm tra gần nhất"] == "Sử dụng không đúng mục đích"
    assert "Phường/xã" not in headers  # one ward: no ward column
    # Money with the Vietnamese thousands separator; the link to record a check.
    assert "20.000.000" in body
    detail = reverse("programs:loan_detail", args=[loans["overdue"].pk])
    assert f'href="{detail}#record-check"' in body
    assert reverse("households:detail", args=[loans["overdue"].benefit.household_id]) in body
    assert "KU-TL-1" not in body and "TL-1" not in body
    # No year to choose: the list is of today.
    assert 'name="year"' not in body


def test_a_count_of_days_is_written_with_the_thousands_separator(
    client: Client, ducthang_officer: User
) -> None:
    # A loan due 2,458 days ago (seen at 300,000 households as "2458").
    make_round(2017)
    household = make_household("duc-thang", code="DT-9", head_name="Lê Văn Cũ")
    lend(household, loan_status.add_months(ago(2458), -36), 36, reference="KU-DT-9")
    client.force_login(ducthang_officer)
    body = client.get(URL).content.decode()
    assert re.search(r'<td class="text-end">2\.458</td>', body)
    assert "2458" not in body


def test_the_check_link_opens_the_loans_check_form(
    client: Client, ducthang_officer: User, loans: dict[str, Loan]
) -> None:
    client.force_login(ducthang_officer)
    page = client.get(reverse("programs:loan_detail", args=[loans["overdue"].pk]))
    body = page.content.decode()
    assert re.search(r'<form id="record-check" [^>]*data-testid="loan-check-form"', body)
    # The same rule on the loan page: 40 days overdue, due on the date the list shows.
    assert "Nợ quá hạn 40 ngày" in body
    assert f"{loans['overdue'].due_on:%d/%m/%Y}" in body


def test_the_city_sees_every_ward_and_filters_by_ward(
    client: Client, city_reviewer: User, loans: dict[str, Loan], duc_thang: Ward
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL)
    assert references(response) == ["KU-DT-1", "KU-TL-1", "KU-DT-3"]
    assert "Phường/xã" in [str(c.header) for c in response.context["columns"]]
    response = client.get(URL, {"ward": duc_thang.pk})
    assert references(response) == ["KU-DT-1", "KU-DT-3"]
    response = client.get(URL, {"q": "tran van"})
    assert references(response) == ["KU-TL-1"]


def test_the_social_policy_bank_sees_its_loans_across_the_city(
    client: Client, loans: dict[str, Loan]
) -> None:
    bank = make_user("nhcsxh", role=User.Role.AGENCY_USER, agency=Agency.objects.get(code="nhcsxh"))
    client.force_login(bank)
    assert references(client.get(URL)) == ["KU-DT-1", "KU-TL-1", "KU-DT-3"]
    # The health office: none of the bank's loans.
    health = make_user("yte", role=User.Role.AGENCY_USER, agency=Agency.objects.get(code="y-te"))
    client.force_login(health)
    assert references(client.get(URL)) == []


def test_a_committee_member_sees_the_wards_they_follow(
    client: Client, committee_member: User, loans: dict[str, Loan], tien_loi: Ward
) -> None:
    member = CommitteeMember.objects.create(
        user=committee_member,
        full_name="Lê Thị Hoa",
        position="Thành viên Ban Chỉ đạo",
        level=CommitteeMember.Level.CITY,
    )
    member.assigned_wards.add(tien_loi)
    client.force_login(committee_member)
    assert references(client.get(URL)) == ["KU-TL-1"]


def test_another_wards_officer_sees_none_and_cannot_filter_on_it(
    client: Client, tienloi_officer: User, loans: dict[str, Loan], duc_thang: Ward
) -> None:
    client.force_login(tienloi_officer)
    assert references(client.get(URL)) == ["KU-TL-1"]
    response = client.get(URL, {"ward": duc_thang.pk})
    assert references(response) == ["KU-TL-1"]  # the filter is refused, not obeyed
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in response.content.decode()
    export = client.get(reverse("programs:worklist_export", args=[KEY]), {"ward": duc_thang.pk})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [row[1] for row in list(sheet.iter_rows(values_only=True))[2:]] == ["TL-1"]


def test_bad_filters_are_ignored_with_a_message(
    client: Client, city_reviewer: User, loans: dict[str, Loan]
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"year": "abc", "ward": "999999", "page": "x"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"year", "ward"}
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in response.content.decode()
    assert references(response) == ["KU-DT-1", "KU-TL-1", "KU-DT-3"]
    # Any year gives today's list.
    assert references(client.get(URL, {"year": "2017"})) == ["KU-DT-1", "KU-TL-1", "KU-DT-3"]


@pytest.mark.parametrize("name", ["programs:worklist", "programs:worklist_export"])
def test_anonymous_goes_to_login(client: Client, name: str) -> None:
    response = client.get(reverse(name, args=[KEY]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_export_has_the_pages_rows_and_numbers(
    client: Client, city_reviewer: User, loans: dict[str, Loan]
) -> None:
    client.force_login(city_reviewer)
    response = client.get(reverse("programs:worklist_export", args=[KEY]))
    assert response.status_code == 200
    assert f"danh-sach-{KEY}-{timezone.localdate():%Y-%m-%d}" in response["Content-Disposition"]
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert "Khoản vay quá hạn hoặc chưa kiểm tra" in rows[0][0]
    assert f"tính đến ngày {timezone.localdate():%d/%m/%Y}" in rows[0][0]
    headers = list(rows[1])
    assert [row[headers.index("Mã hộ")] for row in rows[2:]] == ["DT-1", "TL-1", "DT-1"]
    first = dict(zip(headers, rows[2], strict=True))
    assert first["Số tiền vay"] == 20_000_000  # a number, formatted by the sheet
    assert first["Số ngày quá hạn"] == 40


def test_the_index_counts_the_list(
    client: Client, ducthang_officer: User, loans: dict[str, Loan]
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(reverse("programs:worklists"))
    counts = {c["worklist"].key: c["count"] for c in response.context["cards"]}
    assert counts[KEY] == 2


def test_query_count_does_not_grow_with_loans(
    client: Client, ducthang_officer: User, django_assert_num_queries: Any
) -> None:
    make_round(2017)
    client.force_login(ducthang_officer)

    def add(start: int, stop: int) -> None:
        for index in range(start, stop):
            household = make_household(code=f"DT-{index:03}")
            lend(household, ago(800), 12, checks=((ago(500), True),), reference=f"KU-{index}")

    add(0, 5)
    # The page's ids first, then its rows (`Worklist.ids_first`): 12.
    queries = 12 + STORING
    with django_assert_num_queries(queries):
        assert len(client.get(URL).context["rows"]) == 5
    add(5, 30)
    with django_assert_num_queries(queries):
        assert len(client.get(URL).context["rows"]) == 30


def test_every_row_is_what_the_rule_says(city_reviewer: User, loans: dict[str, Loan]) -> None:
    rows = worklists.worklist_rows(
        worklists.WORKLISTS[KEY],
        scope=scope_for(city_reviewer),
        year=2017,
        filters=worklists.WorklistFilters(),
    )
    assert {row.pk for row in rows} == {
        loan.pk
        for loan in Loan.objects.select_related("benefit").prefetch_related("checks")
        if loan_status.of_loan(loan, timezone.localdate()).needs_attention
    }


def test_each_page_holds_its_own_loans_in_order(client: Client, city_reviewer: User) -> None:
    # Chosen by id first (`Worklist.ids_first`): page 2 goes on where page 1 stopped, in the
    # list's order (the longest overdue first), and no loan is on two pages.
    make_round(2017)
    for index in range(worklists.PER_PAGE + 7):
        household = make_household(code=f"DT-{index:03}")
        lend(household, ago(2000 - index), 12, reference=f"KU-{index:03}")
    client.force_login(city_reviewer)
    first = list(client.get(URL).context["page"].object_list)
    second = list(client.get(URL, {"page": 2}).context["page"].object_list)
    assert len(first) == worklists.PER_PAGE and len(second) == 7
    expected = [f"KU-{index:03}" for index in range(worklists.PER_PAGE + 7)]
    assert [loan.benefit.reference for loan in first + second] == expected
