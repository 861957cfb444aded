"""The review pages of Circular 17/2016: each step, the bulk steps and the progress view.

The ward's officer carries the review through the posting and records the ward chairman's
decision (number, date after the posting, signer); the city Labour department returns.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from households import services
from households.models import Assessment, ReviewEvent, ReviewRound, User, Ward
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

MEETING = {
    "meeting_date": datetime.date(2017, 10, 15),
    "attendance": 42,
    "agreement_percent": 85,
    "minutes": "Họp khu phố 1: 36/42 người nhất trí.",
}
# Mon 16 – Wed 25 October 2017: 16–20 and 23–25 = 8 working days (7 needed).
POSTING = {"posted_from": datetime.date(2017, 10, 16), "posted_to": datetime.date(2017, 10, 25)}

MEETING_FORM = {
    "meeting_date": "15/10/2017",
    "attendance": "42",
    "agreement_percent": "85",
    "minutes": "Họp khu phố 1: 36/42 người nhất trí.",
}
POSTING_FORM = {"posted_from": "16/10/2017", "posted_to": "25/10/2017"}
SIGNER = "Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng"
DECISION_FORM = {
    "decision_number": "125/QĐ-UBND",
    "decision_date": "01/11/2017",
    "decision_signer": SIGNER,
}


# --- Helpers ---------------------------------------------------------------------------------


def draft(code: str = "DT-0001", ward_code: str = "duc-thang", **extra: Any) -> Assessment:
    household = make_household(ward_code, code=code)
    make_member(household)
    return make_assessment(
        household, deprivations=["health_access", "sanitation", "telecom"], **extra
    )


def submitted(by: User, code: str = "DT-0001", ward_code: str = "duc-thang") -> Assessment:
    return services.assessment_submit(assessment=draft(code, ward_code), by=by)


def meeting_held(by: User, code: str = "DT-0001", ward_code: str = "duc-thang") -> Assessment:
    return services.assessment_record_meeting(
        assessment=submitted(by, code, ward_code), by=by, **MEETING
    )


def posted(by: User, code: str = "DT-0001", ward_code: str = "duc-thang") -> Assessment:
    return services.assessment_record_posting(
        assessment=meeting_held(by, code, ward_code), by=by, **POSTING
    )


def url(name: str, assessment: Assessment) -> str:
    return reverse(f"households:assessment_{name}", args=[assessment.pk])


def detail_url(assessment: Assessment) -> str:
    return reverse("households:detail", args=[assessment.household_id])


def progress_url(review_round: ReviewRound | None = None) -> str:
    base = reverse("households:review_progress")
    return f"{base}?round={review_round.pk}" if review_round else base


def flashed(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(assessment: Assessment) -> str:
    return Assessment.objects.values_list("state", flat=True).get(pk=assessment.pk)


def steps_of(assessment: Assessment) -> list[str]:
    return list(assessment.events.order_by("at", "pk").values_list("action", flat=True))


def future() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")


# --- Submit and withdraw ------------------------------------------------------------------


def test_the_officer_submits_a_draft(client: Client, ducthang_officer: User) -> None:
    assessment = draft()
    client.force_login(ducthang_officer)

    response = client.post(url("submit", assessment))

    assert response.status_code == 302
    assert response["Location"] == detail_url(assessment)
    assert flashed(response) == [
        "DT-0001 – Nguyễn Văn An: đã nộp phiếu để đưa ra họp dân bình xét."
    ]
    assert state_of(assessment) == "submitted"
    event = assessment.events.get(action=ReviewEvent.Action.SUBMIT)
    assert (event.from_state, event.to_state, event.by) == ("draft", "submitted", ducthang_officer)


def test_submit_and_withdraw_are_post_only(client: Client, ducthang_officer: User) -> None:
    assessment = draft()
    client.force_login(ducthang_officer)

    assert client.get(url("submit", assessment)).status_code == 405
    assert client.get(url("withdraw", assessment)).status_code == 405
    assert state_of(assessment) == "draft"


def test_the_officer_withdraws_a_submitted_survey(client: Client, ducthang_officer: User) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(url("withdraw", assessment))

    assert response.status_code == 302
    assert state_of(assessment) == "draft"
    assert steps_of(assessment) == ["create", "submit", "withdraw"]
    assert flashed(response) == ["DT-0001 – Nguyễn Văn An: đã rút phiếu về; có thể sửa lại phiếu."]


def test_submitting_twice_says_the_step_is_not_possible_now(
    client: Client, ducthang_officer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(url("submit", assessment))

    assert response.status_code == 302
    assert flashed(response) == [
        "DT-0001 – Nguyễn Văn An: không thể thực hiện bước này khi phiếu đang ở trạng thái "
        "“Đã nộp”."
    ]
    assert steps_of(assessment) == ["create", "submit"]


# --- The community meeting ----------------------------------------------------------------


def test_the_meeting_page_shows_the_household_its_result_and_history(
    client: Client, ducthang_officer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.get(url("meeting", assessment))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "DT-0001 – Nguyễn Văn An" in html
    assert "Hộ nghèo" in html
    assert escape(assessment.explanation) in html
    assert "Nộp để xét duyệt" in html  # the history so far
    assert "alice" in html  # who submitted it


def test_the_officer_records_the_meeting_with_typed_minutes(
    client: Client, ducthang_officer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(url("meeting", assessment), MEETING_FORM)

    assert response.status_code == 302
    assert response["Location"] == detail_url(assessment)
    assessment.refresh_from_db()
    assert assessment.state == "meeting_held"
    assert assessment.meeting_date == datetime.date(2017, 10, 15)
    assert (assessment.meeting_attendance, assessment.meeting_agreement_percent) == (42, 85)
    assert assessment.meeting_minutes == "Họp khu phố 1: 36/42 người nhất trí."
    assert steps_of(assessment)[-1] == "meeting"


def test_the_minutes_may_be_an_uploaded_file(
    client: Client, ducthang_officer: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)
    scan = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", "application/pdf")

    response = client.post(
        url("meeting", assessment), {**MEETING_FORM, "minutes": "", "minutes_file": scan}
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "meeting_held"
    assert assessment.meeting_minutes_file.name.startswith("minutes/2017/duc-thang/bien-ban")
    assert (tmp_path / assessment.meeting_minutes_file.name).read_bytes() == b"%PDF-1.4 minutes"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"meeting_date": ""}, "meeting_date", "Nhập ngày họp dân."),
        ({"meeting_date": "FUTURE"}, "meeting_date", "Ngày họp không được sau ngày hôm nay."),
        ({"meeting_date": "31/02/2017"}, "meeting_date", "Nhập ngày theo dạng dd/mm/yyyy"),
        (
            {"meeting_date": "20/08/2017"},
            "meeting_date",
            "trước ngày bắt đầu kỳ rà soát (01/09/2017)",
        ),
        ({"attendance": "0"}, "attendance", "Nhập số người dự họp (ít nhất 1 người)."),
        ({"attendance": "nhiều"}, "attendance", "Nhập một số nguyên."),
        # Past PostgreSQL's smallint (32,767): refused on the field, never a 500 (issue 10).
        ({"attendance": "40000"}, "attendance", "Số người dự họp không thể quá 2000 người."),
        ({"agreement_percent": "120"}, "agreement_percent", "Nhập tỷ lệ đồng ý, từ 0 đến 100%."),
        ({"minutes": "  "}, "minutes", "Nhập nội dung biên bản họp hoặc đính kèm tệp biên bản."),
        (
            {"minutes_file": "EXE"},
            "minutes_file",
            "Tệp biên bản phải có định dạng PDF, JPG, PNG, DOC",
        ),
    ],
)
def test_bad_meeting_input_is_refused_on_its_field(
    client: Client,
    ducthang_officer: User,
    settings: Any,
    tmp_path: Path,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)
    data: dict[str, Any] = {**MEETING_FORM, **changes}
    if data["meeting_date"] == "FUTURE":
        data["meeting_date"] = future()
    if data.get("minutes_file") == "EXE":
        data["minutes_file"] = SimpleUploadedFile("bien-ban.exe", b"MZ", "application/octet-stream")

    response = client.post(url("meeting", assessment), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert message in response.content.decode()
    assert 'class="form-control is-invalid"' in response.content.decode() or field == "minutes_file"
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    assert assessment.meeting_date is None
    assert steps_of(assessment) == ["create", "submit"]
    assert list(tmp_path.iterdir()) == []


def test_the_service_refuses_an_attendance_past_the_bound(ducthang_officer: User) -> None:
    # The bulk meeting and the admin reach the service without the form: it says it too.
    assessment = submitted(ducthang_officer)

    with pytest.raises(ValidationError) as raised:
        services.assessment_record_meeting(
            assessment=assessment, by=ducthang_officer, **{**MEETING, "attendance": 40_000}
        )

    assert raised.value.message_dict == {
        "attendance": ["Số người dự họp không thể quá 2000 người."]
    }
    assert state_of(assessment) == "submitted"
    assert (
        services.assessment_record_meeting(
            assessment=assessment, by=ducthang_officer, **{**MEETING, "attendance": 2000}
        ).meeting_attendance
        == 2000
    )


def test_a_minutes_file_over_the_size_limit_is_refused(
    client: Client, ducthang_officer: User, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_MEGABYTES = 1
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)
    scan = SimpleUploadedFile("bien-ban.pdf", b"x" * (1024**2 + 1), "application/pdf")

    response = client.post(url("meeting", assessment), {**MEETING_FORM, "minutes_file": scan})

    assert response.status_code == 200
    assert response.context["form"].errors["minutes_file"] == ["Tệp biên bản lớn hơn 1 MB."]
    assert state_of(assessment) == "submitted"


# --- The public posting -------------------------------------------------------------------


def test_the_officer_records_the_posting(client: Client, ducthang_officer: User) -> None:
    assessment = meeting_held(ducthang_officer)
    client.force_login(ducthang_officer)

    assert client.get(url("posting", assessment)).status_code == 200
    response = client.post(url("posting", assessment), POSTING_FORM)

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "posted"
    assert (assessment.posted_from, assessment.posted_to) == (
        datetime.date(2017, 10, 16),
        datetime.date(2017, 10, 25),
    )
    assert steps_of(assessment)[-1] == "posting"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"posted_to": "10/10/2017"},
            "posted_to",
            "Ngày kết thúc niêm yết không được trước ngày bắt đầu.",
        ),
        ({"posted_from": ""}, "posted_from", "Nhập ngày bắt đầu niêm yết."),
        (
            {"posted_from": "14/10/2017"},
            "posted_from",
            "Không thể niêm yết trước ngày họp dân (15/10/2017).",
        ),
        # Mon 16 – Mon 23 October 2017: 16–20 and 23 = 6 working days, one short.
        (
            {"posted_to": "23/10/2017"},
            "posted_to",
            "Danh sách phải được niêm yết công khai ít nhất 7 ngày làm việc; từ 16/10/2017 đến "
            "23/10/2017 chỉ có 6 ngày làm việc. Hãy niêm yết đến ngày 24/10/2017 hoặc muộn hơn.",
        ),
    ],
)
def test_bad_posting_input_is_refused_on_its_field(
    client: Client, ducthang_officer: User, changes: dict[str, str], field: str, message: str
) -> None:
    assessment = meeting_held(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(url("posting", assessment), {**POSTING_FORM, **changes})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assessment.refresh_from_db()
    assert (assessment.state, assessment.posted_from) == ("meeting_held", None)


# --- The decision and the return ----------------------------------------------------------


def test_the_officer_records_the_decision_and_the_assessment_is_locked(
    client: Client, ducthang_officer: User
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(ducthang_officer)

    page = client.get(url("recognise", assessment))
    response = client.post(url("recognise", assessment), DECISION_FORM)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Ghi nhận quyết định công nhận" in html
    assert "16/10/2017" in html  # the posting the decision follows
    assert 'name="decision_signer"' in html
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "recognised"
    assert (assessment.decision_number, assessment.decision_date, assessment.decision_signer) == (
        "125/QĐ-UBND",
        datetime.date(2017, 11, 1),
        SIGNER,
    )
    event = assessment.events.get(action=ReviewEvent.Action.RECOGNISE)
    assert (event.by, event.note) == (ducthang_officer, f"125/QĐ-UBND (01/11/2017) – {SIGNER}")
    # The household page shows who signed, with the number and the date.
    body = " ".join(client.get(detail_url(assessment)).content.decode().split())
    assert f"Người ký: {SIGNER}" in body
    with pytest.raises(ValidationError, match="125/QĐ-UBND"):
        services.assessment_save(
            household=assessment.household, round=assessment.round, income_per_capita=5_000_000
        )
    # No review step is left: the officer sees no button, the pages say why.
    client.force_login(ducthang_officer)
    assert services.allowed_actions(ducthang_officer, assessment) == []
    response = client.get(url("meeting", assessment))
    assert response.status_code == 302
    assert "“Đã công nhận”" in flashed(response)[-1]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"decision_number": " "}, "decision_number", "Nhập số quyết định, ví dụ 125/QĐ-UBND."),
        ({"decision_date": ""}, "decision_date", "Nhập ngày ký quyết định."),
        (
            {"decision_date": "FUTURE"},
            "decision_date",
            "Ngày quyết định không được sau ngày hôm nay.",
        ),
        # Inside the posting (16–25/10), and on its last day: refused.
        (
            {"decision_date": "18/10/2017"},
            "decision_date",
            "Ngày ký quyết định phải sau khi kết thúc niêm yết công khai "
            "(ngày cuối niêm yết: 25/10/2017).",
        ),
        (
            {"decision_date": "25/10/2017"},
            "decision_date",
            "Ngày ký quyết định phải sau khi kết thúc niêm yết công khai "
            "(ngày cuối niêm yết: 25/10/2017).",
        ),
        (
            {"decision_signer": "  "},
            "decision_signer",
            "Nhập người ký quyết định, ví dụ Nguyễn Văn A – Chủ tịch UBND phường Đức Thắng.",
        ),
    ],
)
def test_bad_decision_input_is_refused_on_its_field(
    client: Client,
    ducthang_officer: User,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(ducthang_officer)
    data = {**DECISION_FORM, **changes}
    if data["decision_date"] == "FUTURE":
        data["decision_date"] = future()

    response = client.post(url("recognise", assessment), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assessment.refresh_from_db()
    assert (assessment.state, assessment.decision_number, assessment.decision_signer) == (
        "posted",
        "",
        "",
    )


def test_a_decision_the_day_after_the_posting_is_accepted(
    client: Client, ducthang_officer: User
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(
        url("recognise", assessment), {**DECISION_FORM, "decision_date": "26/10/2017"}
    )

    assert response.status_code == 302
    assert state_of(assessment) == "recognised"


def test_a_returned_assessment_goes_back_to_the_officer_and_is_resubmitted(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(url("return", assessment), {"reason": "Thu nhập chưa khớp biên bản."})

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.return_reason) == (
        "returned",
        "Thu nhập chưa khớp biên bản.",
    )
    event = assessment.events.get(action=ReviewEvent.Action.RETURN)
    assert (event.by, event.note) == (city_reviewer, "Thu nhập chưa khớp biên bản.")

    # The officer corrects the survey, then submits it again.
    services.assessment_save(
        household=assessment.household,
        round=assessment.round,
        income_per_capita=1_000_000,
        deprivations=["health_access", "sanitation", "telecom"],
        by=ducthang_officer,
    )
    client.force_login(ducthang_officer)
    response = client.post(url("submit", assessment))

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.return_reason) == ("submitted", "")
    assert steps_of(assessment)[-2:] == ["return", "submit"]


def test_the_city_may_return_before_the_posting(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(url("return", assessment), {"reason": "Thiếu chữ ký."})

    assert response.status_code == 302
    assert state_of(assessment) == "returned"


def test_a_return_needs_a_reason(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(url("return", assessment), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Ghi rõ lý do trả lại phiếu."]}
    assert state_of(assessment) == "posted"


def test_a_decision_on_an_assessment_not_yet_posted_says_so(
    client: Client, ducthang_officer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(url("recognise", assessment), DECISION_FORM)

    assert response.status_code == 302
    assert response["Location"] == detail_url(assessment)
    assert "không thể thực hiện bước này" in flashed(response)[0]
    assert state_of(assessment) == "submitted"


# --- Who may take which step --------------------------------------------------------------


def test_the_officer_cannot_return(client: Client, ducthang_officer: User) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(ducthang_officer)

    assert client.get(url("return", assessment)).status_code == 403
    assert client.post(url("return", assessment), {"reason": "Tự trả lại."}).status_code == 403
    assert state_of(assessment) == "posted"


def test_the_city_cannot_recognise(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    """The decision is the ward chairman's: the city Labour department returns, no more."""
    assessment = posted(ducthang_officer)
    client.force_login(city_reviewer)

    assert client.get(url("recognise", assessment)).status_code == 403
    assert client.post(url("recognise", assessment), DECISION_FORM).status_code == 403
    assert state_of(assessment) == "posted"
    assert not assessment.events.filter(action="recognise").exists()


@pytest.mark.parametrize(
    ("step", "make", "data"),
    [
        ("submit", draft, {}),
        ("withdraw", submitted, {}),
        ("meeting", submitted, MEETING_FORM),
        ("posting", meeting_held, POSTING_FORM),
    ],
)
def test_the_city_cannot_take_the_wards_steps(
    client: Client,
    ducthang_officer: User,
    city_reviewer: User,
    step: str,
    make: Any,
    data: dict[str, str],
) -> None:
    assessment = make() if make is draft else make(ducthang_officer)
    before = state_of(assessment)
    client.force_login(city_reviewer)

    if step in ("meeting", "posting"):
        assert client.get(url(step, assessment)).status_code == 403
    assert client.post(url(step, assessment), data).status_code == 403
    assert state_of(assessment) == before


STEPS = ["submit", "withdraw", "meeting", "posting", "recognise", "return"]


@pytest.mark.parametrize("step", STEPS)
def test_another_wards_officer_gets_404(
    client: Client, ducthang_officer: User, tienloi_officer: User, step: str
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(tienloi_officer)

    assert client.post(url(step, assessment), {"reason": "x", **DECISION_FORM}).status_code == 404
    if step not in ("submit", "withdraw"):
        assert client.get(url(step, assessment)).status_code == 404
    assert state_of(assessment) == "posted"


@pytest.mark.parametrize("step", STEPS)
def test_users_without_a_ward_get_404(
    client: Client, ducthang_officer: User, agency_user: User, committee_member: User, step: str
) -> None:
    assessment = posted(ducthang_officer)
    for user in (agency_user, committee_member):
        client.force_login(user)
        assert client.post(url(step, assessment), DECISION_FORM).status_code == 404


@pytest.mark.parametrize("step", STEPS)
def test_anonymous_is_sent_to_login(client: Client, ducthang_officer: User, step: str) -> None:
    assessment = posted(ducthang_officer)

    response = client.post(url(step, assessment), DECISION_FORM)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert state_of(assessment) == "posted"


def test_an_administrator_takes_every_step(
    client: Client, administrator: User, ducthang_officer: User
) -> None:
    assessment = draft()
    client.force_login(administrator)

    client.post(url("submit", assessment))
    client.post(url("meeting", assessment), MEETING_FORM)
    client.post(url("posting", assessment), POSTING_FORM)
    client.post(url("recognise", assessment), DECISION_FORM)

    assert state_of(assessment) == "recognised"
    assert steps_of(assessment) == ["create", "submit", "meeting", "posting", "recognise"]


# --- The buttons on the household page ----------------------------------------------------


def render_actions(user: User, assessment: Assessment) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "households/includes/review_actions.html", {"assessment": assessment}, request=request
    )


def test_the_buttons_follow_the_state_and_the_role(
    ducthang_officer: User, city_reviewer: User
) -> None:
    assessment = draft()
    officer_on_draft = render_actions(ducthang_officer, assessment)
    assert f'action="{url("submit", assessment)}"' in officer_on_draft
    assert "Nộp để xét duyệt" in officer_on_draft
    assert render_actions(city_reviewer, assessment).strip() == ""

    assessment = posted(ducthang_officer, code="DT-0002")
    city_on_posted = render_actions(city_reviewer, assessment)
    assert url("recognise", assessment) not in city_on_posted
    assert url("return", assessment) in city_on_posted
    assert "submit" not in city_on_posted
    officer_on_posted = render_actions(ducthang_officer, assessment)
    assert url("recognise", assessment) in officer_on_posted
    assert "Ghi nhận quyết định công nhận" in officer_on_posted
    assert url("return", assessment) not in officer_on_posted

    assessment = submitted(ducthang_officer, code="DT-0003")
    officer_on_submitted = render_actions(ducthang_officer, assessment)
    assert url("withdraw", assessment) in officer_on_submitted
    assert url("meeting", assessment) in officer_on_submitted


# --- The progress of each ward ------------------------------------------------------------


def row_of(response: Any, ward: Ward) -> Any:
    return next(row for row in response.context["rows"] if row.ward == ward)


def test_the_city_sees_each_wards_progress(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    city_reviewer: User,
    duc_thang: Ward,
    tien_loi: Ward,
) -> None:
    draft("DT-0001")
    submitted(ducthang_officer, "DT-0002")
    posted(ducthang_officer, "DT-0003")
    posted(ducthang_officer, "DT-0004")
    make_member(make_household(code="DT-0005"))  # not surveyed yet
    meeting_held(tienloi_officer, "TL-0001", "tien-loi")
    review_round = make_round()
    client.force_login(city_reviewer)

    response = client.get(progress_url())

    assert response.status_code == 200
    assert response.context["review_round"] == review_round
    ducthang = row_of(response, duc_thang)
    assert [cell.count for cell in ducthang.states] == [1, 1, 0, 2, 0, 0]
    assert (ducthang.not_surveyed.count, ducthang.total) == (1, 4)
    assert [cell.count for cell in row_of(response, tien_loi).states] == [0, 0, 1, 0, 0, 0]
    # Every unit of the round: the 18 of 2017, not those of the 2025 merger (issue 12).
    assert len(response.context["rows"]) == Ward.objects.in_force(review_round.ends_on).count()
    assert len(response.context["rows"]) == 18
    assert [cell.count for cell in response.context["totals"].states] == [1, 1, 1, 2, 0, 0]
    html = response.content.decode()
    posted_link = (
        f"{reverse('households:list')}?ward={duc_thang.pk}&amp;round={review_round.pk}"
        "&amp;state=posted"
    )
    assert f'<a href="{posted_link}">2</a>' in html
    # The city's queue: the posted ones, by ward, to return if need be; the ward records the
    # decision.
    groups = response.context["decision_groups"]
    assert [(g.ward, [r.assessment.household.code for r in g.rows]) for g in groups] == [
        (duc_thang, ["DT-0003", "DT-0004"])
    ]
    assert [(g.can_recognise, g.can_return) for g in groups] == [(False, True)]
    assert 'data-testid="return-fields"' in html
    assert 'data-testid="recognise-fields"' not in html
    assert 'value="recognise"' not in html
    assert "meeting_form" not in response.context


def test_the_officer_sees_only_their_ward(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    duc_thang: Ward,
) -> None:
    submitted(ducthang_officer, "DT-0001")
    meeting_held(ducthang_officer, "DT-0002")
    submitted(tienloi_officer, "TL-0001", "tien-loi")
    client.force_login(ducthang_officer)

    response = client.get(progress_url())

    assert response.status_code == 200
    assert [row.ward for row in response.context["rows"]] == [duc_thang]
    assert response.context["totals"] is None
    assert response.context["decision_groups"] == []
    assert [r.assessment.household.code for r in response.context["meeting_rows"]] == ["DT-0001"]
    assert [r.assessment.household.code for r in response.context["posting_rows"]] == ["DT-0002"]
    assert "TL-0001" not in response.content.decode()


def test_the_progress_page_is_for_those_in_the_review(
    client: Client, agency_user: User, committee_member: User
) -> None:
    assert client.get(progress_url()).status_code == 302
    for user in (agency_user, committee_member):
        client.force_login(user)
        assert client.get(progress_url()).status_code == 403


def test_the_round_defaults_to_the_latest_periodic_and_can_be_chosen(
    client: Client, city_reviewer: User
) -> None:
    old = make_round(2017)
    new = make_round(2018)
    draft(review_round=new)
    client.force_login(city_reviewer)

    assert client.get(progress_url()).context["review_round"] == new
    assert client.get(progress_url(old)).context["review_round"] == old
    response = client.get(progress_url() + "?round=abc")
    assert response.context["review_round"] == new
    assert "Kỳ rà soát này không tồn tại" in response.content.decode()


def test_without_any_round_the_page_says_so(client: Client, city_reviewer: User) -> None:
    client.force_login(city_reviewer)

    response = client.get(progress_url())

    assert response.status_code == 200
    assert "Chưa có kỳ rà soát nào" in response.content.decode()


# --- Bulk steps -----------------------------------------------------------------------------


def decide(ward: Ward, action: str, assessments: list[Assessment], **fields: str) -> dict:
    prefix = f"ward-{ward.pk}"
    return {
        "group": str(ward.pk),
        "action": action,
        f"{prefix}-assessments": [str(a.pk) for a in assessments],
        **{f"{prefix}-{key}": value for key, value in fields.items()},
    }


def test_the_officer_sees_the_wards_posted_list_to_record_the_decision(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    duc_thang: Ward,
) -> None:
    posted(ducthang_officer, "DT-0001")
    posted(tienloi_officer, "TL-0001", "tien-loi")
    client.force_login(ducthang_officer)

    response = client.get(progress_url())

    groups = response.context["decision_groups"]
    assert [(g.ward, [r.assessment.household.code for r in g.rows]) for g in groups] == [
        (duc_thang, ["DT-0001"])
    ]
    assert [(g.can_recognise, g.can_return) for g in groups] == [(True, False)]
    html = response.content.decode()
    assert "Ghi nhận quyết định công nhận" in html
    assert f'name="ward-{duc_thang.pk}-decision_signer"' in html
    assert 'value="recognise"' in html
    assert 'value="return"' not in html
    assert "TL-0001" not in html


def test_the_officer_records_one_decision_for_several_households(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    first, second, third = (posted(ducthang_officer, f"DT-000{n}") for n in (1, 2, 3))
    client.force_login(ducthang_officer)

    response = client.post(
        progress_url(make_round()), decide(duc_thang, "recognise", [first, second], **DECISION_FORM)
    )

    assert response.status_code == 302
    assert response["Location"] == progress_url(make_round()) + "#top"
    assert flashed(response) == ["Đã công nhận 2 hộ."]
    assert [state_of(a) for a in (first, second, third)] == ["recognised", "recognised", "posted"]
    assert set(
        Assessment.objects.filter(state="recognised").values_list(
            "decision_number", "decision_signer"
        )
    ) == {("125/QĐ-UBND", SIGNER)}
    assert ReviewEvent.objects.filter(action="recognise", by=ducthang_officer).count() == 2


def test_a_bulk_decision_with_bad_input_changes_nothing_and_keeps_the_ticks(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    first, second = (posted(ducthang_officer, f"DT-000{n}") for n in (1, 2))
    client.force_login(ducthang_officer)

    response = client.post(
        progress_url(),
        decide(
            duc_thang,
            "recognise",
            [first],
            decision_number="",
            decision_date="25/10/2017",
            decision_signer="",
        ),
    )

    assert response.status_code == 200
    form = response.context["decision_groups"][0].form
    assert form.errors == {
        "decision_number": ["Nhập số quyết định, ví dụ 125/QĐ-UBND."],
        "decision_signer": [
            "Nhập người ký quyết định, ví dụ Nguyễn Văn A – Chủ tịch UBND phường Đức Thắng."
        ],
        "decision_date": [
            "Ngày ký quyết định phải sau khi kết thúc niêm yết công khai "
            "(ngày cuối niêm yết: 25/10/2017)."
        ],
    }
    html = response.content.decode()
    assert f'id="ward-{duc_thang.pk}-a{first.pk}" checked' in html
    assert f'id="ward-{duc_thang.pk}-a{second.pk}">' in html
    assert [state_of(a) for a in (first, second)] == ["posted", "posted"]


def test_one_decision_covers_one_ward_only(
    client: Client,
    ducthang_officer: User,
    tienloi_officer: User,
    administrator: User,
    duc_thang: Ward,
) -> None:
    ours = posted(ducthang_officer, "DT-0001")
    theirs = posted(tienloi_officer, "TL-0001", "tien-loi")
    client.force_login(administrator)

    response = client.post(
        progress_url(), decide(duc_thang, "recognise", [ours, theirs], **DECISION_FORM)
    )

    assert response.status_code == 200
    form = response.context["decision_groups"][0].form
    assert form.errors == {
        "assessments": ["Một quyết định chỉ công nhận các hộ của cùng một phường, xã."]
    }
    assert [state_of(a) for a in (ours, theirs)] == ["posted", "posted"]


def test_the_city_returns_several_with_one_reason(
    client: Client, ducthang_officer: User, city_reviewer: User, duc_thang: Ward
) -> None:
    first, second = (posted(ducthang_officer, f"DT-000{n}") for n in (1, 2))
    client.force_login(city_reviewer)

    response = client.post(
        progress_url(),
        decide(duc_thang, "return", [first, second], reason="Biên bản họp thiếu chữ ký."),
    )

    assert response.status_code == 302
    assert flashed(response) == ["Đã trả lại 2 phiếu cho cán bộ phường, xã."]
    for assessment in (first, second):
        assessment.refresh_from_db()
        assert (assessment.state, assessment.return_reason) == (
            "returned",
            "Biên bản họp thiếu chữ ký.",
        )


def test_the_officer_cannot_return_in_bulk(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(ducthang_officer)

    response = client.post(
        progress_url(), decide(duc_thang, "return", [assessment], reason="Tự trả lại.")
    )

    assert response.status_code == 403
    assert state_of(assessment) == "posted"


def test_the_city_cannot_recognise_in_bulk(
    client: Client, ducthang_officer: User, city_reviewer: User, duc_thang: Ward
) -> None:
    assessment = posted(ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(
        progress_url(), decide(duc_thang, "recognise", [assessment], **DECISION_FORM)
    )

    assert response.status_code == 403
    assert state_of(assessment) == "posted"


def test_an_officer_cannot_recognise_another_wards_households_in_bulk(
    client: Client, tienloi_officer: User, ducthang_officer: User, duc_thang: Ward
) -> None:
    theirs = posted(ducthang_officer, "DT-0001")
    client.force_login(tienloi_officer)

    response = client.post(
        progress_url(), decide(duc_thang, "recognise", [theirs], **DECISION_FORM)
    )

    # Not among the households the officer sees: the form says it cannot be found.
    assert response.status_code == 200
    assert response.context["decision_groups"] == []
    assert "Không còn tìm thấy một trong các phiếu đã chọn." in flashed(response)
    assert state_of(theirs) == "posted"


def officer_step(action: str, assessments: list[Assessment], fields: dict[str, Any]) -> dict:
    return {
        "action": action,
        f"{action}-assessments": [str(a.pk) for a in assessments],
        **{f"{action}-{key}": value for key, value in fields.items()},
    }


def test_the_officer_records_one_meeting_then_one_posting_for_many(
    client: Client, ducthang_officer: User
) -> None:
    first, second, third = (submitted(ducthang_officer, f"DT-000{n}") for n in (1, 2, 3))
    client.force_login(ducthang_officer)

    response = client.post(progress_url(), officer_step("meeting", [first, second], MEETING_FORM))

    assert response.status_code == 302
    assert flashed(response) == ["Đã ghi nhận họp dân cho 2 hộ."]
    assert [state_of(a) for a in (first, second, third)] == [
        "meeting_held",
        "meeting_held",
        "submitted",
    ]

    response = client.post(progress_url(), officer_step("posting", [first, second], POSTING_FORM))

    assert response.status_code == 302
    assert [state_of(a) for a in (first, second)] == ["posted", "posted"]
    assert (
        list(
            Assessment.objects.filter(pk__in=[first.pk, second.pk]).values_list(
                "posted_from", flat=True
            )
        )
        == [datetime.date(2017, 10, 16)] * 2
    )


def test_a_bulk_meeting_needs_ticked_households_and_valid_input(
    client: Client, ducthang_officer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(ducthang_officer)

    nothing_ticked = client.post(progress_url(), officer_step("meeting", [], MEETING_FORM))
    too_many_agree = client.post(
        progress_url(),
        officer_step("meeting", [assessment], {**MEETING_FORM, "agreement_percent": "120"}),
    )

    assert nothing_ticked.context["meeting_form"].errors == {
        "assessments": ["Chọn ít nhất một phiếu."]
    }
    assert too_many_agree.context["meeting_form"].errors == {
        "agreement_percent": ["Nhập tỷ lệ đồng ý, từ 0 đến 100%."]
    }
    assert state_of(assessment) == "submitted"


def test_a_bulk_step_cannot_reach_another_ward(
    client: Client, ducthang_officer: User, tienloi_officer: User
) -> None:
    ours = submitted(ducthang_officer, "DT-0001")
    theirs = submitted(tienloi_officer, "TL-0001", "tien-loi")
    client.force_login(ducthang_officer)

    response = client.post(progress_url(), officer_step("meeting", [ours, theirs], MEETING_FORM))

    assert response.status_code == 200
    assert response.context["meeting_form"].errors == {
        "assessments": ["Không còn tìm thấy một trong các phiếu đã chọn."]
    }
    assert [state_of(a) for a in (ours, theirs)] == ["submitted", "submitted"]


def test_a_bulk_step_in_the_wrong_state_says_which_household(
    client: Client, ducthang_officer: User
) -> None:
    ready = submitted(ducthang_officer, "DT-0001")
    early = draft("DT-0002")
    client.force_login(ducthang_officer)

    response = client.post(progress_url(), officer_step("meeting", [ready, early], MEETING_FORM))

    assert response.status_code == 200
    assert response.context["meeting_form"].non_field_errors() == [
        "DT-0002 – Nguyễn Văn An: không thể thực hiện bước này khi phiếu đang ở trạng thái "
        "“Bản nháp”."
    ]
    assert [state_of(a) for a in (ready, early)] == ["submitted", "draft"]


def test_the_city_cannot_record_a_meeting_in_bulk(
    client: Client, ducthang_officer: User, city_reviewer: User
) -> None:
    assessment = submitted(ducthang_officer)
    client.force_login(city_reviewer)

    response = client.post(progress_url(), officer_step("meeting", [assessment], MEETING_FORM))

    assert response.status_code == 403
    assert state_of(assessment) == "submitted"


# --- Query counts -------------------------------------------------------------------------

WARDS = ["duc-thang", "tien-loi", "phu-trinh", "mui-ne"]


def many_in_review(count: int, administrator: User) -> None:
    """`count` households across up to four wards, in every state from draft to posted."""
    drafts = [draft(f"HH-{n:04d}", WARDS[n % len(WARDS)]) for n in range(count)]
    services.assessments_submit(assessments=drafts, by=administrator)
    for n, assessment in enumerate(drafts):
        assessment.refresh_from_db()
        if n % 3:
            assessment = services.assessment_record_meeting(
                assessment=assessment, by=administrator, **MEETING
            )
        if n % 3 == 2:
            services.assessment_record_posting(assessment=assessment, by=administrator, **POSTING)


@pytest.mark.parametrize("count", [3, 12])
def test_the_city_progress_query_count_does_not_grow(
    client: Client,
    administrator: User,
    city_reviewer: User,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    many_in_review(count, administrator)
    client.force_login(city_reviewer)

    with django_assert_num_queries(9):
        response = client.get(progress_url())

    assert response.status_code == 200
    assert sum(cell.count for cell in response.context["totals"].states) == count
    assert sum(len(g.rows) for g in response.context["decision_groups"]) == count // 3


@pytest.mark.parametrize("count", [3, 12])
def test_the_officer_progress_query_count_does_not_grow(
    client: Client,
    administrator: User,
    ducthang_officer: User,
    django_assert_num_queries: Any,
    count: int,
) -> None:
    many_in_review(count * len(WARDS), administrator)
    client.force_login(ducthang_officer)

    # One more than the meeting and posting queues: the ward's posted list, for the decision.
    with django_assert_num_queries(11):
        response = client.get(progress_url())

    assert response.status_code == 200
    rows = response.context["meeting_rows"] + response.context["posting_rows"]
    assert len(rows) == count - count // 3
    assert sum(len(g.rows) for g in response.context["decision_groups"]) == count // 3
