"""Issue 4 in Chromium: a worklist row leads to the household, the missing benefit is recorded
through the benefit form, and the row leaves the worklist.

The Đức Thắng officer opens the tuition worklist for 2017, finds the pupil of a poor household,
opens the household page, records the tuition exemption for the pupil (dated in the 2017–2018
school year) and sees the list empty.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from households.models import User
from programs.models import Benefit
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_recognised, make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_recording_the_tuition_exemption_removes_the_pupil_from_the_worklist(
    page: Page, ducthang_officer: User, password: str
) -> None:
    household = make_household(code="DT-0201", head_name="Lê Văn Sáu")
    make_member(household, full_name="Lê Văn Sáu", birth_year=1978)
    pupil = make_member(
        household,
        full_name="Lê Thị Bảy",
        relation="child",
        sex="female",
        birth_year=2009,
        education_level="primary",
        attends_school=True,
    )
    # Poor (N1) on the urban line, recognised in the 2016 review: on the list in force in 2017.
    make_recognised(household, 800_000, year=2016)
    make_round(2017)  # the worklists open on the year of the latest review

    log_in(page, "alice", password)
    page.goto(reverse("programs:worklists"))
    page.get_by_role("link", name="Miễn học phí và hỗ trợ chi phí học tập").click()
    table = page.get_by_test_id("worklist-table")
    row = table.get_by_role("row").filter(has_text="Lê Thị Bảy")
    expect(row).to_contain_text("DT-0201")
    row.get_by_role("link", name="Mở hồ sơ hộ").click()
    expect(page.get_by_role("heading", name="DT-0201", exact=False).first).to_be_visible()

    benefit_url = reverse("programs:benefit_create", args=[household.pk])
    page.locator(f'a[href="{benefit_url}"]').first.click()
    form = page.get_by_test_id("delivery-form")
    # Each choice reloads the form (htmx) with the eligibility verdict: wait until the new form
    # is in place each time, or a date typed meanwhile would be replaced by the reload.
    settled(page, lambda: form.locator("#id_programme").select_option("mien-hoc-phi"))
    # The reloaded form lists the pupil first, with the verdict for her.
    expect(page.locator("#id_member option").nth(1)).to_contain_text("Lê Thị Bảy")
    settled(page, lambda: page.locator("#id_member").select_option(str(pupil.pk)))
    expect(page.locator("#id_member")).to_have_value(str(pupil.pk))
    expect(page.get_by_test_id("eligibility")).to_contain_class("alert-success")
    # The date reloads the form too: the verdict is for the delivery date.
    settled(page, lambda: (page.locator("#id_date").fill("15/09/2017"), page.keyboard.press("Tab")))
    expect(page.get_by_test_id("eligibility")).to_contain_class("alert-success")
    page.get_by_test_id("delivery-form").get_by_role("button", name="Lưu khoản hỗ trợ").click()

    expect(page).to_have_url(reverse("households:detail", args=[household.pk]) + "#supports")
    benefit = Benefit.objects.get(household=household)
    assert (benefit.programme.code, benefit.member_id) == ("mien-hoc-phi", pupil.pk)

    page.goto(reverse("programs:worklist", args=["hoc-phi"]))
    expect(page.get_by_text("Không còn ai trong danh sách này.")).to_be_visible()
    expect(page.get_by_text("Lê Thị Bảy")).to_have_count(0)


def settled(page: Page, action: Callable[[], object]) -> None:
    """Run `action` and wait until htmx has swapped in and settled the reloaded form."""
    page.evaluate(
        "window.__settled = false; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__settled = true; }, {once: true})"
    )
    action()
    page.wait_for_function("() => window.__settled === true")
