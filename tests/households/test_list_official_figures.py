"""The household list behind official figures: recognised lists on a day, movements of a
period, results in review (households.selectors *_list_url, households.standing)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from households import selectors, standing
from households.models import Household, ReviewRound, ReviewState, User
from tests.factories import (
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    persona,
)

pytestmark = pytest.mark.django_db

POOR = 800_000  # urban: ≤ 900.000 đ
NEAR = 1_100_000
ABOVE = 1_500_000


@pytest.fixture(scope="module")
def _histories(module_db: None, django_db_blocker: Any) -> dict[str, int]:
    """Đức Thắng, urban lines:

    - ESC: poor in the 2016 review, above in the 2017 review → escaped in 2017;
    - STAY: poor, poor → poor at both ends;
    - PEND: poor in 2016, its 2017 survey (near-poor) only posted → still poor on 1/1/2018;
    - FEM: female-headed, ethnic minority, poor in 2016, then near-poor by an ad-hoc decision
      of 15/05/2017 → escaped in both the six-month and the year.

    Written once for the module (`module_db`): each test runs in a savepoint rolled back to
    them. Their ids, by code.
    """
    with django_db_blocker.unblock():
        made = _write_histories(persona("ducthang_officer"), persona("city_reviewer"))
    return {code: household.pk for code, household in made.items()}


@pytest.fixture
def histories(_histories: dict[str, int]) -> dict[str, Household]:
    """The module's households, read again for the test."""
    found = Household.objects.in_bulk(_histories.values())
    return {code: found[pk] for code, pk in _histories.items()}


def _write_histories(ducthang_officer: User, city_reviewer: User) -> dict[str, Household]:
    def household(code: str, **flags: Any) -> Household:
        found = make_household(code=code, head_name=f"Chủ hộ {code}", **flags)
        make_member(found, full_name=f"Chủ hộ {code}")
        return found

    def recognise(found: Household, year: int, income: int, **extra: Any) -> None:
        make_assessment_in_state(
            found,
            ReviewState.RECOGNISED,
            officer=ducthang_officer,
            reviewer=city_reviewer,
            review_round=make_round(year),
            income_per_capita=income,
            **extra,
        )

    made = {code: household(code) for code in ("ESC", "STAY", "PEND")}
    made["FEM"] = household("FEM", is_female_headed=True, is_ethnic_minority=True)
    for found in made.values():
        recognise(found, 2016, POOR)
    recognise(made["ESC"], 2017, ABOVE)
    recognise(made["STAY"], 2017, POOR)
    make_assessment_in_state(
        made["PEND"],
        ReviewState.POSTED,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2017),
        income_per_capita=NEAR,
    )
    make_assessment_in_state(
        made["FEM"],
        ReviewState.RECOGNISED,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        review_round=make_round(2017, kind=ReviewRound.Kind.AD_HOC),
        income_per_capita=NEAR,
        request_kind="escape",
        request_date=datetime.date(2017, 4, 3),
        decision_date=datetime.date(2017, 5, 15),
    )
    return made


def codes(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [h.code for h in response.context["page"].object_list]


def test_the_list_on_a_day_counts_recognised_results_in_effect(
    client: Any, city_reviewer: User, histories: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)
    end_2017 = datetime.date(2018, 1, 1)

    poor = codes(client, selectors.standing_list_url(end_2017, status="poor"))
    # PEND's posted 2017 survey does not count: the 2016 list stays in force.
    assert poor == ["PEND", "STAY"]
    assert codes(client, selectors.standing_list_url(end_2017, status="near_poor")) == ["FEM"]
    assert codes(client, selectors.standing_list_url(datetime.date(2017, 1, 1), status="poor")) == [
        "ESC",
        "FEM",
        "PEND",
        "STAY",
    ]
    # Nothing was recognised before the 2016 review took effect.
    response = client.get(selectors.standing_list_url(datetime.date(2016, 6, 1)))
    assert "Chưa có kết quả được công nhận vào ngày đó" in response.content.decode()
    minority = selectors.standing_list_url(
        datetime.date(2017, 1, 1), status="poor", minority=1, female=1
    )
    assert codes(client, minority) == ["FEM"]


def test_the_list_of_a_movement_matches_the_standing_module(
    client: Any, city_reviewer: User, histories: dict[str, Household], duc_thang: Any
) -> None:
    client.force_login(city_reviewer)
    year = standing.period(2017)
    half = standing.period(2017, standing.SIX_MONTH)

    url = selectors.movement_list_url(year, standing.ESCAPED_POVERTY, ward=duc_thang.pk)
    assert codes(client, url) == ["ESC", "FEM"]
    assert codes(client, selectors.movement_list_url(half, standing.ESCAPED_POVERTY)) == ["FEM"]
    to_near = selectors.movement_list_url(year, standing.POOR_TO_NEAR_POOR, status="near_poor")
    assert codes(client, to_near) == ["FEM"]
    # The page says what it lists.
    body = client.get(url).content.decode()
    assert "Thoát nghèo (nghèo → cận nghèo trở lên)" in body


def test_results_in_review_are_listed_apart(
    client: Any, city_reviewer: User, histories: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)
    url = selectors.in_review_list_url(make_round(2017))
    assert codes(client, url) == ["PEND"]
    assert codes(client, selectors.in_review_list_url(make_round(2017), status="poor")) == []


def test_bad_official_parameters_are_ignored_with_a_message(
    client: Any, city_reviewer: User, histories: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)
    response = client.get("/households/?on=2018-13-40&movement=escaped")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Một số điều kiện lọc không hợp lệ nên đã được bỏ qua." in body
    assert set(response.context["form"].errors) == {"on", "movement"}


def test_another_wards_officer_sees_none_of_them(
    client: Any, tienloi_officer: User, histories: dict[str, Household]
) -> None:
    client.force_login(tienloi_officer)
    assert codes(client, selectors.standing_list_url(datetime.date(2017, 1, 1))) == []


def test_query_count_of_an_official_list_is_fixed(
    client: Any,
    city_reviewer: User,
    ducthang_officer: User,
    histories: dict[str, Household],
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    url = selectors.movement_list_url(standing.period(2017), standing.ESCAPED_POVERTY)
    # The page's ids are read before its rows (households.pagination): one query more than
    # count, rows and their assessments, whatever the number of households.
    with django_assert_num_queries(11):
        assert len(codes(client, url)) == 2
    for index in range(6):
        more = make_household(code=f"MORE-{index}", head_name=f"Chủ hộ {index}")
        make_member(more, full_name=f"Chủ hộ {index}")
        for year, income in ((2016, POOR), (2017, ABOVE)):
            make_assessment_in_state(
                more,
                ReviewState.RECOGNISED,
                officer=ducthang_officer,
                reviewer=city_reviewer,
                review_round=make_round(year),
                income_per_capita=income,
            )
    with django_assert_num_queries(11):
        assert len(codes(client, url)) == 8


def test_a_household_that_moved_is_listed_where_its_result_was_made(
    client: Any,
    city_reviewer: User,
    ducthang_officer: User,
    histories: dict[str, Household],
    duc_thang: Any,
    tien_loi: Any,
) -> None:
    moved = histories["STAY"]
    moved.ward = tien_loi
    moved.quarter = tien_loi.quarters.first()
    moved.save()
    never = make_household("tien-loi", code="TL-NEW", head_name="Chủ hộ mới")
    make_member(never, full_name="Chủ hộ mới")
    client.force_login(city_reviewer)
    on = datetime.date(2018, 1, 1)

    # Its recognised results were made in Đức Thắng: that is where the reports count it.
    assert codes(client, selectors.standing_list_url(on, ward=duc_thang.pk, status="poor")) == [
        "PEND",
        "STAY",
    ]
    assert codes(client, selectors.standing_list_url(on, ward=tien_loi.pk)) == ["TL-NEW"]
