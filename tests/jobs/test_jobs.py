"""The generic job flow (issue 11 §4): progress while running, a Vietnamese message when a job
fails (never a traceback), the database backend and its worker, the cleanup."""

from __future__ import annotations

import datetime
import logging
import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from households.models import User, Ward
from jobs import services, storage
from jobs.models import Job
from tests.factories import make_household, make_member, run_job_worker
from tests.jobs.conftest import DATABASE

pytestmark = pytest.mark.django_db


def enqueue(owner: User, kind: str = Job.Kind.HOUSEHOLD_XLSX, **parameters: Any) -> Job:
    return services.job_enqueue(owner=owner, kind=kind, parameters=parameters)


def test_a_running_job_reports_its_progress(
    client: Client, ducthang_officer: User, settings: Any
) -> None:
    settings.TASKS = DATABASE  # queued, not run: the test plays the worker's part
    job = enqueue(ducthang_officer)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    storage.ProgressFile(job.pk)(40, 160)
    client.force_login(ducthang_officer)

    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert state["status"] == "running"
    assert state["label"] == "Đang thực hiện"
    assert (state["done"], state["total"], state["percent"]) == (40, 160, 25)
    assert state["finished"] is False
    assert state["download_url"] == ""
    assert 'data-polling="1"' in page
    assert 'value="25"' in page
    assert "40 / 160" in page
    assert "/static/js/jobs.js" in page


def test_a_job_refused_for_a_reason_says_why(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    job = enqueue(ducthang_officer, Job.Kind.IMPORT, file="gone.xlsx", ward=duc_thang.pk)
    client.force_login(ducthang_officer)

    job.refresh_from_db()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert job.status == Job.Status.FAILED
    assert "Không hoàn thành" in page
    assert job.message == "Bản xem trước đã hết hạn hoặc đã được nhập: hãy tải tệp lên lại."
    assert job.message in page
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_unexpected_error_shows_a_message_never_a_traceback(
    client: Client,
    ducthang_officer: User,
    _jobs_settings: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    storage.jobs_dir()
    (_jobs_settings / "import-0123.xlsx").write_bytes(b"not used")
    with caplog.at_level(logging.ERROR, logger="jobs.services"):
        job = enqueue(ducthang_officer, Job.Kind.IMPORT, file="import-0123.xlsx", ward=10**9)
    client.force_login(ducthang_officer)

    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert state["status"] == "failed"
    assert state["message"].startswith("Công việc không hoàn thành được do lỗi trên máy chủ.")
    assert state["message"] in page
    assert "Traceback" not in page and "DoesNotExist" not in page
    assert "DoesNotExist" in caplog.text  # the administrator finds it in the log
    assert not list(_jobs_settings.glob("*.part"))
    assert not list(_jobs_settings.glob("*.progress"))


def test_the_database_backend_queues_the_job_and_the_worker_runs_it(
    client: Client,
    ducthang_officer: User,
    settings: Any,
) -> None:
    settings.TASKS = DATABASE
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 1
    for number in (1, 2):
        make_member(make_household(code=f"DT-000{number}"))
    client.force_login(ducthang_officer)

    client.get(reverse("reports:household_list_xlsx"))

    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    task = DBTaskResult.objects.get(pk=job.task_id)
    assert task.task_path == "jobs.tasks.run_job"
    assert task.args_kwargs == {"args": [str(job.pk)], "kwargs": {}}
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Đang chờ" in page

    run_job_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert (job.done, job.total) == (2, 2)
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200


def test_a_job_runs_once_even_if_its_task_is_delivered_twice(
    ducthang_officer: User, settings: Any
) -> None:
    settings.JOBS_XLSX_MIN_HOUSEHOLDS = 1
    make_member(make_household())
    job = enqueue(ducthang_officer, query="")
    job.refresh_from_db()
    finished_at = job.finished_at

    services.job_run(job_id=str(job.pk))

    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.finished_at == finished_at


def test_cleanup_removes_expired_jobs_their_files_and_stray_files(
    ducthang_officer: User, _jobs_settings: Path, settings: Any
) -> None:
    make_member(make_household())
    kept = enqueue(ducthang_officer)
    expired = enqueue(ducthang_officer)
    kept.refresh_from_db()
    expired.refresh_from_db()
    Job.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    stray = _jobs_settings / "import-abandoned.xlsx"
    stray.write_bytes(b"x")
    old = time.time() - (settings.JOBS_KEEP_HOURS + 1) * 3600
    os.utime(stray, (old, old))
    fresh = _jobs_settings / "import-waiting.xlsx"
    fresh.write_bytes(b"x")

    dry = StringIO()
    call_command("cleanup_jobs", "--dry-run", stdout=dry)
    assert dry.getvalue().strip() == "Sẽ xoá 1 công việc chạy nền đã hết hạn."
    assert Job.objects.count() == 2

    out = StringIO()
    call_command("cleanup_jobs", stdout=out)

    assert out.getvalue().strip() == "Đã xoá 1 công việc chạy nền đã hết hạn."
    assert list(Job.objects.all()) == [kept]
    assert (_jobs_settings / kept.file).exists()
    assert not (_jobs_settings / expired.file).exists()
    assert not stray.exists()
    assert fresh.exists()


def test_the_download_refuses_a_name_that_climbs_out(
    client: Client, ducthang_officer: User
) -> None:
    make_member(make_household())
    job = enqueue(ducthang_officer)
    Job.objects.filter(pk=job.pk).update(file="../../settings.py")
    client.force_login(ducthang_officer)

    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_the_admin_is_read_only_for_administrators(
    client: Client, administrator: User, ducthang_officer: User
) -> None:
    make_member(make_household())
    job = enqueue(ducthang_officer)
    client.force_login(administrator)

    assert client.get(reverse("admin:jobs_job_changelist")).status_code == 200
    assert client.get(reverse("admin:jobs_job_change", args=[job.pk])).status_code == 200
    assert client.get(reverse("admin:jobs_job_add")).status_code == 403


def test_a_job_whose_worker_died_stops_waiting(
    client: Client, ducthang_officer: User, settings: Any
) -> None:
    settings.TASKS = DATABASE
    job = enqueue(ducthang_officer)
    started = timezone.now() - datetime.timedelta(hours=settings.JOBS_RUNNING_HOURS, minutes=1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=started)
    recent = enqueue(ducthang_officer)
    Job.objects.filter(pk=recent.pk).update(status=Job.Status.RUNNING, started_at=timezone.now())

    call_command("cleanup_jobs", stdout=StringIO())

    job.refresh_from_db()
    recent.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message == (
        "Công việc bị gián đoạn trước khi hoàn thành (tiến trình xử lý công việc đã dừng). "
        "Hãy thực hiện lại."
    )
    assert recent.status == Job.Status.RUNNING
    client.force_login(ducthang_officer)
    assert client.get(reverse("jobs:status", args=[job.pk])).json()["finished"] is True
