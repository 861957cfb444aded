"""What-if (issue 12 item 4): the 2017 round's recognised results under the 2022–2025 standard.

Lines (REFERENCE.md §1.5, §7; the 2022 figures UNCONFIRMED there): 2016–2020 urban poor
≤ 900.000 đ, near-poor ≤ 1.300.000 đ, average living ≤ 1.950.000 đ (rural 700.000 đ, ...);
2022–2025 one line, urban 2.000.000 đ, rural 1.500.000 đ, poor with ≥ 3 deprivations of 12.
"Access to health services" (health_access) is a 2016–2020 indicator only; employment,
dependants and nutrition were never surveyed in 2017.

Đức Thắng (urban), recognised in 2017:
  A 800.000 đ, housing quality, water, sanitation: poor N1 (3) → poor (3), unchanged
  B 850.000 đ, health access: poor N1 (1) → near-poor (0)
  C 1.200.000 đ, telecom, housing area: near-poor (2) → near-poor (2), unchanged
  D 1.400.000 đ, housing quality, sanitation, information assets: average living → poor (3)
  E 1.500.000 đ, none: average living → near-poor (below the 2022 line)
  F 2.500.000 đ, none: not poor → not poor, unchanged
  G 600.000 đ, submitted only (not recognised): not counted
Tiến Lợi (rural), recognised in 2017:
  T 600.000 đ, none: poor N1 (≤ 700.000 đ) → near-poor (≤ 1.500.000 đ, 0 deprivations)

A 2016–2020 near-poor household cannot become poor under 2022–2025 from the 2017 survey: it had
at most two deprivations, and 2022 counts no more of the same columns (the new indicators were
not surveyed). D, average living with three deprivations, is the household that turns poor.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households.models import Assessment, Household, ReviewRound, ReviewState, User, Ward
from reports import what_if
from reports.what_if import NEAR_POOR, OTHER, POOR
from tests.factories import (
    make_assessment_in_state,
    make_household,
    make_member,
    make_recognised,
    make_round,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = reverse("reports:what_if")

HOUSEHOLDS = [
    ("DT-A", "Nguyễn Văn A", 800_000, ["housing_quality", "water_source", "sanitation"]),
    ("DT-B", "Trần Thị B", 850_000, ["health_access"]),
    ("DT-C", "Lê Văn C", 1_200_000, ["telecom", "housing_area"]),
    ("DT-D", "Phạm Thị D", 1_400_000, ["housing_quality", "sanitation", "information_assets"]),
    ("DT-E", "Võ Văn E", 1_500_000, []),
    ("DT-F", "Huỳnh Thị F", 2_500_000, []),
]


def _household(code: str, head: str, ward_code: str = "duc-thang") -> Household:
    """A household of one insured adult with lower secondary schooling: the roster derives no
    deprivation, so each result has exactly the deprivations the test gives."""
    household = make_household(ward_code, code=code, head_name=head)
    make_member(household, full_name=head)
    return household


@pytest.fixture(scope="module")
def _round_2017(module_db: None, django_db_blocker: Any) -> int:
    """The households above, written once for the module (`module_db`): each test runs in a
    savepoint rolled back to them. The review is carried by tests/factories.py's administrator
    ("factory-admin", no ward's officer)."""
    with django_db_blocker.unblock():
        review_round = make_round(2017)
        for code, head, income, deprived in HOUSEHOLDS:
            make_recognised(_household(code, head), income, deprivations=deprived)
        administrator = User.objects.get(username="factory-admin")
        make_assessment_in_state(
            _household("DT-G", "Đặng Văn G"),
            ReviewState.SUBMITTED,
            officer=administrator,
            reviewer=administrator,
            income_per_capita=600_000,
        )
        make_recognised(_household("TL-T", "Bùi Văn T", "tien-loi"), 600_000)
        return review_round.pk


@pytest.fixture
def round_2017(_round_2017: int, db: None) -> ReviewRound:
    return ReviewRound.objects.get(pk=_round_2017)


def _table(result: what_if.WhatIf) -> dict[str, Any]:
    return {
        row.label: (row.assessed, row.now, row.then, row.move_counts, row.unchanged)
        for row in result.rows
    }


def test_the_2017_round_under_the_2022_rules(
    round_2017: ReviewRound, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        result = what_if.what_if(review_round=round_2017, target="2022-2025", wards=None)

    total = result.total
    assert total.assessed == 7
    assert total.now == {POOR: 3, NEAR_POOR: 1, OTHER: 3}
    assert total.then == {POOR: 2, NEAR_POOR: 4, OTHER: 1}
    assert total.moves == {
        (POOR, NEAR_POOR): 2,
        (POOR, OTHER): 0,
        (NEAR_POOR, POOR): 0,
        (NEAR_POOR, OTHER): 0,
        (OTHER, POOR): 1,
        (OTHER, NEAR_POOR): 1,
    }
    assert total.unchanged == 3
    duc_thang, tien_loi = (str(Ward.objects.get(code=c).name) for c in ("duc-thang", "tien-loi"))
    table = _table(result)
    assert table[duc_thang] == (
        6,
        {POOR: 2, NEAR_POOR: 1, OTHER: 3},
        {POOR: 2, NEAR_POOR: 3, OTHER: 1},
        [1, 0, 0, 0, 1, 1],
        3,
    )
    assert table[tien_loi] == (
        1,
        {POOR: 1, NEAR_POOR: 0, OTHER: 0},
        {POOR: 0, NEAR_POOR: 1, OTHER: 0},
        [1, 0, 0, 0, 0, 0],
        0,
    )
    changed = {
        h.code: (h.count_now, h.count_then, h.status_now, h.status_then, h.poor_group_now)
        for h in result.changed
    }
    assert changed == {
        "DT-B": (1, 0, "poor", "near_poor", "N1"),
        "DT-D": (3, 3, "average_living", "poor", ""),
        "DT-E": (0, 0, "average_living", "near_poor", ""),
        "TL-T": (0, 0, "poor", "near_poor", "N1"),
    }
    assert result.changed_count == 4
    assert {str(label) for label in result.not_surveyed} >= {"Việc làm", "Dinh dưỡng"}
    assert len(result.not_surveyed) == 3


def test_a_scope_reads_only_its_units(round_2017: ReviewRound) -> None:
    tien_loi = Ward.objects.get(code="tien-loi")
    result = what_if.what_if(review_round=round_2017, target="2022-2025", wards=[tien_loi.pk])
    assert [row.label for row in result.rows] == [tien_loi.name]
    assert [h.code for h in result.changed] == ["TL-T"]


def test_under_its_own_standard_nothing_changes(round_2017: ReviewRound) -> None:
    result = what_if.what_if(review_round=round_2017, target="2016-2020", wards=None)
    assert result.total.unchanged == 7
    assert result.changed == []
    assert result.not_surveyed == []


def test_an_unknown_standard_is_refused(round_2017: ReviewRound) -> None:
    with pytest.raises(ValueError):
        what_if.what_if(review_round=round_2017, target="1999", wards=None)


def _rows() -> tuple[int, ...]:
    return (Household.objects.count(), Assessment.objects.count(), ReviewRound.objects.count())


def test_the_page_for_the_city(
    client: Client,
    city_reviewer: User,
    round_2017: ReviewRound,
    django_assert_num_queries: Any,
) -> None:
    client.force_login(city_reviewer)
    before = _rows()
    query = {"round": round_2017.pk, "standard": "2022-2025"}
    client.get(URL, query)  # the first request loads what a server keeps in memory
    # Session, user, the request's savepoint and its release, the wards, the rounds, the results.
    with django_assert_num_queries(7):
        response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Việc làm" in html  # not surveyed under 2016–2020, said so
    for code in ("DT-B", "DT-D", "DT-E", "TL-T"):
        assert code in html
    assert "DT-A" not in html and "DT-F" not in html
    assert "4 hộ sẽ thay đổi" in html
    assert _rows() == before


def test_the_dashboard_links_to_it(client: Client, city_reviewer: User) -> None:
    client.force_login(city_reviewer)
    assert URL in client.get(reverse("reports:dashboard")).content.decode()


def test_a_ward_officer_sees_their_own_unit(
    client: Client, tienloi_officer: User, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    response = client.get(URL, {"round": round_2017.pk, "standard": "2022-2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "TL-T" in html
    assert "DT-B" not in html and "DT-D" not in html


def test_the_officer_of_the_merged_ward_sees_its_predecessors_2017_list(
    client: Client, round_2017: ReviewRound
) -> None:
    # P. Phan Thiết (from 01/07/2025, migration 0015, UNCONFIRMED) took in Đức Thắng: its
    # officer sees the 2017 list of Đức Thắng, by the unit that made it, and not Tiến Lợi's.
    officer = make_user(
        "frank", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="phuong-phan-thiet")
    )
    client.force_login(officer)
    response = client.get(URL, {"round": round_2017.pk, "standard": "2022-2025"})
    assert response.status_code == 200
    result = response.context["result"]
    assert [row.label for row in result.rows] == [Ward.objects.get(code="duc-thang").name]
    assert [h.code for h in result.changed] == ["DT-B", "DT-D", "DT-E"]


def test_the_city_choosing_a_merged_unit_reads_its_predecessors(
    client: Client, city_reviewer: User, round_2017: ReviewRound
) -> None:
    client.force_login(city_reviewer)
    merged = Ward.objects.get(code="phuong-phan-thiet")
    response = client.get(URL, {"round": round_2017.pk, "standard": "2022-2025", "ward": merged.pk})
    assert response.status_code == 200
    assert [h.code for h in response.context["result"].changed] == ["DT-B", "DT-D", "DT-E"]


def test_another_wards_unit_is_a_404(
    client: Client, tienloi_officer: User, round_2017: ReviewRound
) -> None:
    client.force_login(tienloi_officer)
    duc_thang = Ward.objects.get(code="duc-thang")
    response = client.get(
        URL, {"round": round_2017.pk, "standard": "2022-2025", "ward": duc_thang.pk}
    )
    assert response.status_code == 404


def test_anonymous_goes_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@pytest.mark.parametrize("persona", ["agency_user", "committee_member"])
def test_agencies_and_committee_members_are_refused(
    client: Client, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"round": "999999", "standard": "2022-2025"}, "Hãy chọn kỳ rà soát trong danh sách"),
        ({"round": "abc", "standard": "2022-2025"}, "Hãy chọn kỳ rà soát trong danh sách"),
        ({"standard": "2022-2025"}, "Chọn kỳ rà soát."),
        ({"round": "ROUND", "standard": "1999"}, "Chọn một chuẩn nghèo trong danh sách."),
        ({"round": "ROUND", "standard": "2022-2025", "ward": "x"}, "Hãy chọn phường, xã"),
    ],
)
def test_bad_input_gets_a_vietnamese_message(
    client: Client,
    city_reviewer: User,
    round_2017: ReviewRound,
    query: dict[str, str],
    message: str,
) -> None:
    client.force_login(city_reviewer)
    query = {k: (str(round_2017.pk) if v == "ROUND" else v) for k, v in query.items()}
    before = _rows()
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "what-if-table" not in response.content.decode()
    assert _rows() == before


def test_without_a_choice_only_the_form(client: Client, city_reviewer: User) -> None:
    client.force_login(city_reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    assert "what-if-table" not in response.content.decode()


def test_the_unit_list_offers_the_units_of_the_round_chosen(
    client: Client, city_reviewer: User, round_2017: ReviewRound
) -> None:
    # 2017: the 18 former units; 2026: the 7 of the 2025 merger (households migration 0015).
    round_2026 = make_round(2026)
    client.force_login(city_reviewer)

    def offered(review_round: ReviewRound) -> set[str]:
        response = client.get(URL, {"round": review_round.pk, "standard": "2022-2025"})
        assert response.status_code == 200
        return {w.code for w in response.context["form"].offered}

    in_2017, in_2026 = offered(round_2017), offered(round_2026)
    assert len(in_2017) == 18 and "duc-thang" in in_2017 and "phuong-phan-thiet" not in in_2017
    assert len(in_2026) == 7 and "phuong-phan-thiet" in in_2026 and "duc-thang" not in in_2026
    # A unit asked for across the merger is kept (a link from another page).
    phan_thiet = Ward.objects.get(code="phuong-phan-thiet")
    response = client.get(
        URL, {"round": round_2017.pk, "standard": "2022-2025", "ward": phan_thiet.pk}
    )
    assert response.status_code == 200 and phan_thiet in response.context["form"].offered
