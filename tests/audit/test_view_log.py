"""The view log (issue 10): who opened or exported personal data, when, which household.

alice = officer of Đức Thắng, bob = city Labour department, root = administrator.
Each look writes one row; the admin shows the log to administrators and lets nobody change it.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import ViewLog
from audit.services import record_view
from households import services
from households.models import Household, ReviewState, User
from tests.factories import (
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
)

pytestmark = pytest.mark.django_db

HEAD_ID = "001085012345"


@pytest.fixture
def household(duc_thang: Any) -> Household:
    make_round(2017)
    household = make_household("duc-thang", code="DT-0001", head_name="Nguyễn Văn Ấm")
    make_member(household, full_name="Nguyễn Văn Ấm", national_id=HEAD_ID)
    make_assessment(household, income_per_capita=700_000)
    return household


def logged() -> list[tuple[str, str, str | None, str]]:
    return [
        (row.username, row.action, row.household.code if row.household else None, row.detail)
        for row in ViewLog.objects.select_related("household").order_by("id")
    ]


def only_row() -> ViewLog:
    rows = list(ViewLog.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


def test_the_household_page_is_logged(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200

    row = only_row()
    assert (row.user, row.username, row.action) == (ducthang_officer, "alice", "household_page")
    assert (row.household, row.household_code) == (household, "DT-0001")
    assert row.ip_address == "127.0.0.1"


def test_the_change_history_is_logged(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:history", args=[household.pk])).status_code == 200

    assert logged() == [("alice", "household_page", "DT-0001", "history")]


def test_a_history_refused_logs_nothing(
    client: Client, tienloi_officer: User, household: Household
) -> None:
    client.force_login(tienloi_officer)

    assert client.get(reverse("households:history", args=[household.pk])).status_code == 404

    assert logged() == []


def test_a_page_refused_logs_nothing(
    client: Client, tienloi_officer: User, household: Household
) -> None:
    client.force_login(tienloi_officer)

    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 404

    assert logged() == []


def test_the_household_profile_pdf_is_logged(
    client: Client, city_reviewer: User, household: Household
) -> None:
    client.force_login(city_reviewer)

    url = reverse("reports:household_profile_pdf", args=[household.pk])
    assert client.get(url).status_code == 200

    assert logged() == [("bob", "household_pdf", "DT-0001", "")]


def test_a_search_by_national_id_is_logged(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:list"), {"q": f" {HEAD_ID} "}).status_code == 200

    assert logged() == [("alice", "search_by_id", "DT-0001", f"q={HEAD_ID} rows=1")]


@pytest.mark.parametrize("term", ["Nguyễn Văn", "DT-0001", "12345678", "0010850123456"])
def test_other_searches_are_not_logged(
    client: Client, ducthang_officer: User, household: Household, term: str
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("households:list"), {"q": term}).status_code == 200

    assert logged() == []


def test_the_household_export_with_members_is_logged(
    client: Client, city_reviewer: User, household: Household
) -> None:
    client.force_login(city_reviewer)

    response = client.get(reverse("reports:household_list_xlsx"), {"members": "1"})
    assert response.status_code == 200
    b"".join(response.streaming_content)

    url = reverse("reports:household_list_xlsx")
    assert logged() == [("bob", "export_households", None, f"{url}?members=1")]


def test_the_worklist_export_is_logged(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)

    url = reverse("programs:worklist_export", args=["bhyt"])
    response = client.get(url, {"year": "2017"})
    assert response.status_code == 200
    b"".join(response.streaming_content)

    assert logged() == [("alice", "export_worklist", None, f"{url}?year=2017")]


def test_the_household_list_pdf_is_logged(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)

    assert client.get(reverse("reports:household_list_pdf")).status_code == 200

    url = reverse("reports:household_list_pdf")
    assert logged() == [("alice", "export_report", None, f"{url} rows=1")]


def test_the_posting_pdf_is_logged(
    client: Client, ducthang_officer: User, city_reviewer: User, duc_thang: Any
) -> None:
    make_round(2017)
    posted = make_household("duc-thang", code="DT-0009")
    make_member(posted)
    make_assessment_in_state(
        posted,
        ReviewState.POSTED,
        officer=ducthang_officer,
        reviewer=city_reviewer,
        income_per_capita=700_000,
    )
    client.force_login(ducthang_officer)

    assert client.get(reverse("reports:posting_pdf")).status_code == 200

    url = reverse("reports:posting_pdf")
    assert logged() == [("alice", "export_report", None, f"{url} rows=1")]


def test_the_minutes_file_is_logged(
    client: Client, ducthang_officer: User, household: Household, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    assessment = services.assessment_submit(
        assessment=household.assessments.get(), by=ducthang_officer
    )
    services.assessment_record_meeting(
        assessment=assessment,
        by=ducthang_officer,
        meeting_date=datetime.date(2017, 10, 15),
        attendance=42,
        agreement_percent=85,
        minutes_file=SimpleUploadedFile("biên bản.pdf", b"%PDF-1.4"),
    )
    client.force_login(ducthang_officer)

    response = client.get(reverse("households:assessment_minutes", args=[assessment.pk]))
    assert response.status_code == 200

    assert logged() == [("alice", "minutes_file", "DT-0001", "minutes/2017/duc-thang/bien-ban.pdf")]


def test_an_unknown_action_is_refused(rf: Any, ducthang_officer: User) -> None:
    request = rf.get("/")
    request.user = ducthang_officer
    with pytest.raises(ValueError):
        record_view(request=request, action="household_pag")
    assert logged() == []


def test_a_forged_address_is_not_stored(rf: Any, ducthang_officer: User) -> None:
    request = rf.get("/", REMOTE_ADDR="not an address")
    request.user = ducthang_officer
    assert record_view(request=request, action="household_page").ip_address is None


def test_the_row_outlives_the_user_and_keeps_the_name(
    client: Client, ducthang_officer: User, household: Household
) -> None:
    client.force_login(ducthang_officer)
    client.get(reverse("households:detail", args=[household.pk]))
    client.logout()

    ducthang_officer.delete()

    row = only_row()
    assert (row.user, row.username, row.household_code) == (None, "alice", "DT-0001")


# --- The admin ----------------------------------------------------------------------------------


@pytest.fixture
def a_row(client: Client, ducthang_officer: User, household: Household) -> ViewLog:
    client.force_login(ducthang_officer)
    client.get(reverse("households:detail", args=[household.pk]))
    client.logout()
    return only_row()


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_administrators_read_the_log(administrator: User, a_row: ViewLog) -> None:
    client = admin_client(administrator)

    changelist = client.get(reverse("admin:audit_viewlog_changelist"))
    assert changelist.status_code == 200
    assert list(changelist.context["cl"].result_list) == [a_row]
    filtered = client.get(
        reverse("admin:audit_viewlog_changelist"), {"action__exact": "household_pdf"}
    )
    assert list(filtered.context["cl"].result_list) == []
    searched = client.get(reverse("admin:audit_viewlog_changelist"), {"q": "DT-0001"})
    assert list(searched.context["cl"].result_list) == [a_row]
    assert client.get(reverse("admin:audit_viewlog_change", args=[a_row.pk])).status_code == 200
    assert (
        reverse("admin:audit_viewlog_changelist").encode()
        in client.get(reverse("admin:index")).content
    )


def test_nobody_adds_changes_or_deletes_a_row(administrator: User, a_row: ViewLog) -> None:
    client = admin_client(administrator)

    assert client.get(reverse("admin:audit_viewlog_add")).status_code == 403
    change = reverse("admin:audit_viewlog_change", args=[a_row.pk])
    assert client.post(change, {"username": "mallory", "detail": "x"}).status_code == 403
    delete = reverse("admin:audit_viewlog_delete", args=[a_row.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:audit_viewlog_changelist"))
    form = changelist.context["action_form"]
    assert form is None or "delete_selected" not in dict(form.fields["action"].choices)
    bulk = client.post(
        reverse("admin:audit_viewlog_changelist"),
        {"action": "delete_selected", "_selected_action": [a_row.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    a_row.refresh_from_db()
    assert (a_row.username, a_row.detail) == ("alice", "")


@pytest.mark.parametrize("persona", ["ducthang_officer", "city_reviewer"])
def test_other_staff_do_not_see_the_log(request: Any, persona: str, a_row: ViewLog) -> None:
    user: User = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client = admin_client(user)

    # Refused either way: the log's own 403, or the admin sending them to its login page.
    for url in (
        reverse("admin:audit_viewlog_changelist"),
        reverse("admin:audit_viewlog_change", args=[a_row.pk]),
    ):
        response = client.get(url)
        assert response.status_code in {302, 403}
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
    index = client.get(reverse("admin:index"), follow=True)
    assert b"/admin/audit/" not in index.content
