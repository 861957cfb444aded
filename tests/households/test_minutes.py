"""The minutes of a community meeting: served through a view that checks scope (issue 10).

alice = officer of Đức Thắng, charlie = officer of Tiến Lợi ("should have no access" to
Đức Thắng's households), bob = city Labour department, dave = a partner agency that delivered
nothing to the household.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse

from households import services
from households.models import Assessment, User
from households.services.review import MINUTES_NAME_MAX_LENGTH
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

MEETING_FORM = {
    "meeting_date": "15/10/2017",
    "attendance": "42",
    "agreement_percent": "85",
    "minutes": "",
}
# 300 characters of a Vietnamese file name, as a scanner or a phone names it.
LONG_NAME = ("Biên bản họp dân khu phố Đức Thắng quý IV năm 2017 " * 6)[:300] + ".pdf"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def submitted(officer: User, code: str = "DT-0001", ward_code: str = "duc-thang") -> Assessment:
    make_round(2017)
    household = make_household(ward_code, code=code)
    make_member(household)
    assessment = make_assessment(household, deprivations=["health_access", "sanitation"])
    return services.assessment_submit(assessment=assessment, by=officer)


def upload(client: Client, assessment: Assessment, name: str, content: bytes) -> Assessment:
    response = client.post(
        reverse("households:assessment_meeting", args=[assessment.pk]),
        {**MEETING_FORM, "minutes_file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assessment.refresh_from_db()
    assert assessment.state == "meeting_held"
    return assessment


def minutes_url(assessment: Assessment) -> str:
    return reverse("households:assessment_minutes", args=[assessment.pk])


@pytest.fixture
def with_minutes(client: Client, ducthang_officer: User) -> Assessment:
    client.force_login(ducthang_officer)
    return upload(client, submitted(ducthang_officer), "Biên bản họp.pdf", b"%PDF-1.4 minutes")


def test_the_officer_reads_the_minutes_through_the_view(
    client: Client, with_minutes: Assessment
) -> None:
    response = client.get(minutes_url(with_minutes))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bien-ban-hop.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")


def test_the_household_page_links_to_the_view_not_to_media(
    client: Client, with_minutes: Assessment, settings: Any
) -> None:
    page = client.get(reverse("households:detail", args=[with_minutes.household_id]))

    html = page.content.decode()
    assert f'href="{minutes_url(with_minutes)}"' in html
    assert f"/{settings.MEDIA_URL}" not in html


def test_the_review_step_page_links_to_the_view(
    client: Client, with_minutes: Assessment, settings: Any
) -> None:
    page = client.get(reverse("households:assessment_posting", args=[with_minutes.pk]))

    html = page.content.decode()
    assert f'href="{minutes_url(with_minutes)}"' in html
    assert f"/{settings.MEDIA_URL}" not in html


def test_the_city_reads_every_wards_minutes(
    client: Client, with_minutes: Assessment, city_reviewer: User
) -> None:
    client.force_login(city_reviewer)
    assert client.get(minutes_url(with_minutes)).status_code == 200


def test_it_checks_ownership(
    client: Client, with_minutes: Assessment, tienloi_officer: User, agency_user: User
) -> None:
    for user in (tienloi_officer, agency_user):
        client.force_login(user)
        assert client.get(minutes_url(with_minutes)).status_code == 404


def test_anonymous_goes_to_login(with_minutes: Assessment) -> None:
    path = minutes_url(with_minutes)
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_only_get(client: Client, with_minutes: Assessment) -> None:
    assert client.post(minutes_url(with_minutes)).status_code == 405


def test_no_file_or_a_lost_file_is_404(
    client: Client, with_minutes: Assessment, ducthang_officer: User
) -> None:
    default_storage.delete(with_minutes.meeting_minutes_file.name)
    assert client.get(minutes_url(with_minutes)).status_code == 404

    typed = submitted(ducthang_officer, code="DT-0002")
    assert client.get(minutes_url(typed)).status_code == 404


def test_a_word_file_is_downloaded_never_shown(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    assessment = upload(client, submitted(ducthang_officer), "bien ban.docx", b"PK\x03\x04")

    response = client.get(minutes_url(assessment))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_300_character_vietnamese_name_is_stored_short_and_served(
    client: Client, ducthang_officer: User, media: Path
) -> None:
    client.force_login(ducthang_officer)

    assessment = upload(client, submitted(ducthang_officer), LONG_NAME, b"%PDF-1.4 long")

    name = assessment.meeting_minutes_file.name
    assert len(name) <= 255
    assert name.isascii()
    assert name.startswith("minutes/2017/duc-thang/bien-ban-hop-dan-khu-pho-duc-thang-quy-iv")
    assert name.endswith(".pdf")
    assert len(Path(name).stem) <= MINUTES_NAME_MAX_LENGTH
    assert (media / name).read_bytes() == b"%PDF-1.4 long"
    response = client.get(minutes_url(assessment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 long"
    assert response["Content-Disposition"] == f'inline; filename="{Path(name).name}"'


def test_the_same_name_twice_keeps_both_files(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    first = upload(client, submitted(ducthang_officer), LONG_NAME, b"first")
    second = upload(client, submitted(ducthang_officer, code="DT-0002"), LONG_NAME, b"second")

    assert first.meeting_minutes_file.name != second.meeting_minutes_file.name
    assert len(second.meeting_minutes_file.name) <= 255
    assert b"".join(client.get(minutes_url(first)).streaming_content) == b"first"
    assert b"".join(client.get(minutes_url(second)).streaming_content) == b"second"


def test_media_is_not_served_even_in_development(settings: Any) -> None:
    # Uploaded minutes are only reachable through the view above: no URL serves MEDIA_ROOT,
    # whatever DEBUG says (giamngheo/urls.py used to add `static(MEDIA_URL)` when DEBUG was on).
    import giamngheo.urls

    settings.DEBUG = True
    try:
        module = importlib.reload(giamngheo.urls)
        routes = [str(p.pattern) for p in module.urlpatterns if isinstance(p, URLPattern)]
    finally:
        settings.DEBUG = False
        importlib.reload(giamngheo.urls)
    assert not [r for r in routes if r.startswith(("media", "^media"))]
