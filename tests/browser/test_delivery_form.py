"""Issue 13 B in Chromium: the benefit form keeps what was typed when the programme changes, and
recording a health-insurance card records the card on the member.

The Đức Thắng officer opens the benefit form of a poor household, types a decision number and a
note, chooses the card programme (the form reloads with the verdict and the card's boxes),
types the card, then changes the programme while typing in the note: the reload, held back until
the typing is done, keeps every box as typed and the focus in the note. Back on the card
programme the card is still there; the save records the card on the member, and the household
page shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, Route, expect

from households.models import Member, User
from programs.models import Benefit
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_recognised

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "benefit-card"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret would inject a style the Content-Security-Policy blocks.
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def settled(page: Page, action: Callable[[], object]) -> None:
    """Run `action` and wait until htmx has swapped in and settled the reloaded form."""
    page.evaluate(
        "window.__settled = false; document.body.addEventListener("
        "'htmx:afterSettle', () => { window.__settled = true; }, {once: true})"
    )
    action()
    page.wait_for_function("() => window.__settled === true")


def test_changing_the_programme_keeps_what_was_typed_and_the_card_is_recorded(
    page: Page, ducthang_officer: User, password: str
) -> None:
    household = make_household(code="DT-0301", head_name="Trần Văn Hai")
    make_member(household, full_name="Trần Văn Hai", birth_year=1970)
    son = make_member(
        household,
        full_name="Trần Văn Ba",
        relation=Member.Relation.CHILD,
        birth_year=2000,
        health_insurance_number="",
    )
    make_recognised(household, 800_000, year=2016)  # poor on the list in force in 2017

    log_in(page, "alice", password)
    page.goto(reverse("programs:benefit_create", args=[household.pk]))
    form = page.get_by_test_id("delivery-form")
    page.locator("#id_reference").fill("45/QĐ-UBND")
    page.locator("#id_note").fill("Phát tại nhà văn hóa khu phố")
    expect(page.locator("[data-card-fields]")).to_be_hidden()

    settled(page, lambda: form.locator("#id_programme").select_option("bhyt-ngheo"))
    expect(page.locator("#id_reference")).to_have_value("45/QĐ-UBND")
    expect(page.locator("#id_note")).to_have_value("Phát tại nhà văn hóa khu phố")
    expect(page.get_by_label("Số thẻ BHYT")).to_be_visible()
    settled(page, lambda: page.locator("#id_member").select_option(str(son.pk)))
    settled(page, lambda: (page.locator("#id_date").fill("15/10/2017"), page.keyboard.press("Tab")))
    expect(page.get_by_test_id("eligibility")).to_contain_class("alert-success")
    page.get_by_label("Số thẻ BHYT").fill("HN4601234567890")
    page.get_by_label("Thẻ có giá trị sử dụng đến").fill("31/12/2018")

    # The next reload is held back while the officer goes on typing in the note.
    held: list[Route] = []

    def hold(route: Route) -> None:
        if route.request.headers.get("hx-request") == "true":
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r".*/benefits/new/(\?.*)?$"), hold)
    form.locator("#id_programme").select_option("ho-tro-tien-dien")
    note = page.locator("#id_note")
    note.click()
    note.press("End")
    note.press_sequentially(", có ký nhận")
    for _ in range(50):  # the reload was sent on the change, before the typing
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    settled(page, held[0].continue_)
    page.unroute(re.compile(r".*/benefits/new/(\?.*)?$"))

    expect(note).to_have_value("Phát tại nhà văn hóa khu phố, có ký nhận")
    expect(note).to_be_focused()
    expect(page.locator("#id_reference")).to_have_value("45/QĐ-UBND")
    expect(page.locator("[data-card-fields]")).to_be_hidden()
    expect(page.locator("#id_amount")).to_have_value("46.000")  # the usual amount, not typed
    shot(page, "1-programme-changed-while-typing")

    # Back on the card programme: the card typed before is still there.
    settled(page, lambda: form.locator("#id_programme").select_option("bhyt-ngheo"))
    expect(page.get_by_label("Số thẻ BHYT")).to_have_value("HN4601234567890")
    expect(page.get_by_label("Thẻ có giá trị sử dụng đến")).to_have_value("31/12/2018")
    expect(page.locator("#id_member")).to_have_value(str(son.pk))
    page.locator("#id_amount").fill("")
    shot(page, "2-card-programme-again")
    form.locator("button[type=submit]").first.click()

    expect(page).to_have_url(reverse("households:detail", args=[household.pk]) + "#supports")
    benefit = Benefit.objects.get(household=household)
    assert (benefit.programme.code, benefit.member_id) == ("bhyt-ngheo", son.pk)
    assert (benefit.reference, benefit.note) == (
        "45/QĐ-UBND",
        "Phát tại nhà văn hóa khu phố, có ký nhận",
    )
    expect(page.get_by_role("row").filter(has_text="Trần Văn Ba").first).to_contain_text(
        "HN4601234567890 hạn đến 31/12/2018"
    )
    shot(page, "3-household-page")
