"""Every URL the project defines × every persona → the status the rules of issues 3 and 4 say.

The rules: a ward or commune officer reads and writes their own ward only (another ward's
household is a 404, never a leak) and records the ward chairman's decision recognising its
households' results; the city Labour department reads every ward and returns assessments, but
recognises none and writes no household or survey (403); a partner agency sees the
households its programmes concern (here: DT-0001, which it delivered to) and a Steering
Committee member the households assigned to them (here: DT-0001), reading them but writing no
household or survey (403), every other household a 404; administrators may do everything;
anonymous visitors go to the login page. Reports (issue 5) follow the same scoping: an officer's
are their own ward's (another ward's household profile is a 404), the city's and the
administrators' cover every ward, and partner agencies and committee members get none (403);
importing households is writing them: officers and administrators only. A URL added to the
project without a row here fails `test_matrix` until it gets one.
"""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from households.models import Assessment, Household, Member, ReviewState, User, Ward
from jobs import storage
from jobs.models import Job
from programs.models import (
    Agency,
    Benefit,
    CommitteeMember,
    HouseholdAssignment,
    Loan,
    LoanCheck,
    Programme,
    Training,
    TrainingAttendance,
    WardTarget,
)
from tests.factories import (
    make_assessment,
    make_assessment_in_state,
    make_household,
    make_member,
    make_round,
    make_user,
)

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "ducthang_officer",
    "tienloi_officer",
    "city_reviewer",
    "agency_user",
    "committee_member",
    "administrator",
)

# Besides a status code, a row may expect a redirect:
LOGIN = "login"  # 302 to the login page, with ?next= the page asked for
LOGIN_PAGE = "login page"  # 302 to the login page (after logging out)
HOME = "home"  # 302 to the home page (the login page, already signed in)
DONE = "done"  # 302 after a successful POST, anywhere but the login page

# Skipped: Django's admin (tested in tests/households/test_admin_access.py), Django's
# set_language, and the static and media files served in development.
SKIPPED_PREFIXES = (
    "admin/",
    "i18n/",
    settings.STATIC_URL.lstrip("/"),
    settings.MEDIA_URL.lstrip("/"),
)

# The object each URL's <pk> is taken from (see the `world` fixture).
PATH_OBJECT = {
    "households:detail": "household",
    "households:edit": "household",
    "households:history": "household",
    "households:archive": "household",
    "households:adhoc_open": "household",
    "households:assessment_create": "fresh_household",
    "households:assessment_preview": "fresh_household",
    "households:assessment_edit": "draft",
    "households:assessment_submit": "draft",
    "households:assessment_withdraw": "submitted",
    "households:assessment_meeting": "submitted",
    "households:assessment_posting": "meeting_held",
    "households:assessment_recognise": "posted",
    "households:assessment_return": "posted",
    "households:assessment_minutes": "meeting_held",
    "households:assessment_review_steps": "posted",
    "programs:benefit_create": "household",
    "programs:loan_create": "household",
    "programs:loan_detail": "loan",
    "programs:loan_check_create": "loan",
    "programs:assign": "household",
    "programs:training_detail": "training",
    "reports:household_profile_pdf": "household",
    "jobs:detail": "job",
    "jobs:status": "job",
    "jobs:download": "job",
    "reports:import_check_confirm": "import_check",
}

# Routes whose argument is not a primary key.
PATH_KWARGS = {
    "programs:worklist": {"key": "bhyt"},
    "programs:worklist_export": {"key": "bhyt"},
}

# Query strings a URL is asked with: a report of one ward needs the ward (Đức Thắng), so the
# Tiến Lợi officer asking for it is refused like any other look at another ward.
PATH_QUERY = {
    "reports:posting_pdf": lambda ward: {"ward": ward.pk},
    "reports:household_list_pdf": lambda ward: {"ward": ward.pk},
}

# Objects that belong to no ward: every officer may read them.
UNSCOPED_OBJECTS = {"training"}
# Objects scoped by who asked for them, not by ward: background jobs (tests/jobs).
OWNED_OBJECTS = {"job", "import_check"}

# fmt: off
# GET                          anonymous ducthang tienloi city agency committee admin
GET_ROWS: dict[str, tuple[Any, ...]] = {
    "home":                            (LOGIN, 200, 200, 200, 200, 200, 200),
    "login":                           (200, HOME, HOME, HOME, HOME, HOME, HOME),
    "logout":                          (405, 405, 405, 405, 405, 405, 405),
    "password_change":                 (LOGIN, 200, 200, 200, 200, 200, 200),
    "password_change_done":            (LOGIN, 200, 200, 200, 200, 200, 200),
    "households:list":                 (LOGIN, 200, 200, 200, 200, 200, 200),
    "households:create":               (LOGIN, 200, 200, 403, 403, 403, 200),
    # The new-household form's code for the ward chosen: an officer's own ward (asked with
    # none), the administrator's choice (none yet: the field without a code).
    "households:code_proposal":        (LOGIN, 200, 200, 403, 403, 403, 200),
    "households:detail":               (LOGIN, 200, 404, 200, 200, 200, 200),
    "households:edit":                 (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:history":              (LOGIN, 200, 404, 200, 403, 403, 200),
    # Archiving (issue 10): the ward's officer or an administrator, with a reason.
    "households:archive":              (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:adhoc_open":           (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:assessment_create":    (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_preview":   (LOGIN, 405, 405, 405, 405, 405, 405),
    "households:assessment_edit":      (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:assessment_submit":    (LOGIN, 405, 405, 405, 405, 405, 405),
    "households:assessment_withdraw":  (LOGIN, 405, 405, 405, 405, 405, 405),
    "households:assessment_meeting":   (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_posting":   (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_recognise": (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_return":    (LOGIN, 403, 404, 200, 404, 404, 200),
    "households:review_progress":      (LOGIN, 200, 200, 200, 403, 403, 200),
    # The minutes file, served by a view that checks scope (issue 10): whoever sees the household.
    "households:assessment_minutes":   (LOGIN, 200, 404, 200, 404, 404, 200),
    # An assessment's review steps, opened from the household page: whoever sees the household.
    "households:assessment_review_steps": (LOGIN, 200, 404, 200, 404, 404, 200),
    "programs:programmes":             (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:benefit_create":         (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:loan_create":            (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:loan_detail":            (LOGIN, 200, 404, 200, 200, 200, 200),
    "programs:loan_check_create":      (LOGIN, 405, 405, 405, 405, 405, 405),
    "programs:worklists":              (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:worklist":               (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:worklist_export":        (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:committee":              (LOGIN, 200, 200, 200, 403, 403, 200),
    "programs:my_households":          (LOGIN, 403, 403, 403, 403, 200, 403),
    "programs:assign":                 (LOGIN, 200, 404, 200, 403, 403, 200),
    "programs:trainings":              (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:training_create":        (LOGIN, 403, 403, 200, 403, 403, 200),
    "programs:training_detail":        (LOGIN, 200, 200, 200, 200, 200, 200),
    "programs:targets":                (LOGIN, 200, 200, 200, 200, 200, 200),
    # Reports (issue 5): an officer's reports are their own ward's; the city and administrators
    # see every ward; partner agencies and committee members get no reports.
    "reports:dashboard":               (LOGIN, 200, 200, 200, 403, 403, 200),
    "reports:dashboard_export":        (LOGIN, 200, 200, 200, 403, 403, 200),
    "reports:periodic_pdf":            (LOGIN, 200, 200, 200, 403, 403, 200),
    "reports:household_list_pdf":      (LOGIN, 200, 404, 200, 403, 403, 200),
    "reports:posting_pdf":             (LOGIN, 200, 404, 200, 403, 403, 200),
    # A household's sheet is what its page shows: whoever sees the household may print it.
    "reports:household_profile_pdf":   (LOGIN, 200, 404, 200, 200, 200, 200),
    "reports:household_list_xlsx":     (LOGIN, 200, 200, 200, 403, 403, 200),
    # The what-if of another standard (issue 12 item 4): a report, read-only, same audience.
    "reports:what_if":                 (LOGIN, 200, 200, 200, 403, 403, 200),
    # Importing writes households: the officers of a ward and administrators only.
    "reports:import":                  (LOGIN, 200, 200, 403, 403, 403, 200),
    "reports:import_template":         (LOGIN, 200, 200, 403, 403, 403, 200),
    # Confirming a checked import file is a POST (below).
    "reports:import_check_confirm":    (LOGIN, 405, 405, 405, 405, 405, 405),
    # Background jobs (issue 11 §4): the world's job is the Đức Thắng officer's; only they and
    # administrators see it, its status and its file.
    "jobs:list":                       (LOGIN, 200, 200, 200, 200, 200, 200),
    "jobs:detail":                     (LOGIN, 200, 404, 404, 404, 404, 200),
    "jobs:status":                     (LOGIN, 200, 404, 404, 404, 404, 200),
    "jobs:download":                   (LOGIN, 200, 404, 404, 404, 404, 200),
}

# POST with an empty form: the persona allowed gets the form back with its errors (200) or,
# for a one-button step, is sent on (DONE); only a one-button step writes anything.
# POST                         anonymous ducthang tienloi city agency committee admin
POST_ROWS: dict[str, tuple[Any, ...]] = {
    "logout":                          (LOGIN_PAGE, LOGIN_PAGE, LOGIN_PAGE, LOGIN_PAGE,
                                        LOGIN_PAGE, LOGIN_PAGE, LOGIN_PAGE),
    "households:create":               (LOGIN, 200, 200, 403, 403, 403, 200),
    "households:edit":                 (LOGIN, 200, 404, 403, 403, 403, 200),
    # No reason given: the form comes back with its error and nothing is archived.
    "households:archive":              (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:adhoc_open":           (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:assessment_create":    (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_preview":   (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_edit":      (LOGIN, 200, 404, 403, 403, 403, 200),
    "households:assessment_submit":    (LOGIN, DONE, 404, 403, 403, 403, DONE),
    "households:assessment_withdraw":  (LOGIN, DONE, 404, 403, 404, 404, DONE),
    "households:assessment_meeting":   (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_posting":   (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_recognise": (LOGIN, 200, 404, 403, 404, 404, 200),
    "households:assessment_return":    (LOGIN, 403, 404, 200, 404, 404, 200),
    "households:review_progress":      (LOGIN, DONE, DONE, DONE, 403, 403, DONE),
    "programs:benefit_create":         (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:loan_create":            (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:loan_detail":            (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:loan_check_create":      (LOGIN, 200, 404, 403, 200, 200, 200),
    "programs:assign":                 (LOGIN, 200, 404, 200, 403, 403, 200),
    "programs:training_create":        (LOGIN, 403, 403, 200, 403, 403, 200),
    # Saving the course's list with no box ticked empties it: a write, as the form says.
    "programs:training_detail":        (LOGIN, 403, 403, DONE, 403, 403, DONE),
    # Without a ward the city is sent back to the table with a message.
    "programs:targets":                (LOGIN, 403, 403, DONE, 403, 403, DONE),
    # No file: the form comes back with its error and nothing is imported.
    "reports:import":                  (LOGIN, 200, 200, 403, 403, 403, 200),
    # The uploader confirms their checked file: a job saves it. Importing is writing (403); an
    # administrator sees the job but does not confirm another's file (404).
    "reports:import_check_confirm":    (LOGIN, DONE, 404, 403, 403, 403, 404),
}
# fmt: on

EXPECTED: dict[tuple[str, str], Any] = {
    (name, persona): status
    for name, row in GET_ROWS.items()
    for persona, status in zip(PERSONAS, row, strict=True)
}
EXPECTED_POST: dict[tuple[str, str], Any] = {
    (name, persona): status
    for name, row in POST_ROWS.items()
    for persona, status in zip(PERSONAS, row, strict=True)
}


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield route, f"{namespace}{pattern.name}" if pattern.name else f"<unnamed {route}>"


def project_urls() -> dict[str, str]:
    """Every named URL of the project but the skipped ones, e.g. "households:detail", with its
    route, e.g. "households/<int:pk>/"."""
    return {name: route for route, name in _walk(get_resolver().url_patterns)}


URL_ROUTES = project_urls()
URL_NAMES = sorted(URL_ROUTES)


def test_the_walk_finds_the_project_urls() -> None:
    # A guard against a walk that silently finds nothing.
    assert {"home", "login", "households:list", "households:detail"} <= set(URL_NAMES)
    assert not any(name.startswith("admin:") for name in URL_NAMES)


def test_the_matrix_has_no_rows_for_urls_that_no_longer_exist() -> None:
    assert sorted(set(GET_ROWS) - set(URL_NAMES)) == []
    assert sorted(set(POST_ROWS) - set(URL_NAMES)) == []
    assert sorted(set(PATH_OBJECT) - set(URL_NAMES)) == []


def _household(ward_code: str, code: str) -> Household:
    household = make_household(ward_code, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}", health_insurance_number=f"HN-{code}")
    return household


def _loan(programme: Programme, household: Household) -> Loan:
    benefit = Benefit.objects.create(
        programme=programme,
        household=household,
        ward_id=household.ward_id,
        date=datetime.date(2017, 10, 2),
        amount=30_000_000,
        reference=f"NHCS-{household.code}",
    )
    return Loan.objects.create(
        benefit=benefit,
        purpose="Chăn nuôi bò",
        term_months=36,
        disbursed_on=datetime.date(2017, 10, 2),
        due_on=datetime.date(2020, 10, 2),
        outstanding=30_000_000,
    )


def _finished_job(owner: User, kind: str, **fields: Any) -> Job:
    for name in (fields.get("file"), fields.get("parameters", {}).get("file")):
        if name:
            storage.jobs_dir().joinpath(name).write_bytes(b"PK")
    now = timezone.now()
    return Job.objects.create(
        kind=kind,
        owner=owner,
        ward=owner.ward,
        status=Job.Status.DONE,
        finished_at=now,
        expires_at=now + datetime.timedelta(days=1),
        **fields,
    )


@pytest.fixture(scope="module")
def _world_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path, _world_media: Path) -> None:
    # Each test has its own copy of the world's files (the minutes, the jobs' files), not the
    # project's media folder: a request that deletes one leaves it there for the next test.
    shutil.copytree(_world_media, tmp_path / "media")
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_DIR = tmp_path / "media" / "jobs"


# The personas, made once for the module with the world (conftest.py makes the same per test).
PERSONA_USERS: dict[str, dict[str, Any]] = {
    "ducthang_officer": {"username": "alice", "role": User.Role.WARD_OFFICER, "ward": "duc-thang"},
    "tienloi_officer": {"username": "charlie", "role": User.Role.WARD_OFFICER, "ward": "tien-loi"},
    "city_reviewer": {"username": "bob", "role": User.Role.CITY_REVIEWER},
    "agency_user": {"username": "dave", "role": User.Role.AGENCY_USER},
    "committee_member": {"username": "erin", "role": User.Role.COMMITTEE_MEMBER},
    "administrator": {
        "username": "root",
        "role": User.Role.ADMIN,
        "is_superuser": True,
        "is_staff": True,
    },
}


WORLD_PERSONAS = ("ducthang_officer", "city_reviewer", "agency_user", "committee_member")


@pytest.fixture(scope="module")
def _world(
    module_db: None, django_db_blocker: Any, _world_media: Path
) -> tuple[dict[str, int], dict[str, Any]]:
    """The personas and the world, written once for the module (each test runs in a savepoint
    rolled back to them): the personas' primary keys and the world's objects."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=_world_media, JOBS_DIR=_world_media / "jobs"),
    ):
        users: dict[str, User] = {}
        for persona, fields in PERSONA_USERS.items():
            fields = dict(fields)
            ward = fields.pop("ward", None)
            users[persona] = make_user(
                fields.pop("username"),
                ward=Ward.objects.get(code=ward) if ward else None,
                **fields,
            )
        objects = _build_world(**{name: users[name] for name in WORLD_PERSONAS})
    return {persona: user.pk for persona, user in users.items()}, objects


def _persona(world: tuple[dict[str, int], dict[str, Any]], persona: str) -> User:
    return User.objects.get(pk=world[0][persona])


@pytest.fixture
def ducthang_officer(_world: tuple[dict[str, int], dict[str, Any]]) -> User:
    return _persona(_world, "ducthang_officer")


@pytest.fixture
def world(_world: tuple[dict[str, int], dict[str, Any]]) -> dict[str, Any]:
    return _world[1]


def _build_world(
    ducthang_officer: User, city_reviewer: User, agency_user: User, committee_member: User
) -> dict[str, Any]:
    """A Đức Thắng household and an assessment in each state a URL needs; a Tiến Lợi one.

    The agency delivered a loan to DT-0001 (and to TL-0001) and the committee member manages
    DT-0001: that household is the one each of them sees. A training course.
    """
    make_round(2017)
    reviewed = {"officer": ducthang_officer, "reviewer": city_reviewer}
    objects: dict[str, Any] = {}
    household = _household("duc-thang", "DT-0001")
    objects["household"] = household
    objects["draft"] = make_assessment(household, income_per_capita=800_000)
    objects["fresh_household"] = _household("duc-thang", "DT-0005")
    for number, state in enumerate(
        (ReviewState.SUBMITTED, ReviewState.MEETING_HELD, ReviewState.POSTED), start=2
    ):
        # The one at the meeting is not poor: off the posting list, which is not printed while
        # a household on it has no posting recorded (reports/views/pdf.py).
        income = 3_000_000 if state == ReviewState.MEETING_HELD else 1_100_000
        objects[state] = make_assessment_in_state(
            _household("duc-thang", f"DT-000{number}"),
            state,
            income_per_capita=income,
            **reviewed,
        )
    tien_loi = _household("tien-loi", "TL-0001")
    objects["tienloi_household"] = tien_loi
    objects["tienloi_draft"] = make_assessment(tien_loi, income_per_capita=600_000)

    agency = Agency.objects.create(code="matrix-bank", name="Ngân hàng thử", kind="bank")
    agency_user.agency = agency
    agency_user.save()
    # "escaped" only: the agency sees the households it delivered to, not the poor ones.
    grant = Programme.objects.create(
        code="matrix-grant",
        name="Hỗ trợ thử",
        agency=agency,
        level="household",
        eligible_statuses=["escaped"],
        unit="vnd",
    )
    credit = Programme.objects.create(
        code="matrix-credit",
        name="Vay thử",
        agency=agency,
        level="household",
        eligible_statuses=["escaped"],
        unit="loan",
        is_credit=True,
    )
    objects["programme"], objects["credit_programme"] = grant, credit
    objects["loan"] = _loan(credit, household)
    objects["tienloi_loan"] = _loan(credit, tien_loi)
    member = CommitteeMember.objects.create(
        full_name="Nguyễn Thị Erin",
        position="Ủy viên",
        level="ward",
        ward=Ward.objects.get(code="duc-thang"),
        user=committee_member,
    )
    HouseholdAssignment.objects.create(
        household=household, member=member, since=datetime.date(2017, 9, 1)
    )
    objects["training"] = Training.objects.create(
        date=datetime.date(2017, 6, 1), topic="Nghiệp vụ rà soát", organiser=agency
    )
    # A finished export and a checked import file of the Đức Thắng officer (issue 11 §4).
    objects["job"] = _finished_job(
        ducthang_officer, Job.Kind.HOUSEHOLD_XLSX, file="matrix.xlsx", filename="danh-sach.xlsx"
    )
    objects["import_check"] = _finished_job(
        ducthang_officer,
        Job.Kind.IMPORT_CHECK,
        parameters={"file": "import-matrix.xlsx", "ward": ducthang_officer.ward_id},
    )
    # The meeting's signed minutes, as an upload leaves them.
    minutes = default_storage.save("minutes/2017/duc-thang/bien-ban.pdf", ContentFile(b"%PDF-"))
    Assessment.objects.filter(pk=objects[ReviewState.MEETING_HELD].pk).update(
        meeting_minutes_file=minutes
    )
    return objects


@pytest.fixture
def personas(_world: tuple[dict[str, int], dict[str, Any]]) -> dict[str, User | None]:
    users: dict[str, User | None] = {"anonymous": None}
    for persona in PERSONA_USERS:
        users[persona] = _persona(_world, persona)
    return users


def _path(name: str, world: dict[str, Any], *, other_ward: bool = False) -> str:
    if name in PATH_QUERY:
        query = PATH_QUERY[name](Ward.objects.get(code="duc-thang"))
        return f"{reverse(name)}?{urlencode(query)}"
    if "<" not in URL_ROUTES[name]:
        return reverse(name)
    if name in PATH_KWARGS:
        return reverse(name, kwargs=PATH_KWARGS[name])
    if name not in PATH_OBJECT:
        pytest.fail(f"{URL_ROUTES[name]} takes an argument: add {name} to PATH_OBJECT.")
    key = PATH_OBJECT[name]
    if other_ward:
        if isinstance(world[key], Assessment):
            key = "tienloi_draft"
        elif isinstance(world[key], Loan):
            key = "tienloi_loan"
        else:
            key = "tienloi_household"
    return reverse(name, kwargs={"pk": world[key].pk})


def _snapshot() -> tuple[Any, ...]:
    """What a refused request must leave untouched."""
    return (
        list(Household.objects.order_by("pk").values_list("pk", "version")),
        Member.objects.count(),
        list(Assessment.objects.order_by("pk").values_list("pk", "state", "version")),
        list(Benefit.objects.order_by("pk").values_list("pk", "amount")),
        list(Loan.objects.order_by("pk").values_list("pk", "outstanding", "is_overdue")),
        LoanCheck.objects.count(),
        list(HouseholdAssignment.objects.order_by("pk").values_list("pk", "member_id", "since")),
        Training.objects.count(),
        TrainingAttendance.objects.count(),
        list(WardTarget.objects.order_by("pk").values_list("pk", "households_to_escape")),
    )


def _check(response: Any, expected: Any, path: str, description: str) -> None:
    location = response.headers.get("Location", "")
    got = f"{response.status_code} {location}".strip()
    message = f"{description}: expected {expected}, got {got}"
    if expected == LOGIN:
        assert response.status_code == 302, message
        assert location == f"{reverse('login')}?next={quote(path)}", message
    elif expected == LOGIN_PAGE:
        assert (response.status_code, location) == (302, reverse("login")), message
    elif expected == HOME:
        assert (response.status_code, location) == (302, reverse("home")), message
    elif expected == DONE:
        assert response.status_code == 302, message
        assert not location.startswith(reverse("login")), message
    else:
        assert response.status_code == expected, message


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", URL_NAMES)
def test_matrix(
    client: Client,
    name: str,
    persona: str,
    world: dict[str, Any],
    personas: dict[str, User | None],
) -> None:
    if (name, persona) not in EXPECTED:
        pytest.fail(f"{name} has no entry for {persona}: add it to the matrix (GET_ROWS).")
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    path = _path(name, world)

    _check(client.get(path), EXPECTED[(name, persona)], path, f"GET {path} as {persona}")

    if (name, persona) in EXPECTED_POST:
        expected = EXPECTED_POST[(name, persona)]
        before = _snapshot()
        response = client.post(path, {})
        _check(response, expected, path, f"POST {path} as {persona}")
        if expected != DONE:  # refused, or an empty form sent back with its errors
            assert _snapshot() == before, f"POST {path} as {persona} wrote to the database"


@pytest.mark.parametrize(
    "name",
    sorted(n for n, key in PATH_OBJECT.items() if key not in UNSCOPED_OBJECTS | OWNED_OBJECTS),
)
def test_an_officer_never_reaches_another_wards_objects(
    client: Client, name: str, world: dict[str, Any], ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    path = _path(name, world, other_ward=True)

    # A method the view refuses is refused before any lookup: a 405 tells nothing either.
    get_allowed = EXPECTED[(name, "ducthang_officer")] != 405
    assert client.get(path).status_code == (404 if get_allowed else 405)
    before = _snapshot()
    assert client.post(path, {}).status_code == (404 if name in POST_ROWS else 405)
    assert _snapshot() == before
