"""A result's income wherever it is shown (issue 12 item 2): the household list, its Excel export
and PDF, and the household's PDF profile show the typed income, or the route and band that placed
it when it was not typed ("Phiếu B1: 155 điểm – trên chuẩn", "Phiếu A: loại khỏi rà soát"), from
`households.models.income_text`. The import/export round trip holds with such rows.

Tiến Lợi is a commune in 2017: its partial NT3 table places a score above 150 "above the lines"
(REFERENCE.md §3.4, UNCONFIRMED).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from households import services
from households.models import Assessment, Household, IncomeRoute, Member, User, income_text
from tests.factories import ASYNC_COMMIT, make_household, make_member, make_round
from tests.reports.test_import import problems_of, upload
from tests.reports.test_pdf import pdf_text

pytestmark = pytest.mark.django_db

# 1 person 70 + no dependants 15 + vocational 5 + other job 20 + two pensioners 45 = 155 > 150.
AT_155 = {
    "household_size": "1",
    "dependants": "none",
    "highest_degree": "vocational",
    "non_farm_job": "other",
    "pensioners": "two_plus",
}
B1_TEXT = "Phiếu B1: 155 điểm – trên chuẩn"
PHIEU_A_TEXT = "Phiếu A: loại khỏi rà soát"


def _household(code: str, head: str) -> Household:
    household = make_household("tien-loi", code=code, head_name=head)
    make_member(household, full_name=head)
    return household


@pytest.fixture
def surveyed(tien_loi: object) -> dict[str, Household]:
    """Three Tiến Lợi households of the 2017 round: typed, Phiếu B1 (155), Phiếu A."""
    review_round = make_round(2017)
    typed = _household("TL-0001", "Lê Văn Nhập")
    scored = _household("TL-0002", "Lê Văn Điểm")
    screened = _household("TL-0003", "Lê Văn Loại")
    services.assessment_save(household=typed, round=review_round, income_per_capita=650_000)
    services.assessment_save(
        household=scored,
        round=review_round,
        income_route=IncomeRoute.PHIEU_B,
        b1_answers=AT_155,
    )
    services.assessment_save(
        household=screened,
        round=review_round,
        income_route=IncomeRoute.PHIEU_A,
        screened_out=["car"],
    )
    return {"typed": typed, "scored": scored, "screened": screened}


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ({"route": "typed", "income": 1_100_000, "b1_score": None, "b1_band": ""}, "1.100.000 đ"),
        ({"route": "typed", "income": 0, "b1_score": None, "b1_band": ""}, "0 đ"),
        ({"route": "phieu_b", "income": None, "b1_score": 165, "b1_band": "above"}, None),
        (
            {"route": "phieu_b", "income": None, "b1_score": 90, "b1_band": "between_lines"},
            "Phiếu B1: 90 điểm – giữa chuẩn nghèo và chuẩn cận nghèo",
        ),
        ({"route": "phieu_a", "income": None, "b1_score": None, "b1_band": ""}, PHIEU_A_TEXT),
        ({"route": "typed", "income": None, "b1_score": None, "b1_band": ""}, "—"),
    ],
)
def test_income_text_words_each_route(values: dict[str, Any], shown: str | None) -> None:
    with translation.override("vi"):
        assert income_text(**values) == (shown or "Phiếu B1: 165 điểm – trên chuẩn")


def test_the_household_list_shows_the_route_where_no_income_was_typed(
    client: Client,
    tienloi_officer: User,
    surveyed: dict[str, Household],
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(tienloi_officer)
    client.get(reverse("households:list"))
    # The three fields more are read with the row's assessment: no query per row.
    with django_assert_max_num_queries(15):
        page = client.get(reverse("households:list")).content.decode()
    assert "650.000 đ" in page and B1_TEXT in page and PHIEU_A_TEXT in page


def test_the_excel_list_writes_the_route_as_text_and_the_typed_income_as_a_number(
    client: Client, tienloi_officer: User, surveyed: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)
    response = client.get(reverse("reports:household_list_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    incomes = {row[0].value: row[11].value for row in sheet.iter_rows(min_row=3)}
    assert incomes == {"TL-0001": 650_000, "TL-0002": B1_TEXT, "TL-0003": PHIEU_A_TEXT}


def test_the_excel_list_reads_the_routes_in_one_query_more_whatever_the_rows(
    client: Client, tienloi_officer: User, tien_loi: object, django_assert_num_queries: Any
) -> None:
    review_round = make_round(2017)
    for number in range(1, 21):
        household = _household(f"TL-{number:04d}", f"Hộ Số {number}")
        services.assessment_save(
            household=household, round=review_round, income_route=IncomeRoute.PHIEU_A,
            screened_out=["car"],
        )  # fmt: skip
    client.force_login(tienloi_officer)
    client.get(reverse("reports:household_list_xlsx"))
    # test_household_export's 10 with typed incomes, one more for the 20 routes.
    with django_assert_num_queries(11 + ASYNC_COMMIT):
        response = client.get(reverse("reports:household_list_xlsx"))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[11].value for row in sheet.iter_rows(min_row=3)] == [PHIEU_A_TEXT] * 20


def test_the_pdf_list_and_profile_show_the_route(
    client: Client, tienloi_officer: User, surveyed: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)
    listed = pdf_text(client.get(reverse("reports:household_list_pdf")).content)
    assert "650.000 đ" in listed and B1_TEXT in listed and PHIEU_A_TEXT in listed
    for key, shown in (("scored", B1_TEXT), ("screened", PHIEU_A_TEXT), ("typed", "650.000 đ")):
        url = reverse("reports:household_profile_pdf", args=[surveyed[key].pk])
        assert shown in pdf_text(client.get(url).content)


def test_the_members_export_of_untyped_results_imports_back(
    client: Client, tienloi_officer: User, surveyed: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)
    exported = b"".join(
        client.get(reverse("reports:household_list_xlsx"), {"members": "1"}).streaming_content
    )
    before = sorted(Member.objects.values_list("household__code", "full_name"))
    preview = upload(client, exported)
    assert problems_of(preview) == []
    client.post(reverse("reports:import"), {"token": preview.context["token"]})
    # The registry is read back unchanged; the results are the survey's, untouched.
    assert sorted(Member.objects.values_list("household__code", "full_name")) == before
    assert Assessment.objects.filter(income_per_capita__isnull=True).count() == 2


def test_the_list_export_is_refused_by_the_import_in_vietnamese(
    client: Client, tienloi_officer: User, surveyed: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)
    exported = b"".join(client.get(reverse("reports:household_list_xlsx")).streaming_content)
    preview = upload(client, exported)
    assert preview.status_code == 200
    problems = problems_of(preview)
    assert problems == [
        (0, "", "Không tìm thấy dòng tiêu đề có cột “Mã hộ” và “Họ và tên”: hãy dùng tệp mẫu.")
    ]
    assert Household.objects.count() == 3
