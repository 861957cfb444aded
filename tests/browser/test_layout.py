"""The layout at the widths people use: a 1366 × 768 office laptop, a tablet, a finger.

- On a laptop the menu sits on one line under the brand, the language box and the user menu
  (a deliberate two-line bar: at 1366 px one line cannot hold them all), all in view;
- the dashboard's wide tables scroll sideways inside a labelled, keyboard-focusable region
  instead of being cut at the right;
- the survey's checkboxes and radio buttons are at least 24 × 24 px, their label ticks them,
  and on a touch screen each row is at least 44 px tall.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from households.models import Household, User, Ward
from programs.models import WardTarget
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_recognised, make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _box(page: Page, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def test_the_menu_fits_on_one_line_on_a_laptop(
    page: Page, ducthang_officer: User, administrator: User, password: str
) -> None:
    # The longest names the menu shows: an officer's full name and ward, and the administrator's
    # menu, which has every entry. Each at both laptop widths: one transactional set-up (the
    # live server's data) serves the four, each signed in afresh at its width.
    User.objects.filter(pk=ducthang_officer.pk).update(
        last_name="Nguyễn Thị", first_name="Phương Thảo"
    )
    for username in ("alice", "root"):
        for width in (1366, 1280):
            page.context.clear_cookies()
            page.set_viewport_size({"width": width, "height": 768})
            log_in(page, username, password)
            _check_menu(page, username, width)


def _check_menu(page: Page, username: str, width: int) -> None:
    at = f"{username} at {width} px"
    expect(page.get_by_role("button", name="Trình đơn")).to_be_hidden()
    links = page.eval_on_selector_all(
        "#main-nav .nav-link",
        "links => links.map(a => [a.textContent, a.getBoundingClientRect().top, a.offsetHeight])",
    )
    assert len(links) >= 8, at
    tops = {top for _, top, _ in links}
    assert len(tops) == 1, f"{at}: the menu wraps onto {len(tops)} lines"
    wrapped = [text for text, _, height in links if height > 44]
    assert not wrapped, f"{at}: menu entries on two lines: {wrapped}"
    navbar = _box(page, "nav.navbar")
    # Two lines of 40 px at most: the brand line and the menu line.
    assert navbar["height"] <= 96, f"{at}: the navigation bar is {navbar['height']} px tall"
    for selector in ("#language-select", "[data-testid=user-menu]", ".navbar-brand"):
        box = _box(page, selector)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{at}: {selector} is cut: {box}"
        assert (
            box["y"] >= navbar["y"] and box["y"] + box["height"] <= navbar["y"] + navbar["height"]
        ), at
    expect(page.get_by_test_id("user-menu")).to_contain_text(
        "Phường Đức Thắng" if username == "alice" else "root"
    )


@pytest.fixture
def dashboard_data() -> None:
    round_2016 = make_round(2016)
    make_round(2017)
    for code in ("duc-thang", "tien-loi"):
        WardTarget.objects.create(
            ward=Ward.objects.get(code=code),
            year=2017,
            households_to_escape=1,
            total_households=100,
        )
        household = make_household(code, code=f"{code[:2].upper()}-0001")
        make_member(household)
        make_recognised(household, 600_000, review_round=round_2016)


def test_the_dashboards_tables_scroll_sideways_at_tablet_width(
    page: Page, dashboard_data: None, city_reviewer: User, password: str
) -> None:
    log_in(page, "bob", password)
    page.goto(reverse("reports:dashboard"))

    # Form 2a (the movements of the poor list) has 13 columns: wider than a tablet.
    region = page.get_by_role("region", name="Biểu 2a", exact=False)
    expect(region).to_be_visible()
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth"), "nothing to scroll at 768 px"
    # The table ends inside the page: its last column is reached by scrolling, not cut.
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 768
    # The keyboard reaches and scrolls it.
    region.focus()
    region.press("ArrowRight")
    page.wait_for_function(
        "id => document.querySelector(`[aria-labelledby='${id}']`).scrollLeft > 0",
        arg="bieu-2a-title",
    )


@pytest.fixture
def household(ducthang_officer: User) -> Household:
    make_round(2017)
    household = make_household(code="DT-0001")
    make_member(household)
    return household


def test_the_surveys_checkboxes_are_big_enough_for_a_finger(
    page: Page, household: Household, password: str
) -> None:
    # A tablet, a phone, a laptop: one transactional set-up serves the three, the survey loaded
    # afresh (nothing ticked) at each width.
    log_in(page, "alice", password)
    for width in (768, 390, 1366):
        page.set_viewport_size({"width": width, "height": 1024})
        page.goto(reverse("households:assessment_create", args=[household.pk]))
        _check_boxes(page, width)


def _check_boxes(page: Page, width: int) -> None:
    at = f"at {width} px"
    boxes = page.locator("main input.form-check-input:visible")
    assert boxes.count() >= 10, at
    for index in range(boxes.count()):
        box = boxes.nth(index).bounding_box()
        assert box is not None, at
        assert box["width"] >= 24 and box["height"] >= 24, f"{at}: box {index}: {box}"
    if width < 992:
        rows = page.locator("main .form-check:visible")
        for index in range(rows.count()):
            row = rows.nth(index).bounding_box()
            assert row is not None and row["height"] >= 44, f"{at}: row {index}: {row}"
    # The label is part of the target: clicking its text ticks the box.
    first = page.locator("main input[type=checkbox].form-check-input:visible").first
    label = page.locator(f"label[for='{first.get_attribute('id')}']")
    label.click()
    expect(first).to_be_checked()


def test_the_household_lists_filter_boxes_stand_before_their_labels(
    page: Page, ducthang_officer: User, password: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "alice", password)
    page.goto(reverse("households:list"))

    box = page.get_by_label("Hộ có chủ hộ là nữ")
    label = page.locator(f"label[for='{box.get_attribute('id')}']")
    box_at, label_at = box.bounding_box(), label.bounding_box()
    assert box_at is not None and label_at is not None
    assert box_at["width"] >= 24
    assert box_at["x"] + box_at["width"] <= label_at["x"], "the box stands after its label"
    label.click()
    expect(box).to_be_checked()
