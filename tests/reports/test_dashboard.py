"""The dashboard at /reports/ and its Excel export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, User, Ward
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")
EXPORT = reverse("reports:dashboard_export")


def _poor(code: str, ward: str = "duc-thang") -> Household:
    household = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    make_assessment(household, review_round=make_round(2017), income_per_capita=600_000)
    return household


def test_officer_sees_their_wards_indicators(client: Any, ducthang_officer: User) -> None:
    _poor("DT-1")
    _poor("TL-1", ward="tien-loi")
    client.force_login(ducthang_officer)
    response = client.get(URL)
    assert response.status_code == 200
    data = response.context["data"]
    assert data.year == 2017
    assert data.status_total.poor.value == 1  # Tiến Lợi's household is not counted
    html = response.content.decode()
    assert "Đức Thắng" in html
    assert 'id="report-charts"' in html
    assert "unit=duc-thang" in html  # the PDF button names the ward


def test_city_chooses_a_ward(client: Any, city_reviewer: User, tien_loi: Ward) -> None:
    _poor("DT-1")
    _poor("TL-1", ward="tien-loi")
    client.force_login(city_reviewer)
    assert client.get(URL).context["data"].status_total.poor.value == 2
    response = client.get(URL, {"ward": tien_loi.pk})
    assert response.context["data"].wards == [tien_loi]
    assert response.context["data"].status_total.poor.value == 1


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


def test_export_has_every_table(client: Any, city_reviewer: User) -> None:
    _poor("DT-1")
    client.force_login(city_reviewer)
    response = client.get(EXPORT, {"year": "2017"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.sheetnames) == 6
    by_ward = book.worksheets[1]
    assert "2017" in by_ward["A1"].value
    rows = list(by_ward.iter_rows(min_row=3, values_only=True))
    duc_thang = next(r for r in rows if r[0] == "Đức Thắng")
    assert duc_thang[3] == 1  # surveyed 1 … poor 1 (columns: ward, total, surveyed, poor)


def test_query_count_does_not_grow(
    client: Any, city_reviewer: User, django_assert_max_num_queries: Any
) -> None:
    for i in range(5):
        _poor(f"DT-{i}")
    client.force_login(city_reviewer)
    client.get(URL)  # warm the session and the caches
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    for i in range(5, 40):
        _poor(f"DT-{i}")
    with django_assert_max_num_queries(len(few)) as many:
        client.get(URL)
    assert len(many) == len(few)
