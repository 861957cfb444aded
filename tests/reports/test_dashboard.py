"""The dashboard at /reports/ and its Excel export, on the hand-built history
(tests/reports/history.py, where every figure is worked out)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import User, Ward
from reports.models import FiguresSnapshot
from tests.factories import make_assessment_in_state, make_round
from tests.reports.history import POOR_URBAN, History, household

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")
EXPORT = reverse("reports:dashboard_export")


def _row(html: str, table: str, ward: str) -> list[str]:
    """The cells of `ward`'s row of the table `table`, as text."""
    body = html.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'data-ward="{ward}"', 1)[1].split("</tr>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def _shown(card: str) -> str:
    """The figure a card shows in large print."""
    match = re.search(r'class="fs-4 mb-1">\s*([^<\s]+)', card)
    assert match is not None
    return match[1]


def test_officer_sees_their_wards_official_figures(
    client: Any, ducthang_officer: User, history: History
) -> None:
    client.force_login(ducthang_officer)
    response = client.get(URL, {"year": 2017})
    assert response.status_code == 200
    data = response.context["data"]
    assert [w.code for w in data.wards] == ["duc-thang"]
    html = response.content.decode()
    # Form 1: 300 households, poor B and E (6 persons, 0,67 %, N1 1, N2 1), near-poor A, C, D.
    assert _row(html, "bieu-1", "duc-thang") == [
        "300",
        "2",
        "6",
        "0,67",
        "1",
        "1",
        "3",
        "6",
        "1,00",
    ]
    # Form 2a: 3 + newly poor 1 − escaped 2 (to near-poor 2) = 2.
    assert _row(html, "bieu-2a", "duc-thang") == [
        "3", "1", "0", "0", "0", "1", "2", "2", "0", "0", "2", "2"
    ]  # fmt: skip
    # B and C's 2017 results are in review: shown apart, with their list.
    assert _row(html, "dang-ra-soat", "duc-thang") == ["2", "1", "0", "1", "0"]
    assert "2 kết quả đang rà soát" in html
    assert "state=in_review" in html
    assert "unit=duc-thang" in html  # the PDF buttons name the ward
    assert 'id="report-charts"' in html


def test_the_escaped_card_shows_the_movement_tables_number(
    client: Any, city_reviewer: User, history: History
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"year": 2017})
    html = response.content.decode()
    card = html.split('data-testid="indicator-escaped"', 1)[1].split('data-testid="indicator', 1)[0]
    # 2 households escaped (A, D), the same 2 and the same list as Form 2a's total.
    escaped = response.context["data"].poor_movements.total.values["escaped"]
    assert escaped.value == 2
    assert _shown(card) == "2"
    assert escaped.url.replace("&", "&amp;") in card
    expected = html.split('data-testid="indicator-escape_planned"', 1)[1]
    assert _shown(expected) == "1"  # A, poor on 1/1/2017 and expected to escape


def test_six_month_dashboard(client: Any, city_reviewer: User, history: History) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"year": 2017, "period": "six-month"})
    data = response.context["data"]
    assert data.is_six_month
    html = response.content.decode()
    assert "6 tháng đầu năm 2017" in html
    # On 30/6/2017: poor A, B; near-poor C, D (ad-hoc); 4 − escaped D = 3 in the city.
    assert _row(html, "bieu-1", "duc-thang")[:3] == ["300", "2", "5"]
    assert data.poor_movements.total.value("escaped") == 1
    assert "1 kết quả đang rà soát" in html  # F's ad-hoc request


def test_no_result_in_review_no_warning(
    client: Any, city_reviewer: User, tien_loi: Ward, history: History
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"ward": tien_loi.pk})
    assert response.context["data"].in_review.total.cells[0].value == 0
    # Not "0 kết quả đang rà soát": the warning is for results that are in review.
    assert 'data-testid="in-review"' not in response.content.decode()


def test_city_chooses_a_ward(
    client: Any, city_reviewer: User, tien_loi: Ward, history: History
) -> None:
    client.force_login(city_reviewer)
    assert client.get(URL).context["data"].results.total.value("poor") == 3
    response = client.get(URL, {"ward": tien_loi.pk})
    assert response.context["data"].wards == [tien_loi]
    assert response.context["data"].results.total.value("poor") == 1


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.get(EXPORT).status_code == 302


def test_another_wards_officer_gets_404(
    client: Any, tienloi_officer: User, duc_thang: Ward
) -> None:
    make_round(2017)
    client.force_login(tienloi_officer)
    assert client.get(URL, {"ward": duc_thang.pk}).status_code == 404
    assert client.get(EXPORT, {"ward": duc_thang.pk}).status_code == 404


def test_agency_and_committee_are_forbidden(
    client: Any, agency_user: User, committee_member: User
) -> None:
    make_round(2017)
    for user in (agency_user, committee_member):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.get(EXPORT).status_code == 403


def test_bad_year_says_so_and_shows_the_latest(client: Any, city_reviewer: User) -> None:
    make_round(2016)
    make_round(2017)
    client.force_login(city_reviewer)
    response = client.get(URL, {"year": "1999"})
    assert response.status_code == 200
    assert response.context["data"].year == 2017
    assert "Không có đợt rà soát định kỳ" in response.content.decode()


def test_a_report_date_before_the_period_is_refused(
    client: Any, city_reviewer: User, history: History
) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL, {"year": 2017, "date": "2016-12-31"})
    assert response.status_code == 200
    assert response.context["data"] is None
    assert "Ngày báo cáo không được trước ngày bắt đầu kỳ báo cáo" in response.content.decode()
    response = client.get(EXPORT, {"year": 2017, "date": "2016-12-31"})
    assert response.status_code == 400


def test_export_has_the_forms_with_the_same_figures(
    client: Any, city_reviewer: User, history: History
) -> None:
    client.force_login(city_reviewer)
    response = client.get(EXPORT, {"year": "2017", "date": "15/01/2018"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames[:8] == [
        "Chỉ tiêu",
        "Biểu 1",
        "Biểu 2a",
        "Biểu 2b",
        "Biểu 3",
        "Biểu 4a",
        "Biểu 4b",
        "Đang rà soát",
    ]
    form_1 = book["Biểu 1"]
    assert "15/01/2018" in form_1["A1"].value and "năm 2017" in form_1["A1"].value
    rows = {r[0]: r for r in form_1.iter_rows(min_row=3, values_only=True)}
    assert rows["Đức Thắng"] == (
        "Đức Thắng", 300, 2, 6, 0.0067, 1, 1, 3, 6, 0.01
    )  # fmt: skip
    assert rows["Tiến Lợi"][4] == 0.0013  # 0,125 % rounded half up, as a fraction
    assert rows["Tổng cộng"][:4] == ("Tổng cộng", 17_100, 3, 7)
    # Rates are numbers Excel can add up, shown as percentages (0,67 %), not text.
    assert form_1["E3"].number_format == "0.00%"
    indicators = list(book["Chỉ tiêu"].iter_rows(min_row=3, max_col=4))
    achieved = [cell for row in indicators for cell in row[2:4] if cell.value is not None]
    assert achieved and all(isinstance(cell.value, (int, float)) for cell in achieved)
    assert {c.number_format for c in achieved if c.column == 3} == {"0.00%"}
    movements = {r[0]: r for r in book["Biểu 2a"].iter_rows(min_row=3, values_only=True)}
    assert movements["Tổng cộng"][1:] == (4, 1, 0, 0, 0, 1, 2, 2, 0, 0, 2, 3)
    review = {r[0]: r for r in book["Đang rà soát"].iter_rows(min_row=3, values_only=True)}
    assert review["Đức Thắng"][1] == 2


def test_query_count_does_not_grow(
    client: Any,
    city_reviewer: User,
    ducthang_officer: User,
    history: History,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    client.get(URL)  # warm the session and the caches
    # Nothing stored: the page computes the figures itself (after a mere write it would serve
    # the previous ones and leave the counting to the job worker, `reports.figures`).
    FiguresSnapshot.objects.all().delete()
    with django_assert_max_num_queries(40) as few:
        client.get(URL)
    # Six more poor households, each with its members and its review: an N+1 costs 6 more.
    for i in range(6):
        make_assessment_in_state(
            household(f"Q{i:03}", "duc-thang", 2),
            "recognised",
            officer=ducthang_officer,
            reviewer=city_reviewer,
            review_round=make_round(2017),
            income_per_capita=POOR_URBAN,
        )
    FiguresSnapshot.objects.all().delete()
    with django_assert_max_num_queries(len(few)) as many:
        client.get(URL)
    assert len(many) == len(few)
