"""The household list as an Excel download (issue 5 §3): read back with openpyxl."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, Member, PovertyStatus, User, Ward
from households.selectors import HouseholdFilters
from programs.excel import VND_FORMAT
from programs.scope import scope_for
from reports.households_export import write_household_xlsx
from tests.factories import ASYNC_COMMIT, make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

URL = reverse("reports:household_list_xlsx")


def sheet_of(response: Any) -> Any:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def household_with_head(
    code: str, head: str, ward_code: str = "duc-thang", **extra: Any
) -> Household:
    household = make_household(ward_code, code=code, head_name=head, **extra)
    make_member(household, full_name=head)
    return household


def test_it_exports_the_list_with_title_headers_and_vnd(
    client: Client, ducthang_officer: User
) -> None:
    review_round = make_round(2017)
    household = household_with_head("DT-0001", "Nguyễn Văn An", phone="0912345678")
    make_assessment(household, review_round=review_round, income_per_capita=800_000)
    client.force_login(ducthang_officer)

    sheet = sheet_of(client.get(URL))

    assert "Danh sách hộ" in sheet["A1"].value
    assert "Đức Thắng" in sheet["A1"].value
    assert "2017" in sheet["A1"].value
    assert sheet["A1"].font.b
    assert sheet["A2"].value == "Mã hộ"
    assert sheet["B2"].value == "Chủ hộ"
    assert sheet["A2"].font.b
    assert sheet.freeze_panes == "A3"
    row = [cell.value for cell in sheet[3]]
    assert row[:6] == [
        "DT-0001",
        "Nguyễn Văn An",
        "12 Trần Hưng Đạo",
        row[3],
        "Đức Thắng",
        "0912345678",
    ]
    assert row[8] == 1  # members
    assert row[9] == PovertyStatus.POOR.label
    assert sheet.cell(3, 12).value == 800_000
    assert sheet.cell(3, 12).number_format == VND_FORMAT


def test_it_is_scoped_to_the_officers_ward(
    client: Client, ducthang_officer: User, tienloi_officer: User
) -> None:
    household_with_head("DT-0001", "Nguyễn Văn An")
    household_with_head("TL-0001", "Lê Thị Hoa", ward_code="tien-loi")
    client.force_login(tienloi_officer)

    sheet = sheet_of(client.get(URL))

    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == ["TL-0001"]


def test_the_filters_mean_what_they_mean_on_the_list(client: Client, city_reviewer: User) -> None:
    household_with_head("DT-0001", "Nguyễn Văn An", is_merit_family=True)
    household_with_head("DT-0002", "Trần Văn Bình")
    household_with_head("TL-0001", "Lê Thị Hoa", ward_code="tien-loi", is_merit_family=True)
    duc_thang = Ward.objects.get(code="duc-thang")
    client.force_login(city_reviewer)

    sheet = sheet_of(client.get(URL, {"ward": duc_thang.pk, "merit": "1"}))

    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == ["DT-0001"]


def test_a_name_starting_with_equals_stays_text(client: Client, ducthang_officer: User) -> None:
    household_with_head("DT-0001", '=HYPERLINK("http://x";"A")')
    client.force_login(ducthang_officer)

    sheet = sheet_of(client.get(URL))

    cell = sheet["B3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x";"A")'


def test_with_members_it_writes_one_row_per_member_head_first(
    client: Client, ducthang_officer: User
) -> None:
    household = make_household(code="DT-0001", head_name="Nguyễn Văn An")
    make_member(
        household, full_name="Nguyễn Văn Bảo", relation=Member.Relation.CHILD, birth_year=2005
    )
    make_member(household, full_name="Nguyễn Văn An")
    client.force_login(ducthang_officer)

    sheet = sheet_of(client.get(URL, {"members": "1"}))

    headers = [cell.value for cell in sheet[2]]
    assert headers[:3] == ["Mã hộ", "Phường/xã", "Khu phố/thôn"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    name = headers.index("Họ và tên")
    relation = headers.index("Quan hệ với chủ hộ")
    assert [(r[0], r[name], r[relation]) for r in rows] == [
        ("DT-0001", "Nguyễn Văn An", "Chủ hộ"),
        ("DT-0001", "Nguyễn Văn Bảo", "Con"),
    ]


def test_query_count_does_not_grow_with_households(
    client: Client, ducthang_officer: User, django_assert_num_queries: Any
) -> None:
    make_round(2017)
    for number in range(1, 31):
        household_with_head(f"DT-{number:04d}", f"Hộ Số {number}")
    client.force_login(ducthang_officer)
    client.get(URL)  # the session and the user are cached after the first request

    # One of them is the view-log row of the export (audit.ViewLog, issue 10), one asks whether
    # the list is long enough for a background job (at most JOBS_XLSX_MIN_HOUSEHOLDS + 1 keys),
    # one reads the rows (`test_the_export_reads_its_rows_in_one_query`).
    with django_assert_num_queries(10 + ASYNC_COMMIT):
        response = client.get(URL)
        sheet = sheet_of(response)
    assert sheet.max_row == 32

    # With members, one more reads the units' labels (`reports.imports.unit_labels`).
    with django_assert_num_queries(11 + ASYNC_COMMIT):
        response = client.get(URL, {"members": "1"})
        sheet = sheet_of(response)
    assert sheet.max_row == 32


@pytest.mark.parametrize("with_members", [False, True])
def test_the_export_reads_its_rows_in_one_query(
    city_reviewer: User, django_assert_num_queries: Any, with_members: bool
) -> None:
    review_round = make_round(2017)
    for number in range(1, 41):
        household = household_with_head(f"DT-{number:04d}", f"Hộ Số {number}")
        make_member(
            household, full_name=f"Con Số {number}", relation=Member.Relation.CHILD, birth_year=2010
        )
        make_assessment(household, review_round=review_round, income_per_capita=900_000)
    filters = HouseholdFilters(review_round=review_round.pk)

    def export(**extra: Any) -> Any:
        target = io.BytesIO()
        count = write_household_xlsx(
            target,
            user=city_reviewer,
            scope=scope_for(city_reviewer),
            filters=filters,
            sort="code",
            ward=None,
            review_round=review_round,
            with_members=with_members,
            **extra,
        )
        return count, load_workbook(target).active

    labels = 1 if with_members else 0  # the units' labels (`reports.imports.unit_labels`)
    with django_assert_num_queries(1 + labels):
        count, sheet = export()
    assert count == (80 if with_members else 40)
    assert sheet.max_row == count + 2

    calls: list[tuple[int, int]] = []
    with django_assert_num_queries(2 + labels):  # and one to count the rows for the progress bar
        export(progress=lambda *call: calls.append(call))
    assert calls[0] == (0, count)
    assert calls[-1] == (count, count)


def test_the_list_writes_numbers_and_labels_as_values(
    client: Client, ducthang_officer: User
) -> None:
    review_round = make_round(2017)
    household = household_with_head("DT-0001", "#N/A", is_merit_family=True)
    make_assessment(household, review_round=review_round, income_per_capita=800_000)
    household_with_head("DT-0002", "Lê Văn Cường")  # not assessed
    client.force_login(ducthang_officer)

    sheet = sheet_of(client.get(URL))

    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][1] == "#N/A"  # a text, not Excel's error value
    assert sheet["B3"].data_type == "s"
    assert rows[0][6] == "Có"
    assert rows[0][7] is None
    assert rows[0][8] == 1
    assert sheet["I3"].number_format == "#,##0"
    assert rows[0][9] == PovertyStatus.POOR.label
    assert rows[0][11] == 800_000
    assert rows[1][9:] == ["Chưa rà soát trong kỳ này", None, None, None]


def test_with_members_dates_are_dates(client: Client, ducthang_officer: User) -> None:
    household = make_household(code="DT-0001", head_name="Nguyễn Văn An")
    make_member(
        household,
        full_name="Nguyễn Văn An",
        date_of_birth=datetime.date(1970, 3, 5),
        national_id="060070000001",
    )
    client.force_login(ducthang_officer)

    sheet = sheet_of(client.get(URL, {"members": "1"}))

    headers = [cell.value for cell in sheet[2]]
    born = headers.index("Ngày sinh (dd/mm/yyyy)") + 1
    cell = sheet.cell(3, born)
    assert cell.value.date() == datetime.date(1970, 3, 5)  # Excel has no dates, only days
    assert cell.number_format == "dd/mm/yyyy"
    assert sheet.cell(3, headers.index("Năm sinh") + 1).value == "1970"
    assert sheet.cell(3, headers.index("Số CMND/CCCD") + 1).value == "060070000001"


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_partners_may_not_export(client: Client, persona: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
