"""axe-core over every page of the app, for each role, in Chromium at tablet width.

Each role signs in and opens every link of its menu (the navigation bar and the user menu, read
from the page, so a new menu entry is checked without changing this test), then the pages those
lead to: every worklist, a household, its survey and history, a loan, a training. A page fails
on any serious or critical axe violation (WCAG 2.1 A/AA and best practices), listed readably.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from households.models import Household, User, Ward
from programs import services as programme_services
from programs.models import Agency, Loan, Programme, WardTarget
from tests.browser.axe import axe_violations, describe
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_recognised, make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ward_data(ducthang_officer: User) -> Household:
    """Two wards with recognised results (the dashboard has figures and charts), a poor
    household of Đức Thắng with a pupil (the worklists have rows), and its loan."""
    round_2016 = make_round(2016)
    make_round(2017)
    for code, total in (("duc-thang", 200), ("tien-loi", 100)):
        WardTarget.objects.create(
            ward=Ward.objects.get(code=code),
            year=2017,
            households_to_escape=1,
            total_households=total,
        )
    household = make_household(code="DT-0201", head_name="Lê Văn Sáu")
    make_member(household, full_name="Lê Văn Sáu", birth_year=1978)
    make_member(
        household,
        full_name="Lê Thị Bảy",
        relation="child",
        sex="female",
        birth_year=2009,
        education_level="primary",
        attends_school=True,
        health_insurance_number="",
    )
    make_recognised(household, 800_000, review_round=round_2016)
    other = make_household("tien-loi", code="TL-0201", head_name="Võ Văn Năm")
    make_member(other, full_name="Võ Văn Năm")
    make_recognised(other, 1_100_000, review_round=round_2016)
    programme_services.loan_record(
        programme=Programme.objects.get(code="vay-ho-ngheo"),
        household=household,
        date=datetime.date(2017, 10, 15),
        amount=20_000_000,
        purpose="Nuôi bò sinh sản",
        term_months=36,
        reference="KU-0457",
        by=ducthang_officer,
    )
    return household


def _menu_links(page: Page) -> list[str]:
    """The paths of the navigation bar's and the user menu's links, in the order shown."""
    hrefs: list[str] = page.eval_on_selector_all(
        "#main-nav a[href]", "links => links.map(a => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(href for href in hrefs if href.startswith("/")))


def _check_pages(page: Page, paths: list[str], *, status: int = 200) -> None:
    failures = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == status, f"{path}: {response}"
        violations = axe_violations(page)
        if violations:
            failures.append(f"axe-core on {path}:\n{describe(violations)}")
    assert not failures, "\n\n".join(failures)


def _worklists(page: Page) -> list[str]:
    page.goto(reverse("programs:worklists"))
    return page.eval_on_selector_all(
        "main a[href^='/programs/worklists/']",
        "links => links.map(a => a.getAttribute('href'))",
    )


def test_the_login_and_error_pages_are_accessible(page: Page) -> None:
    _check_pages(page, [reverse("login")])
    _check_pages(page, ["/no-such-page/"], status=404)


def test_every_page_of_a_ward_officer_is_accessible(
    page: Page, ward_data: Household, password: str
) -> None:
    household = ward_data
    log_in(page, "alice", password)
    pages = [
        *_menu_links(page),
        reverse("households:create"),
        reverse("households:detail", args=[household.pk]),
        reverse("households:history", args=[household.pk]),
        reverse("households:assessment_review_steps", args=[household.assessments.get().pk]),
        reverse("households:edit", args=[household.pk]),
        reverse("households:assessment_create", args=[household.pk]),
        reverse("programs:benefit_create", args=[household.pk]),
        reverse("programs:loan_create", args=[household.pk]),
        reverse("programs:loan_detail", args=[Loan.objects.get().pk]),
        reverse("programs:assign", args=[household.pk]),
        reverse("reports:what_if"),
        reverse("reports:import"),
    ]
    _check_pages(page, pages + _worklists(page))


def test_every_page_of_the_city_is_accessible(
    page: Page, ward_data: Household, city_reviewer: User, password: str
) -> None:
    training = programme_services.training_create(
        date=datetime.date(2017, 6, 1),
        topic="Nghiệp vụ rà soát hộ nghèo",
        organiser=Agency.objects.order_by("pk").first(),
        by=city_reviewer,
    )
    log_in(page, "bob", password)
    pages = [
        *_menu_links(page),
        reverse("households:detail", args=[ward_data.pk]),
        reverse("programs:training_create"),
        reverse("programs:training_detail", args=[training.pk]),
    ]
    _check_pages(page, pages)


def test_every_page_of_a_committee_member_and_an_agency_is_accessible(
    page: Page, ward_data: Household, committee_member: User, agency_user: User, password: str
) -> None:
    for username in ("erin", "dave"):
        log_in(page, username, password)
        _check_pages(page, _menu_links(page))
        page.context.clear_cookies()


def test_every_page_of_an_administrator_is_accessible(
    page: Page, ward_data: Household, administrator: User, password: str
) -> None:
    log_in(page, "root", password)
    _check_pages(page, [link for link in _menu_links(page) if not link.startswith("/admin/")])
