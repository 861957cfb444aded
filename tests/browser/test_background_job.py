"""Issue 11 §4 in Chromium: a long export becomes a background job; its page waits for the
worker, follows the job by polling, and offers the download when the worker is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from households.models import Household, User, Ward
from jobs.models import Job
from reports.imports import LAYOUT
from tests.browser.pages import log_in
from tests.factories import PASSWORD, make_household, make_member, make_user, run_job_worker

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_long_export_is_followed_on_its_page_and_downloaded(
    page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 1
    officer = make_user(
        "ducthang", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-thang")
    )
    for number in (1, 2):
        make_member(make_household(code=f"DT-000{number}", head_name=f"Hộ {number}"))
    log_in(page, officer.username, PASSWORD)

    page.goto(reverse("reports:household_list_xlsx"))

    job = Job.objects.get()
    expect(page).to_have_url(reverse("jobs:detail", args=[job.pk]))
    expect(page.get_by_role("heading", name="Danh sách hộ (Excel)")).to_be_visible()
    expect(page.get_by_test_id("job-status")).to_have_text("Đang chờ")
    expect(page.get_by_label("Tiến độ")).to_be_visible()

    run_job_worker(in_transaction=False)  # the page notices by itself and shows the result

    expect(page.get_by_test_id("job-status")).to_have_text("Hoàn thành")
    expect(page.get_by_test_id("job-message")).to_have_text("2 dòng đã được xuất.")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    assert download.value.suggested_filename == "danh-sach-ho.xlsx"
    assert Path(download.value.path()).read_bytes().startswith(b"PK")

    page.goto(reverse("jobs:list"))
    expect(page.get_by_test_id("job-list")).to_contain_text("Hoàn thành")


def import_file(path: Path) -> Path:
    """Three member rows of two Đức Thắng households, in the import layout."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh sách"])
    sheet.append([str(column.header) for column in LAYOUT])
    ward = Ward.objects.get(code="duc-thang")
    quarter = ward.quarters.order_by("display_order").first()
    assert quarter is not None
    for code, name, relation, sex, year in (
        ("DT-0100", "Phạm Văn Dũng", "Chủ hộ", "Nam", "1968"),
        ("DT-0100", "Phạm Thị Em", "Con", "Nữ", "2006"),
        ("DT-0101", "Lê Văn Giang", "Chủ hộ", "Nam", "1975"),
    ):
        values = {
            "code": code,
            "ward": ward.name,
            "quarter": quarter.name,
            "address": "5 Lê Lợi",
            "full_name": name,
            "relation": relation,
            "sex": sex,
            "birth_year": year,
        }
        sheet.append([values.get(column.field, "") for column in LAYOUT])
    book.save(path)
    return path


def test_a_large_import_is_checked_confirmed_and_saved_by_jobs(
    page: Page, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_IMPORT_CHECK_MIN_KB = 1
    officer = make_user(
        "ducthang", role=User.Role.WARD_OFFICER, ward=Ward.objects.get(code="duc-thang")
    )
    log_in(page, officer.username, PASSWORD)
    page.goto(reverse("reports:import"))

    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(import_file(tmp_path / "ho-lon.xlsx"))
    page.get_by_role("button", name="Kiểm tra trước").click()

    # The upload's answer (the check job's page) replaces the import page.
    expect(page.get_by_test_id("job-status")).to_have_text("Đang chờ")
    run_job_worker(in_transaction=False)
    check = Job.objects.get()
    expect(page).to_have_url(reverse("jobs:detail", args=[check.pk]))
    expect(page.get_by_test_id("job-message")).to_contain_text(
        "Kiểm tra tệp ho-lon.xlsx: không có lỗi."
    )
    assert not Household.objects.exists()

    page.get_by_test_id("job-action").click()

    expect(page.get_by_test_id("job-status")).to_have_text("Đang chờ")
    run_job_worker(in_transaction=False)
    expect(page.get_by_test_id("job-status")).to_have_text("Hoàn thành")
    expect(page.get_by_test_id("job-message")).to_have_text(
        "Đã nhập 2 hộ với 3 thành viên vào Phường Đức Thắng."
    )
    page.get_by_role("link", name="Mở danh sách hộ").click()
    expect(page.get_by_text("DT-0101")).to_be_visible()
