"""Typed `make_*` helpers with fixed defaults: no random data in behaviour tests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection

from households import services
from households.classification import standard_for_date
from households.models import (
    Assessment,
    Household,
    Member,
    Quarter,
    ReviewRound,
    ReviewState,
    User,
    Ward,
)

PASSWORD = "s3cret-pass-for-tests"


def make_user(username: str, *, role: str, ward: Ward | None = None, **extra: Any) -> User:
    user = User(username=username, role=role, ward=ward, **extra)
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


# The personas of tests/conftest.py: fixture name -> (username, role, ward code).
PERSONAS: dict[str, tuple[str, str, str | None]] = {
    "ducthang_officer": ("alice", User.Role.WARD_OFFICER, "duc-thang"),
    "tienloi_officer": ("charlie", User.Role.WARD_OFFICER, "tien-loi"),
    "city_reviewer": ("bob", User.Role.CITY_REVIEWER, None),
    "agency_user": ("dave", User.Role.AGENCY_USER, None),
    "committee_member": ("erin", User.Role.COMMITTEE_MEMBER, None),
}


def persona(key: str) -> User:
    """The persona `key` (the fixtures of tests/conftest.py are these): the user a module's kept
    data (`module_db`) were written by when there is one, else made afresh, so that both kinds
    of a module's tests (with the kept data, run last, and without) have the same users."""
    username, role, ward = PERSONAS[key]
    return User.objects.filter(username=username).first() or make_user(
        username, role=role, ward=Ward.objects.get(code=ward) if ward else None
    )


def make_round(
    year: int = 2017, *, kind: str = ReviewRound.Kind.PERIODIC, standard: str | None = None
) -> ReviewRound:
    """The year's round, under the standard in force that year unless `standard` is given."""
    existing = ReviewRound.objects.filter(year=year, kind=kind).first()
    if existing:
        return existing
    periodic = kind == ReviewRound.Kind.PERIODIC
    return services.review_round_create(
        year=year,
        kind=kind,
        name=f"Rà soát định kỳ năm {year}"
        if kind == ReviewRound.Kind.PERIODIC
        else f"Rà soát thường xuyên {year}",
        standard=standard or standard_for_date(datetime.date(year, 1, 1)).code,
        # A periodic review runs from September; an ad-hoc one all year (Circular 17 Art. 4).
        reference_date=datetime.date(year, 9 if periodic else 1, 1),
        starts_on=datetime.date(year, 9 if periodic else 1, 1),
        ends_on=datetime.date(year, 12, 31),
    )


def make_household(
    ward_code: str = "duc-thang",
    *,
    code: str = "HH-0001",
    head_name: str = "Nguyễn Văn An",
    quarter: Quarter | None = None,
    **extra: Any,
) -> Household:
    ward = Ward.objects.get(code=ward_code)
    return services.household_create(
        ward=ward,
        quarter=quarter or ward.quarters.order_by("display_order").first(),
        code=code,
        head_name=head_name,
        address=extra.pop("address", "12 Trần Hưng Đạo"),
        **extra,
    )


def make_member(
    household: Household,
    *,
    full_name: str = "Nguyễn Văn An",
    birth_year: int = 1970,
    sex: str = Member.Sex.MALE,
    relation: str = Member.Relation.HEAD,
    health_insurance_number: str = "HN4600000000001",
    education_level: str = Member.Education.LOWER_SECONDARY,
    **extra: Any,
) -> Member:
    return services.member_create(
        household=household,
        full_name=full_name,
        birth_year=birth_year,
        sex=sex,
        relation=relation,
        health_insurance_number=health_insurance_number,
        education_level=education_level,
        **extra,
    )


def make_assessment(
    household: Household,
    *,
    income_per_capita: int = 1_100_000,
    deprivations: Iterable[str] = (),
    review_round: ReviewRound | None = None,
    **extra: Any,
) -> Assessment:
    return services.assessment_save(
        household=household,
        round=review_round or make_round(),
        income_per_capita=income_per_capita,
        deprivations=deprivations,
        **extra,
    )


def household_form(ward: Ward, *, code: str = "DT-0100", **rows: dict[str, str]) -> dict[str, str]:
    """POST data for the admin's household form, with one member row per keyword."""
    data = {
        "ward": str(ward.pk),
        "quarter": str(ward.quarters.first().pk),  # type: ignore[union-attr]
        "code": code,
        "head_name": "Võ Văn Mười",
        "address": "5 Thủ Khoa Huân",
        "phone": "",
        "members-TOTAL_FORMS": str(len(rows)),
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "assessments-TOTAL_FORMS": "0",
        "assessments-INITIAL_FORMS": "0",
        "assessments-MIN_NUM_FORMS": "0",
        "assessments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows.values()):
        member = {
            "full_name": "",
            "sex": "male",
            "relation": "head",
            "birth_year": "1970",
            "ethnicity": "kinh",
            "education_level": "primary",
            "disability": "none",
            "work_ability": "able",
            **row,
        }
        data.update({f"members-{index}-{key}": value for key, value in member.items()})
    return data


def make_assessment_in_state(
    household: Household,
    state: str,
    *,
    officer: User,
    reviewer: User,
    reason: str = "Thu nhập chưa khớp với biên bản họp dân.",
    decision_date: datetime.date | None = None,
    decision_signer: str | None = None,
    **extra: Any,
) -> Assessment:
    """An assessment carried through the review of Circular 17 to `state` by the services.

    Fixed dates in the 2017 round: meeting 02/10/2017, posting 05–16/10/2017 (8 working days
    whatever the shift: 12 days always hold at least 8 weekdays, the rule asks 7), decision
    20/10/2017; in another round or with `decision_date`, every date moves with it. `officer`
    (of the household's ward, or an administrator) records every step up to the ward chairman's
    decision, signed by `decision_signer`; `reviewer` (the city) returns: `returned` is returned
    after the posting, with `reason`.
    """
    year = extra["review_round"].year if extra.get("review_round") else 2017
    shift = (decision_date or datetime.date(year, 10, 20)) - datetime.date(2017, 10, 20)
    assessment = make_assessment(household, **extra)
    steps = [
        ReviewState.SUBMITTED,
        ReviewState.MEETING_HELD,
        ReviewState.POSTED,
        ReviewState.RECOGNISED,
    ]
    if state == ReviewState.DRAFT:
        return assessment
    target = ReviewState.POSTED if state == ReviewState.RETURNED else state
    for step in steps[: steps.index(target) + 1]:
        if step == ReviewState.SUBMITTED:
            assessment = services.assessment_submit(assessment=assessment, by=officer)
        elif step == ReviewState.MEETING_HELD:
            assessment = services.assessment_record_meeting(
                assessment=assessment,
                by=officer,
                meeting_date=datetime.date(2017, 10, 2) + shift,
                attendance=42,
                agreement_percent=90,
                minutes="Họp dân khu phố 1: thống nhất danh sách.",
            )
        elif step == ReviewState.POSTED:
            assessment = services.assessment_record_posting(
                assessment=assessment,
                by=officer,
                posted_from=datetime.date(2017, 10, 5) + shift,
                posted_to=datetime.date(2017, 10, 16) + shift,
            )
        else:
            assessment = services.assessment_recognise(
                assessment=assessment,
                by=officer,
                decision_number="125/QĐ-UBND",
                decision_date=datetime.date(2017, 10, 20) + shift,
                decision_signer=decision_signer
                or f"Nguyễn Văn Ánh – Chủ tịch UBND {household.ward.name}",
            )
    if state == ReviewState.RETURNED:
        assessment = services.assessment_return(assessment=assessment, by=reviewer, reason=reason)
    return assessment


# Values of a member row on the workspace's household form, as a browser posts them.
MEMBER_ROW_DEFAULTS = {
    "full_name": "",
    "sex": "male",
    "relation": "other",
    "date_of_birth": "",
    "birth_year": "",
    "national_id": "",
    "ethnicity": "kinh",
    "education_level": "lower_secondary",
    "attends_school": "",
    "occupation": "",
    "health_insurance_number": "",
    "health_insurance_expiry": "",
    "disability": "none",
    "work_ability": "able",
}


def member_row(member: Member, **changes: str) -> dict[str, str]:
    """A saved member as its row on the household form posts it (with its id), then `changes`."""
    row = {"id": str(member.pk)}
    for name in MEMBER_ROW_DEFAULTS:
        value = getattr(member, name)
        if isinstance(value, bool):
            row[name] = "on" if value else ""
        elif isinstance(value, datetime.date):
            row[name] = value.strftime("%d/%m/%Y")
        else:
            row[name] = "" if value is None else str(value)
    return {**row, **changes}


def workspace_household_form(
    household: Household | None = None,
    *,
    ward: Ward | None = None,
    members: Iterable[dict[str, str]] | None = None,
    **fields: str,
) -> dict[str, str]:
    """POST data for the workspace form (households:create / households:edit).

    With `household`: its saved values, its version and one row per saved member (matched
    to its member by id, whatever the order). Without: a new household of `ward` with one
    head row. `members` replaces the rows (rows with an "id" are saved members, listed
    first); `fields` change the household's values.
    """
    if household is not None:
        data = {
            "quarter": str(household.quarter_id),
            "code": household.code,
            "head_name": household.head_name,
            "address": household.address,
            "phone": household.phone,
            "version": str(household.version),
        }
        for flag in (
            "is_merit_family",
            "is_social_protection",
            "is_ethnic_minority",
            "is_female_headed",
            "has_no_working_age_labour",
        ):
            data[flag] = "on" if getattr(household, flag) else ""
        rows = (
            list(members)
            if members is not None
            else [member_row(m) for m in household.members.order_by("id")]
        )
    else:
        assert ward is not None, "a new household needs a ward"
        data = {
            "quarter": str(ward.quarters.order_by("display_order").first().pk),  # type: ignore[union-attr]
            "code": "DT-0100",
            "head_name": "Võ Văn Mười",
            "address": "5 Thủ Khoa Huân",
            "phone": "",
        }
        rows = (
            list(members)
            if members is not None
            else [{"full_name": "Võ Văn Mười", "relation": "head", "birth_year": "1970"}]
        )
    data.update(fields)
    initial = sum(1 for row in rows if row.get("id"))
    data.update(
        {
            "members-TOTAL_FORMS": str(len(rows)),
            "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        values = row if row.get("id") else {**MEMBER_ROW_DEFAULTS, **row}
        data.update({f"members-{index}-{key}": value for key, value in values.items()})
    return data


def make_recognised(
    household: Household, income: int, *, year: int = 2017, **extra: Any
) -> Assessment:
    """A result recognised in the periodic review of `year` (in force from 1 January after,
    `households.standing`), carried through the review by an administrator, who is no ward's
    officer and so leaves the officer counts of a test alone."""
    admin = User.objects.filter(username="factory-admin").first() or make_user(
        "factory-admin", role=User.Role.ADMIN
    )
    return make_assessment_in_state(
        household,
        ReviewState.RECOGNISED,
        officer=admin,
        reviewer=admin,
        review_round=extra.pop("review_round", None) or make_round(year),
        income_per_capita=income,
        **extra,
    )


# The queries `reports.figures.stored` adds to a request that computes a result and stores it
# (looking it up, storing it): on PostgreSQL only, where figures are stored.
STORING = 2 if connection.vendor == "postgresql" else 0

# The `SET LOCAL synchronous_commit` a page that only reads sends before its view-log row
# (audit.services.record_view), on PostgreSQL only.
ASYNC_COMMIT = 1 if connection.vendor == "postgresql" else 0
# `programs.reference`: on PostgreSQL a look reads the reference data's version (one query) and
# the data itself only when the process has not kept it; SQLite keeps nothing and reads the
# data (the programmes, their rules, the latest periodic round: 3 queries) at every look.
REFERENCE_VERSION = 1 if connection.vendor == "postgresql" else 0
REFERENCE_READ_AGAIN = 0 if connection.vendor == "postgresql" else 3


def run_job_worker(*, in_transaction: bool = True) -> None:
    """Play the job worker (`manage.py db_worker --batch`) once: run every queued task, then
    stop. A test that runs in one transaction (`in_transaction`) keeps the worker from closing
    the connection between tasks; a transactional test (the live server's) lets it."""
    from contextlib import nullcontext
    from unittest import mock

    from django_tasks_db.management.commands import db_worker

    keep = (
        mock.patch.object(db_worker, "close_old_connections", lambda: None)
        if in_transaction
        else nullcontext()
    )
    with keep:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
