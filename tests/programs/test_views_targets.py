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
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

POOR = 800_000  # below Đức Thắng's urban poverty line
NOT_POOR = 3_000_000


def _household(ward_code: str, code: str) -> Household:
    household = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    return household


@pytest.fixture
def year_2017(duc_thang: Ward) -> dict[str, Any]:
    first, second = make_round(2017), make_round(2018)
    households = [_household("duc-thang", f"DT-000{n}") for n in range(1, 5)]
    # Two poor households expected to escape: one did, one is still poor; a third is poor
    # without a plan; the fourth is not poor.
    make_assessment(households[0], income_per_capita=POOR, expected_to_escape=True)
    make_assessment(households[1], income_per_capita=POOR, expected_to_escape=True)
    make_assessment(households[2], income_per_capita=POOR)
    make_assessment(households[3], income_per_capita=NOT_POOR)
    make_assessment(households[0], income_per_capita=NOT_POOR, review_round=second)
    make_assessment(households[1], income_per_capita=POOR, review_round=second)
    WardTarget.objects.create(
        ward=duc_thang, year=2017, households_to_escape=3, total_households=400
    )
    return {"round": first, "next": second, "households": households}


def test_the_city_sees_planned_expected_and_escaped_per_ward(
    client: Client, city_reviewer: User, year_2017: dict[str, Any], duc_thang: Ward
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:targets"), {"year": "2017"})

    assert response.status_code == 200
    rows = {row.ward.code: row for row in response.context["rows"]}
    row = rows["duc-thang"]
    assert (row.target.households_to_escape, row.expected, row.poor, row.escaped) == (3, 2, 3, 1)
    assert row.poor_rate == Decimal("0.75")  # 3 of 400
    assert rows["tien-loi"].target is None
    query = urlencode({"escape": 1, "round": year_2017["round"].pk, "ward": duc_thang.pk})
    assert f"{reverse('households:list')}?{query}" == row.expected_link
    assert row.expected_link.replace("&", "&amp;") in response.content.decode()


def test_without_the_next_round_escapes_are_not_known(
    client: Client, city_reviewer: User, year_2017: dict[str, Any]
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("programs:targets"), {"year": "2018"})

    assert response.context["next_round"] is None
    assert all(row.escaped is None for row in response.context["rows"])


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
    year_2017: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    client.get(reverse("programs:targets"))
    with django_assert_num_queries(10) as few:
        client.get(reverse("programs:targets"), {"year": "2017"})
    for number in range(5, 15):
        household = _household("tien-loi", f"TL-00{number:02}")
        make_assessment(household, income_per_capita=POOR, expected_to_escape=True)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:targets"), {"year": "2017"})
    assert response.context["totals"]["expected"] == 12


def test_targets_need_login(client: Client) -> None:
    response = client.get(reverse("programs:targets"))
    assert response.headers["Location"].startswith(reverse("login"))
