"""The review of Circular 17/2016 in `households.services.review`, and optimistic locking."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from households import review_rules, services
from households.models import Assessment, Household, ReviewEvent, ReviewRound, User
from households.services import StaleEditError
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

MEETING = {
    "meeting_date": datetime.date(2017, 10, 2),
    "attendance": 30,
    "agreement_percent": 90,
    "minutes": "Họp khu phố 1: nhất trí.",
}
# Tue 3 – Wed 11 October 2017: Tue 3, Wed 4, Thu 5, Fri 6, Mon 9, Tue 10, Wed 11 = 7 working days.
POSTING = {"posted_from": datetime.date(2017, 10, 3), "posted_to": datetime.date(2017, 10, 11)}
SIGNER = "Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng"
DECISION = {
    "decision_number": "125/QĐ-UBND",
    "decision_date": datetime.date(2017, 10, 15),
    "decision_signer": SIGNER,
}


def draft(code: str = "DT-0001", ward_code: str = "duc-thang") -> Assessment:
    household = make_household(ward_code, code=code)
    make_member(household)
    return make_assessment(household, deprivations=["health_access", "sanitation", "telecom"])


def posted(officer: User, code: str = "DT-0001") -> Assessment:
    a = services.assessment_submit(assessment=draft(code), by=officer)
    a = services.assessment_record_meeting(assessment=a, by=officer, **MEETING)
    return services.assessment_record_posting(assessment=a, by=officer, **POSTING)


def test_the_whole_review_records_each_step(ducthang_officer: User) -> None:
    a = posted(ducthang_officer)
    a = services.assessment_recognise(assessment=a, by=ducthang_officer, **DECISION)

    a.refresh_from_db()
    assert a.state == "recognised"
    assert (a.meeting_attendance, a.meeting_agreement_percent) == (30, 90)
    assert a.posted_to == datetime.date(2017, 10, 11)
    assert (a.decision_number, a.decision_signer) == ("125/QĐ-UBND", SIGNER)
    steps = [(e.action, e.from_state, e.to_state, e.by) for e in a.events.all()]
    assert steps == [
        ("create", "", "draft", None),
        ("submit", "draft", "submitted", ducthang_officer),
        ("meeting", "submitted", "meeting_held", ducthang_officer),
        ("posting", "meeting_held", "posted", ducthang_officer),
        ("recognise", "posted", "recognised", ducthang_officer),
    ]
    assert a.events.get(action="recognise").note == f"125/QĐ-UBND (15/10/2017) – {SIGNER}"
    # The audit trail saw every step, with who did it.
    assert [h.state for h in a.history.order_by("history_id")] == [
        "draft",
        "submitted",
        "meeting_held",
        "posted",
        "recognised",
    ]
    assert a.history.first().history_user == ducthang_officer


def test_a_recognised_assessment_is_locked(ducthang_officer: User) -> None:
    a = services.assessment_recognise(
        assessment=posted(ducthang_officer), by=ducthang_officer, **DECISION
    )

    with pytest.raises(ValidationError, match="125/QĐ-UBND"):
        services.assessment_save(household=a.household, round=a.round, income_per_capita=5_000_000)
    with pytest.raises(ValidationError):
        services.assessment_reclassify(assessment=a)
    a.refresh_from_db()
    assert a.income_per_capita == 1_100_000
    assert a.status == "poor"


def test_a_submitted_assessment_cannot_be_edited_until_withdrawn(ducthang_officer: User) -> None:
    a = services.assessment_submit(assessment=draft(), by=ducthang_officer)

    with pytest.raises(ValidationError, match="Đã nộp"):
        services.assessment_save(household=a.household, round=a.round, income_per_capita=1)
    services.assessment_withdraw(assessment=a, by=ducthang_officer)
    saved = services.assessment_save(
        household=a.household, round=a.round, income_per_capita=2_000_000
    )
    assert (saved.state, saved.status) == ("draft", "not_poor")


def test_returned_goes_back_to_the_officer_with_the_reason(
    ducthang_officer: User, city_reviewer: User
) -> None:
    a = services.assessment_submit(assessment=draft(), by=ducthang_officer)
    a = services.assessment_return(assessment=a, by=city_reviewer, reason="Thiếu biên bản.")

    assert (a.state, a.return_reason) == ("returned", "Thiếu biên bản.")
    services.assessment_save(household=a.household, round=a.round, income_per_capita=800_000)
    a = services.assessment_submit(assessment=Assessment.objects.get(pk=a.pk), by=ducthang_officer)
    assert (a.state, a.return_reason) == ("submitted", "")


@pytest.mark.parametrize(
    ("step", "persona"),
    [
        ("submit", "city_reviewer"),
        ("submit", "tienloi_officer"),
        # The decision is the ward chairman's: the city no longer records it, nor another
        # ward's officer; the city returns, the ward's officer does not.
        ("recognise", "city_reviewer"),
        ("recognise", "tienloi_officer"),
        ("recognise", "agency_user"),
        ("return", "ducthang_officer"),
        ("submit", "agency_user"),
    ],
)
def test_each_step_belongs_to_a_role(
    step: str, persona: str, request: pytest.FixtureRequest
) -> None:
    officer = request.getfixturevalue("ducthang_officer")
    user = request.getfixturevalue(persona)
    a = draft() if step == "submit" else posted(officer)
    before = a.state

    with pytest.raises(PermissionDenied):
        if step == "submit":
            services.assessment_submit(assessment=a, by=user)
        elif step == "recognise":
            services.assessment_recognise(assessment=a, by=user, **DECISION)
        else:
            services.assessment_return(assessment=a, by=user, reason="x")
    a.refresh_from_db()
    assert a.state == before
    assert not a.events.exclude(action__in=["create", "submit", "meeting", "posting"]).exists()


def test_steps_follow_the_order_of_the_circular(ducthang_officer: User) -> None:
    a = draft()
    with pytest.raises(ValidationError, match="Bản nháp"):
        services.assessment_record_meeting(assessment=a, by=ducthang_officer, **MEETING)
    a = services.assessment_submit(assessment=a, by=ducthang_officer)
    with pytest.raises(ValidationError):
        services.assessment_recognise(assessment=a, by=ducthang_officer, **DECISION)
    with pytest.raises(ValidationError):
        services.assessment_record_posting(assessment=a, by=ducthang_officer, **POSTING)
    assert Assessment.objects.get(pk=a.pk).state == "submitted"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"meeting_date": None}, "meeting_date", "Nhập ngày họp"),
        ({"meeting_date": datetime.date(2099, 1, 1)}, "meeting_date", "hôm nay"),
        ({"meeting_date": datetime.date(2017, 8, 1)}, "meeting_date", "01/09/2017"),
        ({"attendance": 0}, "attendance", "ít nhất 1"),
        ({"agreement_percent": 120}, "agreement_percent", "100%"),
        ({"minutes": "  "}, "minutes", "biên bản"),
    ],
)
def test_meeting_input_is_checked(
    ducthang_officer: User, changes: dict[str, object], field: str, message: str
) -> None:
    a = services.assessment_submit(assessment=draft(), by=ducthang_officer)

    with pytest.raises(ValidationError) as raised:
        services.assessment_record_meeting(
            assessment=a, by=ducthang_officer, **{**MEETING, **changes}
        )
    assert message in " ".join(raised.value.message_dict[field])
    a.refresh_from_db()
    assert (a.state, a.meeting_date) == ("submitted", None)


def test_minutes_may_be_a_file_of_an_allowed_kind(
    ducthang_officer: User, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = services.assessment_submit(assessment=draft(), by=ducthang_officer)
    bad = SimpleUploadedFile("bienban.exe", b"MZ")
    with pytest.raises(ValidationError) as raised:
        services.assessment_record_meeting(
            assessment=a, by=ducthang_officer, **{**MEETING, "minutes": ""}, minutes_file=bad
        )
    assert "PDF" in raised.value.message_dict["minutes_file"][0]

    pdf = SimpleUploadedFile("bienban.pdf", b"%PDF-1.4 minutes")
    a = services.assessment_record_meeting(
        assessment=a, by=ducthang_officer, **{**MEETING, "minutes": ""}, minutes_file=pdf
    )
    a.refresh_from_db()
    assert a.meeting_minutes_file.name.startswith("minutes/2017/duc-thang/bienban")
    assert a.meeting_minutes_file.read() == b"%PDF-1.4 minutes"


def test_posting_and_decision_dates_are_checked(ducthang_officer: User) -> None:
    a = services.assessment_submit(assessment=draft(), by=ducthang_officer)
    a = services.assessment_record_meeting(assessment=a, by=ducthang_officer, **MEETING)
    with pytest.raises(ValidationError) as raised:
        services.assessment_record_posting(
            assessment=a,
            by=ducthang_officer,
            posted_from=datetime.date(2017, 10, 10),
            posted_to=datetime.date(2017, 10, 3),
        )
    assert "posted_to" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.assessment_record_posting(
            assessment=a,
            by=ducthang_officer,
            posted_from=datetime.date(2017, 10, 1),
            posted_to=datetime.date(2017, 10, 3),
        )
    assert "02/10/2017" in raised.value.message_dict["posted_from"][0]
    a = services.assessment_record_posting(assessment=a, by=ducthang_officer, **POSTING)
    with pytest.raises(ValidationError) as raised:
        services.assessment_recognise(
            assessment=a,
            by=ducthang_officer,
            decision_number="125/QĐ-UBND",
            decision_date=datetime.date(2017, 10, 1),
            decision_signer=SIGNER,
        )
    assert "decision_date" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.assessment_recognise(
            assessment=a,
            by=ducthang_officer,
            decision_number=" ",
            decision_date=None,
            decision_signer=" ",
        )
    assert set(raised.value.message_dict) == {
        "decision_number",
        "decision_date",
        "decision_signer",
    }
    assert Assessment.objects.get(pk=a.pk).state == "posted"


# --- The rules of REFERENCE.md §7: posting length, decision after it, the ward's signer ------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # Mon 13 – Fri 17 Nov 2017: 5; the weekend 18–19 does not count; Mon 20: 6; Tue 21: 7.
        (datetime.date(2017, 11, 13), datetime.date(2017, 11, 17), 5),
        (datetime.date(2017, 11, 13), datetime.date(2017, 11, 19), 5),
        (datetime.date(2017, 11, 13), datetime.date(2017, 11, 20), 6),
        (datetime.date(2017, 11, 13), datetime.date(2017, 11, 21), 7),
        # Sat 18 – Sun 19 Nov 2017: none; one day, a Wednesday: 1; the end before the start: 0.
        (datetime.date(2017, 11, 18), datetime.date(2017, 11, 19), 0),
        (datetime.date(2017, 11, 15), datetime.date(2017, 11, 15), 1),
        (datetime.date(2017, 11, 21), datetime.date(2017, 11, 13), 0),
        # Sun 13 – Tue 22 Nov 2016: Mon 14 – Fri 18 = 5, Mon 21, Tue 22 = 7.
        (datetime.date(2016, 11, 13), datetime.date(2016, 11, 22), 7),
        # Four full weeks, Mon 2 – Sun 29 Oct 2017: 20.
        (datetime.date(2017, 10, 2), datetime.date(2017, 10, 29), 20),
    ],
)
def test_posting_working_days_count_monday_to_friday(
    start: datetime.date, end: datetime.date, days: int
) -> None:
    assert review_rules.posting_working_days(start, end) == days


def test_the_earliest_posting_end_is_seven_working_days_on() -> None:
    assert review_rules.POSTING_WORKING_DAYS == 7
    # Mon 13/11/2017 → Tue 21/11; Fri 3/11/2017 → Mon 13/11 (3, 6–10, 13).
    assert review_rules.earliest_posting_end(datetime.date(2017, 11, 13)) == datetime.date(
        2017, 11, 21
    )
    assert review_rules.earliest_posting_end(datetime.date(2017, 11, 3)) == datetime.date(
        2017, 11, 13
    )


def _meeting_held(officer: User, code: str = "DT-0001") -> Assessment:
    a = services.assessment_submit(assessment=draft(code), by=officer)
    return services.assessment_record_meeting(assessment=a, by=officer, **MEETING)


def test_a_posting_of_six_working_days_is_refused(ducthang_officer: User) -> None:
    a = _meeting_held(ducthang_officer)

    # Mon 13 – Mon 20 Nov 2017: 13, 14, 15, 16, 17, 20 = 6 working days, one short.
    with pytest.raises(ValidationError) as raised:
        services.assessment_record_posting(
            assessment=a,
            by=ducthang_officer,
            posted_from=datetime.date(2017, 11, 13),
            posted_to=datetime.date(2017, 11, 20),
        )

    assert raised.value.message_dict == {
        "posted_to": [
            "Danh sách phải được niêm yết công khai ít nhất 7 ngày làm việc; từ 13/11/2017 đến "
            "20/11/2017 chỉ có 6 ngày làm việc. Hãy niêm yết đến ngày 21/11/2017 hoặc muộn hơn."
        ]
    }
    a.refresh_from_db()
    assert (a.state, a.posted_from, a.posted_to) == ("meeting_held", None, None)
    assert not a.events.filter(action="posting").exists()


def test_a_posting_of_seven_working_days_is_accepted(ducthang_officer: User) -> None:
    a = _meeting_held(ducthang_officer)

    # Mon 13 – Tue 21 Nov 2017: 13–17 and 20, 21 = 7 working days.
    a = services.assessment_record_posting(
        assessment=a,
        by=ducthang_officer,
        posted_from=datetime.date(2017, 11, 13),
        posted_to=datetime.date(2017, 11, 21),
    )

    assert (a.state, a.posted_to) == ("posted", datetime.date(2017, 11, 21))


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2017, 10, 5),  # inside the posting (3–11/10)
        datetime.date(2017, 10, 11),  # its last day
    ],
)
def test_a_decision_dated_before_the_posting_has_ended_is_refused(
    ducthang_officer: User, day: datetime.date
) -> None:
    a = posted(ducthang_officer)

    with pytest.raises(ValidationError) as raised:
        services.assessment_recognise(
            assessment=a, by=ducthang_officer, **DECISION | {"decision_date": day}
        )

    assert raised.value.message_dict == {
        "decision_date": [
            "Ngày ký quyết định phải sau khi kết thúc niêm yết công khai "
            "(ngày cuối niêm yết: 11/10/2017)."
        ]
    }
    a.refresh_from_db()
    assert (a.state, a.decision_number, a.decision_date) == ("posted", "", None)


def test_a_decision_the_day_after_the_posting_is_accepted(ducthang_officer: User) -> None:
    a = services.assessment_recognise(
        assessment=posted(ducthang_officer),
        by=ducthang_officer,
        **DECISION | {"decision_date": datetime.date(2017, 10, 12)},
    )

    assert (a.state, a.decision_date) == ("recognised", datetime.date(2017, 10, 12))


@pytest.mark.parametrize(
    ("signer", "message"),
    [
        ("", "Nhập người ký quyết định, ví dụ Nguyễn Văn A – Chủ tịch UBND phường Đức Thắng."),
        ("  \t ", "Nhập người ký quyết định, ví dụ Nguyễn Văn A – Chủ tịch UBND phường Đức Thắng."),
        ("A" * 101, "Ghi người ký trong tối đa 100 ký tự."),
    ],
)
def test_the_decision_needs_its_signer(ducthang_officer: User, signer: str, message: str) -> None:
    a = posted(ducthang_officer)

    with pytest.raises(ValidationError) as raised:
        services.assessment_recognise(
            assessment=a, by=ducthang_officer, **DECISION | {"decision_signer": signer}
        )

    assert raised.value.message_dict == {"decision_signer": [message]}
    assert Assessment.objects.get(pk=a.pk).state == "posted"


def test_the_signer_is_kept_with_its_spaces_tidied(ducthang_officer: User) -> None:
    a = services.assessment_recognise(
        assessment=posted(ducthang_officer),
        by=ducthang_officer,
        **DECISION | {"decision_signer": "  Nguyễn Văn Ánh  –  Chủ tịch UBND phường Đức Thắng "},
    )

    assert a.decision_signer == SIGNER


def test_the_city_returns_but_does_not_recognise(
    ducthang_officer: User, city_reviewer: User
) -> None:
    a = posted(ducthang_officer)

    with pytest.raises(PermissionDenied):
        services.assessment_recognise(assessment=a, by=city_reviewer, **DECISION)
    a = services.assessment_return(assessment=a, by=city_reviewer, reason="Kiểm tra lại thu nhập.")

    assert (a.state, a.decision_number) == ("returned", "")
    assert [e.action for e in a.events.all()][-1] == "return"


def test_an_administrator_may_record_the_decision(
    ducthang_officer: User, administrator: User
) -> None:
    a = services.assessment_recognise(
        assessment=posted(ducthang_officer), by=administrator, **DECISION
    )

    assert a.state == "recognised"


def test_one_decision_recognises_a_whole_ward(ducthang_officer: User) -> None:
    batch = [draft(code=f"DT-{n:04d}") for n in range(1, 4)]
    batch = services.assessments_submit(assessments=batch, by=ducthang_officer)
    batch = services.assessments_record_meeting(assessments=batch, by=ducthang_officer, **MEETING)
    batch = services.assessments_record_posting(assessments=batch, by=ducthang_officer, **POSTING)
    services.assessments_recognise(assessments=batch, by=ducthang_officer, **DECISION)

    assert (
        Assessment.objects.filter(
            state="recognised", decision_number="125/QĐ-UBND", decision_signer=SIGNER
        ).count()
        == 3
    )
    assert ReviewEvent.objects.filter(action="recognise").count() == 3


def test_a_batch_with_one_wrong_assessment_changes_nothing(
    ducthang_officer: User, city_reviewer: User
) -> None:
    ready = services.assessment_submit(assessment=draft(code="DT-0001"), by=ducthang_officer)
    still_draft = draft(code="DT-0002")

    with pytest.raises(ValidationError, match="DT-0002"):
        services.assessments_record_meeting(
            assessments=[ready, still_draft], by=ducthang_officer, **MEETING
        )
    assert Assessment.objects.get(pk=ready.pk).state == "submitted"


def test_allowed_actions_depend_on_state_and_role(
    ducthang_officer: User, city_reviewer: User, tienloi_officer: User
) -> None:
    a = draft()
    assert services.allowed_actions(ducthang_officer, a) == ["submit"]
    assert services.allowed_actions(city_reviewer, a) == []
    a = posted(ducthang_officer, code="DT-0002")
    # The ward's officer records the chairman's decision; the city returns.
    assert services.allowed_actions(ducthang_officer, a) == ["recognise"]
    assert services.allowed_actions(city_reviewer, a) == ["return"]
    assert services.allowed_actions(tienloi_officer, a) == []


# --- Ad-hoc reviews ------------------------------------------------------------------------


def adhoc_round() -> ReviewRound:
    # The year after the periodic review whose results it corrects (issue 13).
    return make_round(2018, kind=ReviewRound.Kind.AD_HOC)


def test_a_correction_starts_from_the_recognised_survey(ducthang_officer: User) -> None:
    recognised = services.assessment_recognise(
        assessment=posted(ducthang_officer), by=ducthang_officer, **DECISION
    )
    correction = services.assessment_open_adhoc(
        household=recognised.household,
        round=adhoc_round(),
        request_kind="correction",
        request_date=datetime.date(2018, 1, 8),
        by=ducthang_officer,
    )

    assert correction.state == "draft"
    assert correction.corrects == recognised
    assert correction.income_per_capita == recognised.income_per_capita
    assert correction.deprivations == recognised.deprivations
    assert correction.events.get().action == "create"
    recognised.refresh_from_db()
    assert recognised.state == "recognised"  # the original is never touched


def test_ad_hoc_requests_are_checked(ducthang_officer: User, city_reviewer: User) -> None:
    a = draft()
    kwargs = {
        "household": a.household,
        "round": adhoc_round(),
        "request_date": datetime.date(2018, 1, 8),
        "by": ducthang_officer,
    }
    with pytest.raises(ValidationError, match="Không có phiếu đã công nhận"):
        services.assessment_open_adhoc(request_kind="correction", **kwargs)
    with pytest.raises(ValidationError) as raised:
        services.assessment_open_adhoc(request_kind="escape", **kwargs)
    assert "request_kind" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.assessment_open_adhoc(request_kind="addition", **{**kwargs, "round": a.round})
    assert "round" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.assessment_open_adhoc(request_kind="addition", **{**kwargs, "by": city_reviewer})
    added = services.assessment_open_adhoc(request_kind="addition", **kwargs)
    assert (added.request_kind, added.request_date) == ("addition", datetime.date(2018, 1, 8))
    assert Assessment.objects.filter(household=a.household).count() == 2


def test_an_ad_hoc_round_lies_within_its_year() -> None:
    # Issue 13: nothing is saved, and each date out of the year is named on its field.
    with pytest.raises(ValidationError) as raised:
        services.review_round_create(
            year=2017,
            kind=ReviewRound.Kind.AD_HOC,
            name="Rà soát thường xuyên 2017",
            standard="2016-2020",
            reference_date=datetime.date(2016, 12, 1),
            starts_on=datetime.date(2017, 1, 1),
            ends_on=datetime.date(2018, 3, 31),
        )
    assert raised.value.message_dict == {
        "reference_date": [
            "Kỳ rà soát thường xuyên năm 2017 phải nằm trong năm 2017: ngày 01/12/2016 thì không."
        ],
        "ends_on": [
            "Kỳ rà soát thường xuyên năm 2017 phải nằm trong năm 2017: ngày 31/03/2018 thì không."
        ],
    }
    assert not ReviewRound.objects.exists()


def test_a_survey_of_an_ad_hoc_round_is_dated_within_it(ducthang_officer: User) -> None:
    household = make_household()
    make_member(household)
    with pytest.raises(ValidationError) as raised:
        services.assessment_save(
            household=household,
            round=adhoc_round(),
            income_per_capita=1_000_000,
            request_kind="addition",
            request_date=datetime.date(2019, 2, 1),
            by=ducthang_officer,
        )
    assert list(raised.value.message_dict) == ["request_date"]
    assert not Assessment.objects.exists()


def test_an_ad_hoc_round_needs_the_request() -> None:
    household = make_household()
    make_member(household)
    with pytest.raises(ValidationError) as raised:
        services.assessment_save(household=household, round=adhoc_round(), income_per_capita=1)
    assert "request_kind" in raised.value.message_dict
    assert not Assessment.objects.exists()


# --- Optimistic locking --------------------------------------------------------------------


def test_the_second_of_two_household_edits_is_refused(ducthang_officer: User) -> None:
    household = make_household()
    opened_at = household.version
    first = Household.objects.get(pk=household.pk)
    second = Household.objects.get(pk=household.pk)

    services.household_update(household=first, expected_version=opened_at, address="1 Trần Phú")
    with pytest.raises(StaleEditError):
        services.household_update(household=second, expected_version=opened_at, address="2 Lê Lợi")
    household.refresh_from_db()
    assert (household.address, household.version) == ("1 Trần Phú", opened_at + 1)


def test_the_second_of_two_survey_edits_is_refused() -> None:
    a = draft()
    services.assessment_save(
        household=a.household,
        round=a.round,
        income_per_capita=700_000,
        expected_version=a.version,
    )
    with pytest.raises(StaleEditError):
        services.assessment_save(
            household=a.household,
            round=a.round,
            income_per_capita=2_000_000,
            expected_version=a.version,
        )
    assert Assessment.objects.get(pk=a.pk).income_per_capita == 700_000


def test_one_decision_cannot_cover_two_wards(
    ducthang_officer: User, tienloi_officer: User, administrator: User
) -> None:
    here = posted(ducthang_officer)
    a = services.assessment_submit(assessment=draft(ward_code="tien-loi"), by=tienloi_officer)
    a = services.assessment_record_meeting(assessment=a, by=tienloi_officer, **MEETING)
    there = services.assessment_record_posting(assessment=a, by=tienloi_officer, **POSTING)

    with pytest.raises(ValidationError) as raised:
        services.assessments_recognise(assessments=[here, there], by=administrator, **DECISION)
    assert "decision_number" in raised.value.message_dict
    assert not Assessment.objects.filter(state="recognised").exists()


def test_a_refused_meeting_keeps_no_uploaded_file(
    ducthang_officer: User, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    a = draft()  # still a draft: the meeting step is refused
    with pytest.raises(ValidationError):
        services.assessment_record_meeting(
            assessment=a,
            by=ducthang_officer,
            **{**MEETING, "minutes": ""},
            minutes_file=SimpleUploadedFile("bienban.pdf", b"%PDF-1.4"),
        )
    assert not list(tmp_path.rglob("*.pdf"))
