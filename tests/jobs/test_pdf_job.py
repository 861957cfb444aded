"""The household-list PDF past what is laid out while the officer waits runs as a job."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import ViewLog
from households.models import User
from jobs import services
from jobs.models import Job
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db

LIST = reverse("reports:household_list_pdf")


@pytest.fixture
def four_households(db: None) -> None:
    for number in range(1, 5):
        make_member(make_household("duc-thang", code=f"DT-100{number}", head_name=f"Hộ {number}"))


def test_a_list_past_the_synchronous_limit_is_printed_by_a_job(
    client: Client,
    city_reviewer: User,
    four_households: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reports.views.pdf.PDF_MAX_HOUSEHOLDS", 2)
    client.force_login(city_reviewer)

    response = client.get(LIST)

    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert ViewLog.objects.filter(action=ViewLog.Action.EXPORT_REPORT).count() == 1
    state = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert state["status"] == "done", state["message"]
    assert (state["done"], state["total"]) == (4, 4)
    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="danh-sach-ho-thanh-pho.pdf"' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert all(f"DT-100{number}" in text for number in range(1, 5))


def test_a_list_grown_past_the_jobs_limit_is_refused_by_the_job(
    client: Client, city_reviewer: User, four_households: None
) -> None:
    # Started when the list had at most 3 households; it has 4 when the job runs.
    job = services.job_enqueue(
        owner=city_reviewer, kind=Job.Kind.HOUSEHOLD_PDF, parameters={"query": "", "limit": 3}
    )
    client.force_login(city_reviewer)

    job.refresh_from_db()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()

    assert job.status == Job.Status.FAILED
    assert job.message.startswith("Danh sách này có hơn 3 hộ, quá nhiều để in trong một tệp PDF.")
    assert job.message in page
    assert not job.file


def test_the_request_refuses_past_the_jobs_limit(
    client: Client,
    city_reviewer: User,
    four_households: None,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    monkeypatch.setattr("reports.views.pdf.PDF_MAX_HOUSEHOLDS", 2)
    settings.JOBS_PDF_MAX_HOUSEHOLDS = 3
    client.force_login(city_reviewer)

    response = client.get(LIST, follow=True)

    assert not Job.objects.exists()
    assert response.redirect_chain == [(reverse("households:list"), 302)]
    assert "Danh sách này có hơn 3 hộ" in response.content.decode()
