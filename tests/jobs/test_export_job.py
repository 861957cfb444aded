"""A long household-list export runs as a background job (issue 11 §4): the request starts
it, the job page and its JSON follow it, and only its owner (or an administrator) downloads
the file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import ViewLog
from households.models import User
from jobs.models import Job
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("reports:household_list_xlsx")


@pytest.fixture
def three_households(db: None) -> None:
    for number, head in enumerate(("Nguyễn Văn An", "Lê Thị Hoa", "Trần Văn Bình"), start=1):
        household = make_household("duc-thang", code=f"DT-000{number}", head_name=head)
        make_member(household, full_name=head)


@pytest.fixture
def small_threshold(settings: Any) -> None:
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 2


def start_export(client: Client, query: str = "") -> Job:
    response = client.get(f"{EXPORT_URL}?{query}" if query else EXPORT_URL)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    return job


def test_an_export_over_the_threshold_runs_as_a_job_and_is_downloaded(
    client: Client, ducthang_officer: User, three_households: None, small_threshold: None
) -> None:
    client.force_login(ducthang_officer)

    job = start_export(client)

    job.refresh_from_db()
    assert job.owner == ducthang_officer
    assert job.kind == Job.Kind.HOUSEHOLD_XLSX
    assert job.ward is not None and job.ward.code == "duc-thang"
    assert job.status == Job.Status.DONE
    assert ViewLog.objects.filter(action=ViewLog.Action.EXPORT_HOUSEHOLDS).count() == 1

    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert state["status"] == "done"
    assert state["label"] == "Hoàn thành"
    assert state["finished"] is True
    assert (state["done"], state["total"], state["percent"]) == (3, 3, 100)
    assert state["download_url"] == reverse("jobs:download", args=[job.pk])

    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    assert "Tải về danh-sach-ho.xlsx" in page.content.decode()
    assert "3 dòng đã được xuất." in page.content.decode()

    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == ["DT-0001", "DT-0002", "DT-0003"]


def test_an_export_at_the_threshold_is_still_sent_at_once(
    client: Client, ducthang_officer: User, three_households: None, settings: Any
) -> None:
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 3
    client.force_login(ducthang_officer)

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()


def test_the_job_keeps_the_lists_parameters(
    client: Client, ducthang_officer: User, three_households: None, small_threshold: None
) -> None:
    client.force_login(ducthang_officer)

    job = start_export(client, "members=1")

    download = client.get(reverse("jobs:download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet["A1"].value.startswith("Danh sách hộ và thành viên")  # the import layout
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == ["DT-0001", "DT-0002", "DT-0003"]


def test_it_checks_ownership(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    administrator: User,
    three_households: None,
    small_threshold: None,
) -> None:
    client.force_login(ducthang_officer)
    job = start_export(client)
    names = ("jobs:detail", "jobs:status", "jobs:download")
    urls = [reverse(name, args=[job.pk]) for name in names]

    client.force_login(tienloi_officer)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert job.pk.hex not in client.get(reverse("jobs:list")).content.decode()

    client.force_login(administrator)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]

    client.logout()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_job_is_a_404(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    response = client.get(reverse("jobs:detail", args=["6f1c1f0e-0000-4000-8000-000000000000"]))

    assert response.status_code == 404


def test_the_file_is_not_in_media_and_is_gone_after_the_cleanup(
    client: Client,
    ducthang_officer: User,
    three_households: None,
    small_threshold: None,
    _jobs_settings: Path,
) -> None:
    client.force_login(ducthang_officer)
    job = start_export(client)
    job.refresh_from_db()
    stored = _jobs_settings / job.file
    assert stored.exists()
    assert _jobs_settings.stat().st_mode & 0o077 == 0  # the folder is the app's alone

    Job.objects.filter(pk=job.pk).update(expires_at=job.created_at)
    another = start_export_again(client)  # each new job removes the expired ones first

    assert not Job.objects.filter(pk=job.pk).exists()
    assert not stored.exists()
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert Job.objects.get() == another


def start_export_again(client: Client) -> Job:
    client.get(EXPORT_URL)
    return Job.objects.latest("created_at")


def test_a_user_may_not_pile_up_jobs(
    client: Client,
    ducthang_officer: User,
    three_households: None,
    small_threshold: None,
    settings: Any,
) -> None:
    settings.JOBS_MAX_PER_USER = 1
    client.force_login(ducthang_officer)
    job = start_export(client)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)  # still waiting

    response = client.get(EXPORT_URL, follow=True)

    assert Job.objects.count() == 1
    assert "Bạn đang có 1 công việc đang chờ hoặc đang chạy" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("households:list"))


def test_my_jobs_lists_the_users_jobs_only(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    three_households: None,
    small_threshold: None,
    django_assert_max_num_queries: Any,
) -> None:
    client.force_login(ducthang_officer)
    for _ in range(3):
        start_export_again(client)
    client.force_login(tienloi_officer)
    start_export_again(client)
    client.force_login(ducthang_officer)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("jobs:list"))

    assert len(response.context["jobs"]) == 3
    assert response.content.decode().count("Danh sách hộ (Excel)") == 3
