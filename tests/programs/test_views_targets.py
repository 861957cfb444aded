"""Targets per ward and year: planned, expected and actual escapes; the city edits them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Household, User, Ward
from programs.models import WardTarget
from programs.scope import scope_for
from reports.models import FiguresChange
from reports.selectors import ESCAPE_PLANNED, ESCAPED, POOR_RATE_END, report_data
from tests.factories import (
    STORING,
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
)
from tests.reports.history import History, build_history, household

pytestmark = pytest.mark.django_db

POOR = 800_000  # below Đức Thắng's urban poverty line
NOT_POOR = 3_000_000


def _household(ward_code: str, code: str) -> Household:
    household = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    return household


@pytest.fixture
def year_2017(duc_thang: Ward) -> dict[str, Any]:
    """The 2016 and 2017 rounds with only drafts: nothing is recognised, nothing counts."""
    first, second = make_round(2016), make_round(2017)
    households = [_household("duc-thang", f"DT-000{n}") for n in range(1, 5)]
    make_assessment(households[0], income_per_capita=POOR, review_round=first)
    make_assessment(households[1], income_per_capita=POOR, review_round=second)
    WardTarget.objects.create(
        ward=duc_thang, year=2017, households_to_escape=3, total_households=400
    )
    return {"round": second, "previous": first, "households": households}


@pytest.fixture
def history(ducthang_officer: User, city_reviewer: User, tienloi_officer: User) -> History:
    return build_history(ducthang_officer, city_reviewer, tienloi_officer)


def test_the_targets_page_shows_the_dashboards_figures(
    client: Client, city_reviewer: User, history: History, duc_thang: Ward, tien_loi: Ward
) -> None:
    """tests/reports/history.py: in 2017 Đức Thắng planned 2 escapes; A was expected to (poor
    on 1/1/2017 with the forecast); A and D escaped; B and E are poor at the end: 2 / 300 =
    0,67 %. Tiến Lợi planned 1: G stays poor, 1 / 800 = 0,125 → 0,13 % (half up)."""
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:targets"), {"year": "2017"})

    assert response.status_code == 200
    rows = {row.ward.code: row for row in response.context["rows"]}
    dt, tl = rows["duc-thang"], rows["tien-loi"]
    assert (dt.target.households_to_escape, dt.expected, dt.escaped, dt.poor) == (2, 1, 2, 2)
    assert dt.poor_rate == Decimal("0.67")
    assert (tl.expected, tl.escaped, tl.poor, tl.poor_rate) == (0, 0, 1, Decimal("0.13"))
    html = response.content.decode()
    assert "0,13%" in html and "0,67%" in html
    # The very figures of the dashboard, for the ward and for the city, with the same lists.
    data = report_data(scope=scope_for(city_reviewer), year=2017)
    movements = data.poor_movements
    assert dt.figures.escaped == movements.row(duc_thang).values["escaped"]
    assert dt.figures.poor == data.results.row(duc_thang).values["poor"]
    assert tl.poor_rate == data.results.row(tien_loi).value("poor_rate")
    total = response.context["total"]
    assert total.escaped.value == data.indicator(ESCAPED).numerator == 2
    assert total.expected.value == data.indicator(ESCAPE_PLANNED).numerator == 1
    assert total.poor_rate == data.indicator(POOR_RATE_END).actual
    query = urlencode({"on": "2017-01-01", "ward": duc_thang.pk, "status": "poor", "escape": 1})
    assert dt.figures.expected.url == f"{reverse('households:list')}?{query}"
    assert dt.figures.expected.url.replace("&", "&amp;") in html
    assert dt.figures.escaped.url.replace("&", "&amp;") in html


def test_unrecognised_surveys_count_for_nothing(
    client: Client, city_reviewer: User, year_2017: dict[str, Any]
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:targets"), {"year": "2017"})

    row = next(r for r in response.context["rows"] if r.ward.code == "duc-thang")
    assert (row.expected, row.escaped, row.poor, row.poor_rate) == (0, 0, 0, Decimal("0.00"))


def test_an_officer_sees_their_wards_row_only_and_no_form(
    client: Client, ducthang_officer: User, year_2017: dict[str, Any]
) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("programs:targets"), {"year": "2017"})

    assert [row.ward.code for row in response.context["rows"]] == ["duc-thang"]
    assert 'name="ward"' not in response.content.decode()


def test_the_city_saves_a_wards_targets(
    client: Client, city_reviewer: User, tien_loi: Ward, year_2017: dict[str, Any]
) -> None:
    client.force_login(city_reviewer)
    prefix = f"w{tien_loi.pk}"

    response = client.post(
        reverse("programs:targets"),
        {
            "ward": tien_loi.pk,
            "year": "2017",
            f"{prefix}-households_to_escape": "12",
            f"{prefix}-total_households": "2500",
            f"{prefix}-rate_reduction_min": "0,2",
            f"{prefix}-rate_reduction_max": "0,3",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{reverse('programs:targets')}?year=2017"
    target = WardTarget.objects.get(ward=tien_loi, year=2017)
    assert (target.households_to_escape, target.total_households) == (12, 2500)
    assert (target.rate_reduction_min, target.rate_reduction_max) == (
        Decimal("0.2"),
        Decimal("0.3"),
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"households_to_escape": "-1"}, "households_to_escape", "âm"),
        ({"households_to_escape": "5000"}, "households_to_escape", "lớn hơn tổng số hộ"),
        ({"total_households": ""}, "total_households", "Nhập tổng số hộ"),
        ({"rate_reduction_max": "0,1"}, "rate_reduction_max", "không được nhỏ hơn"),
    ],
)
def test_bad_targets_are_refused_with_a_message_and_nothing_changed(
    client: Client,
    city_reviewer: User,
    duc_thang: Ward,
    year_2017: dict[str, Any],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(city_reviewer)
    prefix = f"w{duc_thang.pk}"
    data = {
        "households_to_escape": "4",
        "total_households": "400",
        "rate_reduction_min": "0,2",
        "rate_reduction_max": "0,3",
        **changes,
    }

    response = client.post(
        reverse("programs:targets"),
        {"ward": duc_thang.pk, "year": "2017", **{f"{prefix}-{k}": v for k, v in data.items()}},
    )

    assert response.status_code == 200
    assert response.context["open_ward"] == duc_thang.pk
    row = next(r for r in response.context["rows"] if r.ward == duc_thang)
    assert message in " ".join(row.form.errors[field])
    target = WardTarget.objects.get(ward=duc_thang, year=2017)
    assert (target.households_to_escape, target.total_households) == (3, 400)


@pytest.mark.parametrize("persona", ["ducthang_officer", "agency_user", "committee_member"])
def test_only_the_city_edits_targets(
    client: Client, persona: str, request: pytest.FixtureRequest, duc_thang: Ward
) -> None:
    client.force_login(request.getfixturevalue(persona))
    prefix = f"w{duc_thang.pk}"
    data = {
        "ward": duc_thang.pk,
        "year": "2017",
        f"{prefix}-households_to_escape": "1",
        f"{prefix}-total_households": "10",
        f"{prefix}-rate_reduction_min": "0,2",
        f"{prefix}-rate_reduction_max": "0,3",
    }
    assert client.post(reverse("programs:targets"), data).status_code == 403
    assert not WardTarget.objects.exists()


def test_the_targets_query_count_does_not_grow_with_households(
    client: Client,
    city_reviewer: User,
    ducthang_officer: User,
    history: History,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    client.get(reverse("programs:targets"))
    FiguresChange.objects.create()  # a write: the figures are computed again (reports.figures)
    with django_assert_num_queries(15 + STORING) as few:
        client.get(reverse("programs:targets"), {"year": "2017"})
    for number in range(10):
        make_assessment_in_state(
            household(f"DT-Q{number:02}", "duc-thang", 1),
            "recognised",
            officer=ducthang_officer,
            reviewer=city_reviewer,
            review_round=make_round(2016),
            income_per_capita=POOR,
            expected_to_escape=True,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:targets"), {"year": "2017"})
    assert response.context["total"].expected.value == 11  # A and the 10 added


def test_targets_need_login(client: Client) -> None:
    response = client.get(reverse("programs:targets"))
    assert response.headers["Location"].startswith(reverse("login"))


def test_counts_are_written_the_vietnamese_way(
    client: Client, city_reviewer: User, tien_loi: Ward, year_2017: dict[str, Any]
) -> None:
    """Counts take the Vietnamese thousands separator: 2.590, not 2590 (issue 13)."""
    WardTarget.objects.create(
        ward=tien_loi, year=2017, households_to_escape=2590, total_households=12500
    )
    client.force_login(city_reviewer)

    html = client.get(reverse("programs:targets"), {"year": "2017"}).content.decode()

    assert "2.590" in html and "12.500" in html and "2.593" in html  # total planned: 3 + 2590
    assert not any(figure in html for figure in (">2590<", ">12500<", ">2593<"))
