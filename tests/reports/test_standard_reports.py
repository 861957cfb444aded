"""The reports follow the standard of the year reported (issue 12): a 2025 report lists the 12
indicators of Decree 07/2021/NĐ-CP and has no N1/N2 (REFERENCE.md §7, UNCONFIRMED figures);
the 2017 report keeps Decision 59/2015's (tests/reports/test_selectors.py, unchanged).

Đức Thắng households (in P. Phan Thiết from 01/07/2025, migration 0015), recognised in the
2025 review (in force 1/1/2026): A poor (1.800.000 đ, employment,
nutrition, sanitation), B poor (0 đ, employment, dependants, nutrition, telecom), C near-poor
(1.900.000 đ, employment, telecom), D not poor (2.500.000 đ, five deprivations).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, User, Ward
from households.scope import Scope
from programs import worklists
from programs.scope import scope_for
from reports import selectors
from tests.factories import make_household, make_member, make_recognised

pytestmark = pytest.mark.django_db

KEYS_2022 = [
    "employment",
    "dependants",
    "nutrition",
    "health_insurance",
    "adult_education",
    "child_school_attendance",
    "housing_quality",
    "housing_area",
    "water_source",
    "sanitation",
    "telecom",
    "information_assets",
]


def _recognised(code: str, income: int, deprivations: list[str]) -> Household:
    household = make_household(code=code, head_name=f"Hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    make_recognised(household, income, year=2025, deprivations=deprivations)
    return household


@pytest.fixture
def households_2025(duc_thang: Ward) -> dict[str, Household]:
    return {
        "A": _recognised("DT-0001", 1_800_000, ["employment", "nutrition", "sanitation"]),
        "B": _recognised("DT-0002", 0, ["employment", "dependants", "nutrition", "telecom"]),
        "C": _recognised("DT-0003", 1_900_000, ["employment", "telecom"]),
        "D": _recognised(
            "DT-0004",
            2_500_000,
            ["employment", "dependants", "nutrition", "sanitation", "telecom"],
        ),
    }


def _report(year: int) -> selectors.ReportData:
    return selectors.report_data(scope=Scope.EVERYTHING, year=year)


def test_the_2025_results_are_under_the_2022_2025_standard(
    households_2025: dict[str, Household],
) -> None:
    statuses = {
        name: household.assessments.get().status for name, household in households_2025.items()
    }

    assert statuses == {"A": "poor", "B": "poor", "C": "near_poor", "D": "not_poor"}
    assert not any(h.assessments.get().poor_group for h in households_2025.values())


def test_forms_4a_and_4b_list_the_indicators_of_the_2022_2025_standard(
    households_2025: dict[str, Household],
) -> None:
    data = _report(2025)
    poor, near = data.poor_deprivations, data.near_poor_deprivations
    phan_thiet = Ward.objects.get(code="phuong-phan-thiet")

    assert data.standard == "2022-2025"
    assert [c.key for c in poor.columns] == ["households", *KEYS_2022]
    assert [c.key for c in near.columns] == ["households", *KEYS_2022]
    assert poor.columns[1].label == "Việc làm"
    row = poor.row(phan_thiet)
    assert (row.value("households"), row.value("employment"), row.value("nutrition")) == (2, 2, 2)
    assert (row.value("dependants"), row.value("sanitation"), row.value("telecom")) == (1, 1, 1)
    assert near.row(phan_thiet).value("telecom") == 1


def test_no_n1_or_n2_in_a_2025_report(households_2025: dict[str, Household]) -> None:
    data = _report(2025)

    assert data.deprivation_groups == ("poor", "near_poor")
    assert data.group_sizes == {"poor": 2, "near_poor": 1}
    assert "poor_n1" not in [c.key for c in data.results.columns]
    assert "poor_n1" not in [c.key for c in data.poor_groups.columns]
    employment = next(r for r in data.deprivations if r.indicator == "employment")
    assert (employment.by_group["poor"].value, employment.by_group["near_poor"].value) == (2, 1)
    assert str(employment.by_group["poor"].percent) == "100.00"
    health = next(r for r in data.dimensions if r.dimension == "health")
    assert health.by_group["poor"].value == 2  # A and B: nutrition


def test_the_2017_report_keeps_n1_n2_and_the_ten_indicators() -> None:
    data = _report(2017)

    assert data.standard == "2016-2020"
    assert data.deprivation_groups == ("N1", "N2", "near_poor")
    assert len(data.poor_deprivations.columns) == 1 + 10
    assert [c.key for c in data.results.columns][4:6] == ["poor_n1", "poor_n2"]


def test_a_year_without_a_periodic_round_reports_under_the_standard_in_force() -> None:
    assert selectors.year_standard(2023) == "2022-2025"
    assert selectors.year_standard(2026) == "2026"
    assert selectors.year_standard(2027) == "2027-2030"
    assert selectors.year_standard(2017) == "2016-2020"
    assert _report(2023).deprivation_groups == ("poor", "near_poor")


def test_the_2025_dashboard_and_its_export(
    client: Client, city_reviewer: User, households_2025: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)
    page = client.get(reverse("reports:dashboard"), {"year": 2025})
    export = client.get(reverse("reports:dashboard_export"), {"year": 2025})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Người phụ thuộc trong hộ gia đình" in html
    assert "nhóm n1" not in html.lower()
    charts: dict[str, Any] = page.context["charts"]
    assert [d["label"] for d in charts["status"]["datasets"]] == ["Hộ nghèo", "Hộ cận nghèo"]
    sheets = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    cells = [c.value for sheet in sheets for row in sheet.iter_rows() for c in row]
    assert "Dinh dưỡng" in cells


def test_near_poor_at_risk_under_the_2022_rule_is_one_deprivation_short(
    city_reviewer: User, duc_thang: Ward
) -> None:
    # Near-poor in 2025 (in force in 2026): one with 2 deprivations, one with 1. Both are at
    # or below the line, as every near-poor household is from 2022: income says nothing.
    short = _recognised("DT-0011", 1_999_999, ["employment", "telecom"])
    _recognised("DT-0012", 1_999_999, ["telecom"])

    at_risk = worklists.households_at_risk(scope_for(city_reviewer), 2026)

    assert list(at_risk) == [short]
