"""Reports across the 2025 merger of units (issue 12 item 3): a 2017 report is the same with or
without the merger, a 2026 report is by the new units, a period crossing the merger counts a
former unit's households in its successor (a merger is no movement), and the pickers offer the
units in force in the year asked for."""

from __future__ import annotations

import datetime
import importlib
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households import selectors as household_selectors
from households import services, standing, units
from households.classification import standard_for_date
from households.models import District, Household, ReviewRound, UnitMerger, User, Ward
from households.scope import Scope
from households.services import units as unit_services
from programs.scope import scope_for
from reports import selectors
from reports.sheets import report_sheets
from tests.factories import make_household, make_member, make_recognised, make_user
from tests.reports.history import History, build_history

pytestmark = pytest.mark.django_db

MERGER = importlib.import_module("households.migrations.0015_merger_2025")

# Decree 07/2021 (2022–2025, and 2026): lines 2,000,000 đ urban, 1,500,000 đ rural; poor =
# at or below the line with at least 3 deprivations, near-poor = at or below with fewer.
DEPRIVED = ("housing_quality", "housing_area", "water_source")
POOR_URBAN = (1_800_000, DEPRIVED)
NEAR_URBAN = (1_800_000, ())
POOR_RURAL = (1_400_000, DEPRIVED)
NEAR_RURAL = (1_400_000, ())


def unit(code: str) -> Ward:
    return Ward.objects.get(code=code)


def periodic_round(year: int) -> ReviewRound:
    """The periodic round of `year` under the standard in force that year (issue 12 item 1)."""
    return ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.PERIODIC).first() or (
        services.review_round_create(
            year=year,
            kind=ReviewRound.Kind.PERIODIC,
            name=f"Rà soát định kỳ năm {year}",
            standard=standard_for_date(datetime.date(year, 12, 31)).code,
            reference_date=datetime.date(year, 9, 1),
            starts_on=datetime.date(year, 9, 1),
            ends_on=datetime.date(year, 12, 31),
        )
    )


def unmerge() -> None:
    """The database as it was before the merger's data: the 18 units only, none ended."""
    UnitMerger.objects.all().delete()
    Ward.objects.exclude(district__code="phan-thiet").delete()
    Ward.objects.update(valid_to=None)
    units.forget()


def merge() -> None:
    """The merger's data (the migration's, in one place) applied by the service."""
    for code, name, folded, kind, order, former in MERGER.NEW_UNITS:
        code_, name_, province = MERGER.PARENT
        parent, _created = District.objects.get_or_create(
            code=code_, defaults={"name": name_, "province": province}
        )
        successor = Ward.objects.create(
            district=parent,
            code=code,
            name=name,
            name_folded=folded,
            kind=kind,
            display_order=order,
            valid_from=MERGER.MERGER_DAY,
        )
        unit_services.units_merge(
            predecessors=list(Ward.objects.filter(code__in=former)),
            successor=successor,
            effective_from=MERGER.MERGER_DAY,
        )


def rows(table: selectors.FormTable) -> dict[str, selectors.FormRow]:
    return {r.ward.code: r for r in table.rows if r.level == selectors.UNIT and r.ward}


# --- 2017: the same report with or without the merger ---------------------------------------


@pytest.fixture
def history(ducthang_officer: User, city_reviewer: User, tienloi_officer: User) -> History:
    return build_history(ducthang_officer, city_reviewer, tienloi_officer)


@pytest.mark.parametrize("period", [standing.ANNUAL, standing.SIX_MONTH])
def test_a_2017_report_is_unchanged_by_the_merger(history: History, period: str) -> None:
    def report() -> selectors.ReportData:
        return selectors.report_data(scope=Scope.EVERYTHING, year=2017, period=period)

    unmerge()
    before = report()
    merge()
    assert units.unit_map(MERGER.MERGER_DAY), "the merger is in the data"
    after = report()

    assert after == before
    assert {w.code for w in after.wards} == {w.code for w in before.wards}
    assert len(after.wards) == 18
    assert rows(after.results)["duc-thang"].value("poor") == 2  # history.py's figures


def test_the_2017_report_of_the_merged_wards_officer_shows_its_predecessors(
    history: History,
) -> None:
    officer = make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))

    data = selectors.report_data(scope=scope_for(officer), year=2017)

    assert {w.code for w in data.wards} == {
        "phu-trinh",
        "lac-dao",
        "binh-hung",
        "duc-thang",
        "duc-nghia",
        "hung-long",
    }
    city = selectors.report_data(scope=Scope.EVERYTHING, year=2017)
    assert rows(data.results)["duc-thang"].values == rows(city.results)["duc-thang"].values


# --- across the merger: 2025 and 2026 -------------------------------------------------------


def recognised(code: str, ward: str, *results: tuple[int, tuple[int, Any]]) -> Household:
    """A household registered in `ward` with a result recognised in each (year, (income,
    deprivations))."""
    household = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    for year, (income, deprived) in results:
        make_recognised(household, income, review_round=periodic_round(year), deprivations=deprived)
    return household


@pytest.fixture(scope="module")
def _across(module_db: None, django_db_blocker: Any) -> dict[str, int]:
    """Results of the 2024 review in the former units (in force 1/1/2025), of the 2025 and 2026
    reviews (September–December) in the new ones (in force 1/1/2026 and 1/1/2027):

        PT-1  Phú Trinh     poor 2024 → near-poor 2025
        LD-1  Lạc Đạo       poor 2024 → poor 2025 → near-poor 2026
        MN-1  Mũi Né        near-poor 2024 (not reviewed again)
        TN-1  Thiện Nghiệp  poor 2024 (rural lines) → poor 2025 (P. Mũi Né: urban lines)
        TL-1  Tiến Lợi      poor 2024 → near-poor 2025 (xã Tuyên Quang: rural lines)

    Written once for the module (`module_db`): each test runs in a savepoint rolled back to
    them.
    """
    with django_db_blocker.unblock():
        made = {
            "PT-1": recognised("PT-1", "phu-trinh", (2024, POOR_URBAN), (2025, NEAR_URBAN)),
            "LD-1": recognised(
                "LD-1", "lac-dao", (2024, POOR_URBAN), (2025, POOR_URBAN), (2026, NEAR_URBAN)
            ),
            "MN-1": recognised("MN-1", "mui-ne", (2024, NEAR_URBAN)),
            "TN-1": recognised("TN-1", "thien-nghiep", (2024, POOR_RURAL), (2025, POOR_URBAN)),
            "TL-1": recognised("TL-1", "tien-loi", (2024, POOR_RURAL), (2025, NEAR_RURAL)),
        }
        return {code: household.pk for code, household in made.items()}


@pytest.fixture
def across(_across: dict[str, int], db: None) -> dict[str, Household]:
    found = Household.objects.in_bulk(_across.values())
    return {code: found[pk] for code, pk in _across.items()}


NEW_UNITS = {code for code, *_rest in MERGER.NEW_UNITS}


def movements(table: selectors.FormTable, code: str) -> dict[str, Any]:
    return {key: cell.value for key, cell in rows(table)[code].values.items()}


def test_a_period_across_the_merger_counts_former_units_in_their_successor(
    across: dict[str, Household],
) -> None:
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2025)

    assert {w.code for w in data.wards} == NEW_UNITS
    poor = movements(data.poor_movements, "phuong-phan-thiet")
    # Start: PT-1 and LD-1, recognised by Phú Trinh and Lạc Đạo, summed; PT-1 escaped.
    assert (poor["start"], poor["escaped"], poor["end"]) == (2, 1, 1)
    assert (poor["moved_in"], poor["moved_out"]) == (0, 0)  # the merger is no movement
    near = movements(data.near_poor_movements, "phuong-phan-thiet")
    assert (near["start"], near["poor_to_near_poor"], near["end"]) == (0, 1, 1)
    mui_ne = movements(data.poor_movements, "phuong-mui-ne")
    assert (mui_ne["start"], mui_ne["end"], mui_ne["in_total"], mui_ne["out_total"]) == (1, 1, 0, 0)
    assert movements(data.near_poor_movements, "phuong-mui-ne")["end"] == 1  # MN-1, kept
    for table in (data.poor_movements, data.near_poor_movements):
        for row in table.rows:
            assert row.value("moved_in") == 0 and row.value("moved_out") == 0
    assert data.poor_movements.total.value("start") == 4
    assert data.poor_movements.total.value("end") == 2


def test_a_2026_report_is_by_the_new_units(across: dict[str, Household]) -> None:
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2026)

    assert {w.code for w in data.wards} == NEW_UNITS
    results = rows(data.results)
    # End of 2026: LD-1 near-poor (2026 review); PT-1 near-poor since 2025: a household of
    # Phú Trinh counts in P. Phan Thiết.
    assert (
        results["phuong-phan-thiet"].value("poor"),
        results["phuong-phan-thiet"].value("near_poor"),
    ) == (0, 2)
    assert results["phuong-mui-ne"].value("poor") == 1  # TN-1
    assert results["phuong-mui-ne"].value("near_poor") == 1  # MN-1, recognised by Mũi Né
    assert results["xa-tuyen-quang"].value("near_poor") == 1  # TL-1
    groups = [(r.label, r.level) for r in data.results.rows if r.level != selectors.UNIT]
    # Six wards (urban lines) and one commune (rural lines).
    assert [r.level for r in data.results.rows].count(selectors.UNIT) == 7
    assert len(groups) == 3


def test_the_lists_behind_a_successors_figures_hold_its_predecessors_households(
    across: dict[str, Household], city_reviewer: User
) -> None:
    phan_thiet = unit("phuong-phan-thiet")
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2025)
    cell = rows(data.poor_movements)["phuong-phan-thiet"].values["start"]

    filters = household_selectors.HouseholdFilters(
        ward=phan_thiet.pk, on=datetime.date(2025, 1, 1), status="poor"
    )
    listed = household_selectors.household_list(
        user=city_reviewer, scope=scope_for(city_reviewer), filters=filters, sort="code"
    )

    assert [h.code for h in listed] == ["LD-1", "PT-1"]
    assert cell.value == 2 and f"ward={phan_thiet.pk}" in cell.url
    escaped = household_selectors.HouseholdFilters(
        ward=phan_thiet.pk, movement=standing.ESCAPED_POVERTY, period_year=2025
    )
    assert [
        h.code
        for h in household_selectors.household_list(
            user=city_reviewer, scope=scope_for(city_reviewer), filters=escaped, sort="code"
        )
    ] == ["PT-1"]


# --- the pickers offer the units in force ---------------------------------------------------


def dashboard_units(client: Client, year: int) -> set[str]:
    response = client.get(reverse("reports:dashboard"), {"year": year})
    assert response.status_code == 200
    names = {str(w): w.code for w in Ward.objects.all()}
    return {
        names[label]
        for value, label in response.context["form"].fields["ward"].widget.choices
        if value
    }


def test_the_city_dashboard_offers_the_units_of_the_year(
    client: Client, city_reviewer: User, history: History, across: dict[str, Household]
) -> None:
    client.force_login(city_reviewer)

    assert len(dashboard_units(client, 2017)) == 18
    assert dashboard_units(client, 2026) == NEW_UNITS
    response = client.get(reverse("reports:dashboard"), {"year": 2026})
    assert [w.code for w in response.context["data"].wards if w.code == "phu-trinh"] == []


def test_the_merged_wards_officer_reports_on_its_own_unit_only(
    client: Client, across: dict[str, Household]
) -> None:
    officer = make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))
    other = unit("phuong-mui-ne")
    client.force_login(officer)

    response = client.get(reverse("reports:dashboard"), {"year": 2026})
    assert response.status_code == 200
    assert [w.code for w in response.context["data"].wards] == ["phuong-phan-thiet"]
    # Another unit's report, by the dashboard's ward or the PDF's unit: as if it did not exist.
    assert (
        client.get(reverse("reports:dashboard"), {"year": 2026, "ward": other.pk}).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:periodic_pdf"), {"year": 2026, "unit": other.code}).status_code
        == 404
    )


# --- who issues a report, and what the whole area is called ---------------------------------


def pdf_text(client: Client, user: User, **params: object) -> str:
    client.force_login(user)
    response = client.get(reverse("reports:periodic_pdf"), params)
    assert response.status_code == 200, response.content[:300]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    return " ".join(text.split())


def test_the_city_report_names_the_authority_and_area_of_its_day(
    client: Client, city_reviewer: User, across: dict[str, Household]
) -> None:
    # 2017: the city's Labour department, for Thành phố Phan Thiết, under the city's plan.
    old = pdf_text(client, city_reviewer, year=2017, period="annual")
    assert "UBND THÀNH PHỐ PHAN THIẾT" in old and "PHÒNG LAO ĐỘNG" in old
    assert "Phan Thiết, ngày 31 tháng 12 năm 2017" in old
    assert "Thành phố Phan Thiết" in old and "221/KH-UBND" in old
    # 2026 (UNCONFIRMED, reports.authorities): no city any more; the province's department
    # for the former city's wards and communes, not for the whole of "Tỉnh Lâm Đồng".
    new = pdf_text(client, city_reviewer, year=2026, period="annual", date="2026-12-31")
    assert "UBND TỈNH LÂM ĐỒNG" in new and "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in new
    assert "Lâm Đồng, ngày 31 tháng 12 năm 2026" in new
    assert "Các phường, xã thuộc thành phố Phan Thiết cũ" in new
    assert "UBND THÀNH PHỐ" not in new and "Tỉnh Lâm Đồng" not in new
    assert "221/KH-UBND" not in new
    assert "Sở Nông nghiệp và Môi trường tỉnh;" not in new  # a ward's recipient, not the city's
    # The dashboard's heading names the same area.
    data = selectors.report_data(scope=Scope.EVERYTHING, year=2026)
    assert str(data.place) == "Các phường, xã thuộc thành phố Phan Thiết cũ"
    assert selectors.report_data(scope=Scope.EVERYTHING, year=2017).place == (
        "Thành phố Phan Thiết"
    )


def test_a_merged_wards_report_goes_to_the_provinces_department(
    client: Client, across: dict[str, Household]
) -> None:
    officer = make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))

    text = pdf_text(client, officer, year=2026, period="annual", date="2026-12-31")

    assert "UBND PHƯỜNG PHAN THIẾT" in text
    assert "Sở Nông nghiệp và Môi trường tỉnh;" in text
    assert "Phòng Lao động" not in text


def test_the_training_indicator_counts_the_officers_of_the_units_of_the_year(
    ducthang_officer: User,
) -> None:
    # Đức Thắng's officer is still attached to the unit that ended on 30/06/2025 (docs/deploy.md:
    # officers are not moved); P. Phan Thiết's began on 01/07/2025. Nobody was trained.
    make_user("pt-officer", role=User.Role.WARD_OFFICER, ward=unit("phuong-phan-thiet"))

    def trained(year: int) -> tuple[Any, Any]:
        found = selectors.report_data(scope=Scope.EVERYTHING, year=year).indicator(
            selectors.OFFICERS_TRAINED
        )
        return found.numerator, found.denominator

    assert trained(2017) == (0, 1)
    assert trained(2025) == (0, 2)
    assert trained(2026) == (0, 1)


def test_the_targets_are_headed_by_the_plan_of_their_year(
    client: Client, city_reviewer: User, history: History, across: dict[str, Household]
) -> None:
    # Plan 221/KH-UBND sets 2017's targets (reports.authorities.PLANS); no plan is recorded
    # for 2026, so its targets are not credited to one.
    client.force_login(city_reviewer)

    def heading(year: int) -> str:
        page = client.get(reverse("reports:dashboard"), {"year": year}).content.decode()
        return page.split('<h2 class="h5">', 1)[1].split("</h2>", 1)[0]

    def sheet_title(year: int) -> str:
        data = selectors.report_data(scope=Scope.EVERYTHING, year=year)
        return next(s.title for s in report_sheets(data) if s.sheet_title == "Chỉ tiêu")

    assert heading(2017) == "Chỉ tiêu của Kế hoạch 221/KH-UBND (mục II)"
    assert heading(2026) == "Chỉ tiêu giảm nghèo năm 2026"
    assert sheet_title(2017).startswith("Các chỉ tiêu của Kế hoạch 221/KH-UBND, ")
    assert sheet_title(2026).startswith("Chỉ tiêu giảm nghèo năm 2026, ")
