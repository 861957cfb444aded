"""Issue 13 B in Chromium: the household list's "Xuất Excel" and "Nhập từ Excel", one click
each way; the dry run says the exported file changes nothing, then shows the one cell changed,
and once applied the household's page shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from households.models import Household, User, Ward
from reports.imports import BY_FIELD
from tests.browser.pages import log_in
from tests.factories import (
    PASSWORD,
    make_assessment,
    make_household,
    make_member,
    make_round,
    make_user,
)

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


def check_first(page: Page, path: Path) -> None:
    """From the household list, one click to the import, the file chosen, "Kiểm tra trước"."""
    page.goto(reverse("households:list"))
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Kiểm tra trước").click()


def test_the_exported_list_goes_back_unchanged_then_with_one_cell_changed(
    page: Page, tmp_path: Path
) -> None:
    officer = make_user(
        "ducthang", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-thang")
    )
    review_round = make_round(2017)
    for number, head in ((1, "Nguyễn Văn An"), (2, "Trần Thị Bình")):
        household = make_household(code=f"DT-000{number}", head_name=head)
        make_member(household, full_name=head)
        make_assessment(household, review_round=review_round, income_per_capita=1_100_000)
    log_in(page, officer.username, PASSWORD)

    page.goto(reverse("households:list"))
    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)

    check_first(page, exported)

    expect(page.get_by_test_id("change-counts")).to_have_text(
        "Tệp không thay đổi gì: mọi dòng đều như đã ghi."
    )
    rows = page.get_by_test_id("changes").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("không thay đổi")
    expect(rows.nth(1)).to_contain_text("không thay đổi")
    expect(page.get_by_test_id("apply")).to_be_disabled()

    # The officer corrects Bình's address in the downloaded file.
    book = load_workbook(exported)
    sheet = book.active
    headers = [cell.value for cell in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == "DT-0002":
            row[headers.index(str(BY_FIELD["address"].header))].value = "99 Nguyễn Hội"
    changed = tmp_path / "da-sua.xlsx"
    book.save(changed)

    check_first(page, changed)

    expect(page.get_by_test_id("change-counts")).to_contain_text("dòng thay đổi: 1")
    expect(page.get_by_test_id("change-counts")).to_contain_text("dòng không đổi: 1")
    expect(page.locator('tr[data-kind="changed"]')).to_have_count(1)
    expect(page.locator('tr[data-kind="changed"]')).to_contain_text(
        "Địa chỉ: 12 Trần Hưng Đạo → 99 Nguyễn Hội"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import_dry_run.png"), full_page=True)
    assert Household.objects.get(code="DT-0002").address == "12 Trần Hưng Đạo"  # a dry run

    page.get_by_test_id("apply").click()

    expect(page.get_by_role("alert").first).to_contain_text("2 hộ với 2 thành viên")
    page.get_by_role("link", name="DT-0002").click()
    expect(page.locator("main")).to_contain_text("99 Nguyễn Hội")
