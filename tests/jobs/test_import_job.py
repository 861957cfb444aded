"""A large confirmed import is saved by a background job (issue 11 §4): all or nothing, with
the imported households to open when it is done, or the problems when it is refused."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from households.models import Household, Member, User, Ward
from jobs.models import Job
from reports.imports import LAYOUT
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db

URL = reverse("reports:import")
NATIONAL_ID = "060068000123"


def member_row(code: str, full_name: str, **values: Any) -> dict[str, Any]:
    ward = Ward.objects.get(code="duc-thang")
    return {
        "code": code,
        "ward": ward.name,
        "quarter": ward.quarters.order_by("display_order").first().name,
        "address": "5 Lê Lợi",
        "full_name": full_name,
        "relation": "Chủ hộ",
        "sex": "Nam",
        "birth_year": "1968",
        **values,
    }


def workbook(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh sách"])
    sheet.append([str(column.header) for column in LAYOUT])
    for values in rows:
        sheet.append([values.get(column.field, "") for column in LAYOUT])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview(client: Client, content: bytes) -> str:
    response = client.post(URL, {"file": SimpleUploadedFile("ho.xlsx", content)})
    assert response.status_code == 200
    assert response.context["result"].is_valid
    token: str = response.context["token"]
    return token


@pytest.fixture
def three_rows() -> bytes:
    return workbook(
        [
            member_row("DT-0100", "Phạm Văn Dũng", national_id=NATIONAL_ID),
            member_row("DT-0100", "Phạm Thị Em", relation="Con", sex="Nữ", birth_year="2006"),
            member_row("DT-0101", "Lê Văn Giang"),
        ]
    )


def test_a_large_import_is_saved_by_a_job(
    client: Client,
    ducthang_officer: User,
    duc_thang: Ward,
    three_rows: bytes,
    settings: Any,
    _jobs_settings: Path,
) -> None:
    settings.JOBS_IMPORT_MIN_ROWS = 3
    client.force_login(ducthang_officer)
    token = preview(client, three_rows)
    assert not Household.objects.exists()

    response = client.post(URL, {"token": token})

    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.kind, job.owner, job.ward) == (Job.Kind.IMPORT, ducthang_officer, duc_thang)
    assert job.status == Job.Status.DONE, job.message
    assert job.message == "Đã nhập 2 hộ với 3 thành viên vào Phường Đức Thắng."
    assert sorted(Household.objects.values_list("code", flat=True)) == ["DT-0100", "DT-0101"]
    assert Member.objects.count() == 3
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (state["done"], state["total"], state["percent"]) == (3, 3, 100)
    assert state["download_url"] == ""
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("households:list")}?ward={duc_thang.pk}"' in page
    assert not list(_jobs_settings.glob("import-*"))  # the file is spent
    # The token is spent too: confirming again imports nothing more.
    again = client.post(URL, {"token": token}, follow=True)
    assert "Bản xem trước đã hết hạn" in again.content.decode()
    assert Job.objects.count() == 1


def test_a_small_import_is_still_saved_at_once(
    client: Client, ducthang_officer: User, three_rows: bytes, settings: Any
) -> None:
    settings.JOBS_IMPORT_MIN_ROWS = 4
    client.force_login(ducthang_officer)

    response = client.post(URL, {"token": preview(client, three_rows)})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("households:list"))
    assert Household.objects.count() == 2
    assert not Job.objects.exists()


def test_an_import_that_no_longer_passes_saves_nothing_and_lists_the_problems(
    client: Client, ducthang_officer: User, three_rows: bytes, settings: Any
) -> None:
    settings.JOBS_IMPORT_MIN_ROWS = 3
    client.force_login(ducthang_officer)
    token = preview(client, three_rows)
    # Meanwhile another officer registers someone with the same ID number by hand.
    make_member(make_household(code="DT-0200", head_name="Võ Văn Hai"), national_id=NATIONAL_ID)

    client.post(URL, {"token": token})

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message == "Chưa nhập dữ liệu nào: tệp không còn đạt yêu cầu kiểm tra."
    assert list(Household.objects.values_list("code", flat=True)) == ["DT-0200"]
    assert Member.objects.count() == 1
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'data-testid="job-details"' in page
    assert job.details and all(problem["message"] in page for problem in job.details)
    assert "Traceback" not in page


def test_another_officer_cannot_follow_the_import(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    three_rows: bytes,
    settings: Any,
) -> None:
    settings.JOBS_IMPORT_MIN_ROWS = 3
    client.force_login(ducthang_officer)
    client.post(URL, {"token": preview(client, three_rows)})
    job = Job.objects.get()

    client.force_login(tienloi_officer)

    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:status", args=[job.pk])).status_code == 404


# --- the check of a large file (the preview) -----------------------------------------------------


def upload(client: Client, content: bytes) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile("ho-lon.xlsx", content)})


def test_a_large_files_check_runs_as_a_job_then_confirm_imports_it(
    client: Client,
    ducthang_officer: User,
    duc_thang: Ward,
    three_rows: bytes,
    settings: Any,
    _jobs_settings: Path,
) -> None:
    settings.JOBS_IMPORT_CHECK_MIN_KB = 1
    settings.JOBS_IMPORT_MIN_ROWS = 1000  # the confirmation is a job anyway: the file is large
    client.force_login(ducthang_officer)

    response = upload(client, three_rows)

    check = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[check.pk])
    check.refresh_from_db()
    assert (check.kind, check.status, check.ward) == (Job.Kind.IMPORT_CHECK, "done", duc_thang)
    assert check.message == (
        "Kiểm tra tệp ho-lon.xlsx: không có lỗi. 2 hộ với 3 thành viên sẽ được thêm mới hoặc "
        "cập nhật vào Phường Đức Thắng. Chưa có dữ liệu nào được lưu. Hộ mới: 2 · thành "
        "viên mới: 1 · dòng thay đổi: 0 · dòng không đổi: 0 · phiếu khảo sát được ghi: 0. "
        "Tệp lớn như vậy được kiểm tra chạy nền: những gì tệp thay đổi được đếm, không liệt kê "
        f"từng dòng (tệp dưới {settings.JOBS_IMPORT_CHECK_MIN_KB} KB được liệt kê trên trang "
        "nhập)."
    )
    assert not Household.objects.exists()
    page = client.get(reverse("jobs:detail", args=[check.pk])).content.decode()
    confirm = reverse("reports:import_check_confirm", args=[check.pk])
    assert f'action="{confirm}"' in page
    assert "Xác nhận nhập" in page

    response = client.post(confirm)

    imported = Job.objects.exclude(pk=check.pk).get()
    assert response["Location"] == reverse("jobs:detail", args=[imported.pk])
    imported.refresh_from_db()
    assert (imported.kind, imported.status) == (Job.Kind.IMPORT, Job.Status.DONE)
    assert sorted(Household.objects.values_list("code", flat=True)) == ["DT-0100", "DT-0101"]
    assert not list(_jobs_settings.glob("import-*"))
    # Pressing the button again imports nothing more.
    again = client.post(confirm, follow=True)
    assert "Bản xem trước đã hết hạn" in again.content.decode()
    assert Job.objects.count() == 2


def test_a_large_file_with_problems_lists_them_on_the_jobs_page(
    client: Client, ducthang_officer: User, settings: Any, _jobs_settings: Path
) -> None:
    settings.JOBS_IMPORT_CHECK_MIN_KB = 1
    client.force_login(ducthang_officer)

    upload(client, workbook([member_row("DT-0100", "Phạm Văn Dũng", sex="?", birth_year="")]))

    check = Job.objects.get()
    assert check.status == Job.Status.FAILED
    assert check.message.startswith("1 lỗi: không có gì được lưu.")
    assert [problem["column"] for problem in check.details] == ["Giới tính"]
    page = client.get(reverse("jobs:detail", args=[check.pk])).content.decode()
    assert 'data-testid="job-details"' in page
    assert "reports/import/checked" not in page  # nothing to confirm
    assert not list(_jobs_settings.glob("import-*"))
    assert client.post(reverse("reports:import_check_confirm", args=[check.pk])).status_code == 302
    assert not Household.objects.exists()


def test_only_the_uploader_confirms_and_only_within_the_hour(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    administrator: User,
    three_rows: bytes,
    settings: Any,
) -> None:
    settings.JOBS_IMPORT_CHECK_MIN_KB = 1
    client.force_login(ducthang_officer)
    upload(client, three_rows)
    check = Job.objects.get()
    confirm = reverse("reports:import_check_confirm", args=[check.pk])

    client.force_login(tienloi_officer)
    assert client.post(confirm).status_code == 404
    client.force_login(administrator)
    assert client.post(confirm).status_code == 404
    client.logout()
    assert client.post(confirm)["Location"].startswith(reverse("login"))
    client.force_login(ducthang_officer)
    assert client.get(confirm).status_code == 405
    Job.objects.filter(pk=check.pk).update(
        finished_at=check.finished_at - datetime.timedelta(hours=2)  # type: ignore[operator]
    )
    response = client.post(confirm, follow=True)
    assert "Bản xem trước đã hết hạn" in response.content.decode()
    assert Job.objects.count() == 1
    assert not Household.objects.exists()
