"""Reports and lists across a merger of units, on hand-built units (issue 12 item 3): the rows
of a period are the units in force on its last day, a former unit's households and results count
in its successor (its start balance summed into the successor's), a merger is no movement in or
out, and the successor's officer sees and reports on its predecessors' households."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from households import selectors as household_selectors
from households import standing
from households.models import District, Household, User, Ward
from households.scope import Scope
from households.services import units as unit_services
from programs.scope import scope_for
from reports import selectors
from tests.factories import make_household, make_member, make_recognised, make_round, make_user

pytestmark = pytest.mark.django_db

MERGER_DAY = datetime.date(2026, 9, 1)
# Decree 07/2021 (2022–2026): lines 2,000,000 đ urban, 1,500,000 đ rural; poor = at or below
# the line with at least 3 deprivations, near-poor = at or below with fewer.
DEPRIVED = ("housing_quality", "housing_area", "water_source")


@pytest.fixture
def merged() -> dict[str, Any]:
    """Commune A and ward B of a test district, merged into ward N from 1/9/2026.

    HA  A  poor 2025 (rural lines; in force 1/1/2026) → near-poor 2026 (made in N, urban
           lines; in force 1/1/2027)
    HB  B  near-poor 2025, not reviewed again
    """
    district = District.objects.create(code="thu", name="Huyện Thử", province="Thử")
    a = Ward.objects.create(district=district, code="thu-a", name="A", kind="commune")
    b = Ward.objects.create(district=district, code="thu-b", name="B", kind="ward")
    n = Ward.objects.create(
        district=district, code="thu-n", name="N", kind="ward", valid_from=MERGER_DAY
    )
    a.quarters.create(name="Thôn 1", kind="hamlet")
    b.quarters.create(name="Khu phố 1", kind="quarter")
    households = {}
    for code, ward in (("HA", "thu-a"), ("HB", "thu-b")):
        households[code] = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
        make_member(households[code], full_name=f"Chủ hộ {code}")
    make_recognised(
        households["HA"], 1_400_000, review_round=make_round(2025), deprivations=DEPRIVED
    )
    make_recognised(households["HB"], 1_800_000, review_round=make_round(2025))
    unit_services.units_merge(predecessors=[a, b], successor=n, effective_from=MERGER_DAY)
    later = make_recognised(households["HA"], 1_800_000, review_round=make_round(2026))
    assert (later.ward, later.area, later.status) == (n, "urban", "near_poor")
    return {"a": a, "b": b, "n": n, **households}


def row(table: selectors.FormTable, ward: Ward) -> dict[str, Any]:
    return {key: cell.value for key, cell in table.row(ward).values.items()}


def test_a_period_across_a_merger_counts_in_the_successor(merged: dict[str, Any]) -> None:
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2026)

    assert merged["n"] in data.wards
    assert merged["a"] not in data.wards and merged["b"] not in data.wards
    poor = row(data.poor_movements, merged["n"])
    # HA, poor in A at the start, escaped in N; the merger moved nobody.
    assert (poor["start"], poor["escaped"], poor["end"]) == (1, 1, 0)
    assert (poor["moved_in"], poor["moved_out"]) == (0, 0)
    near = row(data.near_poor_movements, merged["n"])
    # HB (recognised in B) at the start; HA from the poor list.
    assert (near["start"], near["poor_to_near_poor"], near["end"]) == (1, 1, 2)
    assert (near["moved_in"], near["moved_out"]) == (0, 0)
    results = data.results.row(merged["n"])
    assert (results.value("poor"), results.value("near_poor")) == (0, 2)


def test_the_year_before_is_read_by_the_former_units(merged: dict[str, Any]) -> None:
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2025)

    assert merged["a"] in data.wards and merged["b"] in data.wards
    assert merged["n"] not in data.wards
    assert data.results.row(merged["a"]).value("poor") == 1
    assert data.results.row(merged["b"]).value("near_poor") == 1


def test_the_successors_officer_sees_and_reports_on_its_predecessors(
    merged: dict[str, Any],
) -> None:
    officer = make_user("n-officer", role=User.Role.WARD_OFFICER, ward=merged["n"])
    elsewhere = make_household("duc-thang", code="DT-0001")

    visible = set(Household.objects.within(scope_for(officer)))
    assert {merged["HA"], merged["HB"]} <= visible and elsewhere not in visible

    data = selectors.report_data(scope=scope_for(officer), year=2026)
    assert data.wards == [merged["n"]]
    assert row(data.poor_movements, merged["n"])["start"] == 1
    # Its 2025 report is by the units of 2025: its predecessors.
    assert set(selectors.report_data(scope=scope_for(officer), year=2025).wards) == {
        merged["a"],
        merged["b"],
    }


def test_the_lists_behind_the_successors_figures(
    merged: dict[str, Any], city_reviewer: User
) -> None:
    n = merged["n"]

    def listed(**filters: Any) -> list[str]:
        found = household_selectors.household_list(
            user=city_reviewer,
            scope=scope_for(city_reviewer),
            filters=household_selectors.HouseholdFilters(ward=n.pk, **filters),
            sort="code",
        )
        return [h.code for h in found]

    assert listed() == ["HA", "HB"]
    assert listed(on=datetime.date(2026, 1, 1), status="poor") == ["HA"]
    assert listed(movement=standing.ESCAPED_POVERTY, period_year=2026) == ["HA"]
    assert listed(movement=standing.MOVED_IN, period_year=2026) == []
