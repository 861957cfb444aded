"""Issue 5 in Chromium: the 2017 indicator dashboard and the periodic report as a PDF.

A small data set in two wards: Đức Thắng (ward, urban lines) and Tiến Lợi (commune, rural
lines), each with its 2016 and 2017 periodic rounds and its 2017 targets. The city reviewer
opens `/reports/`, sees the indicators of the 2017 plan with met / not met and the charts drawn,
prints the year-end report and gets a PDF in the official layout. The Đức Thắng officer sees
only Đức Thắng's figures.

Worked out by hand (2017: the recognised 2016 review's list on 1/1/2017, the 2017 review's on
1/1/2018):
- Đức Thắng, 200 households (WardTarget): poor in 2016 DT-0301, DT-0302, DT-0303 (3 → 1.50%);
  in 2017 DT-0302 is still poor, DT-0304 newly poor (2 → 1.00%): the rate falls by 0.50
  points, the target (0.2–0.3) is met. DT-0301 escaped (target: 1), DT-0303 became near-poor.
- Tiến Lợi, 100 households: TL-0301 poor in both years (1.00% → 1.00%, not met), TL-0302
  near-poor in 2017.
- The city: its poor rate needs every ward's total households, and only these two wards have
  entered theirs, so the dashboard says which are missing instead of a rate.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import APIResponse, Page, Route, expect

from households.models import Household, ReviewRound, User, Ward
from programs.models import WardTarget
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_recognised, make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Incomes per person per month: poor (N1) under both lines, near-poor in a ward (900.000 <
# income ≤ 1.300.000 with no deprivation), average living above the near-poor lines.
POOR = 600_000
NEAR_POOR_URBAN = 1_100_000
NEAR_POOR_RURAL = 800_000
ABOVE = 2_500_000


def _household(ward: str, code: str, head: str) -> Household:
    household = make_household(ward, code=code, head_name=head)
    make_member(household, full_name=head, health_insurance_number=f"HN-{code}")
    return household


def _survey(household: Household, review_round: ReviewRound, income: int) -> None:
    """A recognised result: only those count in the reports (households.standing)."""
    make_recognised(household, income, review_round=review_round)


@pytest.fixture
def two_wards() -> None:
    round_2016, round_2017 = make_round(2016), make_round(2017)
    for code, total in (("duc-thang", 200), ("tien-loi", 100)):
        WardTarget.objects.create(
            ward=Ward.objects.get(code=code),
            year=2017,
            households_to_escape=1,
            total_households=total,
        )
    plan = (
        # code, ward, head, income in 2016 (None: not surveyed), income in 2017
        ("DT-0301", "duc-thang", "Nguyễn Văn Một", POOR, ABOVE),
        ("DT-0302", "duc-thang", "Trần Thị Hai", POOR, POOR),
        ("DT-0303", "duc-thang", "Lê Văn Ba", POOR, NEAR_POOR_URBAN),
        ("DT-0304", "duc-thang", "Phạm Thị Bốn", None, POOR),
        ("TL-0301", "tien-loi", "Võ Văn Năm", POOR, POOR),
        ("TL-0302", "tien-loi", "Đặng Thị Sáu", None, NEAR_POOR_RURAL),
    )
    for code, ward, head, income_2016, income_2017 in plan:
        household = _household(ward, code, head)
        if income_2016 is not None:
            _survey(household, round_2016, income_2016)
        _survey(household, round_2017, income_2017)


def test_the_city_sees_the_2017_indicators_and_prints_the_year_end_report(
    page: Page, two_wards: None, city_reviewer: User, password: str, tmp_path: Path
) -> None:
    log_in(page, "bob", password)
    page.get_by_role("link", name="Chỉ tiêu giảm nghèo").click()  # from the city's home page
    expect(page).to_have_url(reverse("reports:dashboard"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2017")

    # The city's rate needs every ward's total households: only two wards have entered it.
    end_rate = page.get_by_test_id("indicator-poor_rate_end")
    expect(end_rate).to_contain_text("Chưa nhập tổng số hộ dân của: Bình Hưng")
    expect(end_rate).not_to_contain_text("Đức Thắng")
    # Every member of a poor or near-poor household has a card: met; no household of the
    # list is marked as expected to escape, against 2 planned: not met.
    insurance = page.get_by_test_id("indicator-health_insurance")
    expect(insurance).to_contain_text("100,00%")
    expect(insurance.locator(".badge")).to_have_text("Đạt")
    planned = page.get_by_test_id("indicator-escape_planned")
    expect(planned.locator(".badge")).to_have_text("Không đạt")
    # Both wards in the table per ward.
    by_ward = page.get_by_test_id("bieu-1")
    expect(by_ward).to_contain_text("Đức Thắng")
    expect(by_ward).to_contain_text("Tiến Lợi")
    # Chart.js has drawn the charts: each canvas has a chart with its data.
    page.wait_for_function(
        "() => ['chart-status', 'chart-movements'].every(id => {"
        " const chart = Chart.getChart(document.getElementById(id));"
        " return chart && chart.data.datasets.length > 0 && chart.width > 0; })"
    )

    # Đức Thắng alone: 3 → 2 poor of its 200 households, down 0.50 points: met.
    page.get_by_label("Phường/xã", exact=True).select_option(label="Phường Đức Thắng")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phường Đức Thắng, năm 2017")
    reduction = page.get_by_test_id("indicator-poor_rate_reduction")
    expect(reduction).to_contain_text("0,50")
    expect(reduction.locator(".badge")).to_have_text("Đạt")

    # Served inline, Chromium shows it in its viewer: keep what the server sent on the way.
    sent: list[APIResponse] = []

    def keep(route: Route) -> None:
        sent.append(route.fetch())
        route.fulfill(response=sent[-1])

    page.route(re.compile(r"/reports/periodic\.pdf\?"), keep)
    page.get_by_role("link", name="In báo cáo (PDF)").click()
    expect(page).to_have_url(
        re.compile(r"/reports/periodic\.pdf\?year=2017&unit=duc-thang&period=annual")
    )
    assert len(sent) == 1
    assert (sent[0].status, sent[0].headers["content-type"]) == (200, "application/pdf")
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(sent[0].body())
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Đức Thắng" in text
    assert "Tiến Lợi" not in text


def test_an_officer_sees_only_their_wards_figures(
    page: Page, two_wards: None, ducthang_officer: User, password: str
) -> None:
    log_in(page, "alice", password)
    toggler = page.get_by_role("button", name="Trình đơn")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("link", name="Báo cáo").click()
    expect(page).to_have_url(reverse("reports:dashboard"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Đức Thắng")
    # Đức Thắng alone: 3 → 2 poor of 200 households, down 0.50 points.
    expect(page.get_by_test_id("indicator-poor_rate_reduction")).to_contain_text("0,50")
    expect(page.get_by_test_id("bieu-1")).to_contain_text("Đức Thắng")
    expect(page.locator("main")).not_to_contain_text("Tiến Lợi")
    # No choice of ward: the officer's reports are their own ward's.
    expect(page.get_by_label("Phường/xã", exact=True)).to_have_count(0)
