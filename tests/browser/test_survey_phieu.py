"""Phiếu B1 on the survey in Chromium at tablet width (issue 12, item 2): the Tiến Lợi officer
chooses the score route, the typed income and Phiếu A step aside, the live preview follows the
running total as the answers are tapped, and the saved result shows the score and why.

The table is 0017's partial one: a score of 120 or 150 places nothing (the preview shows the
answers and says to type the income), 170 > 150 places the income above the lines.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from households.models import Assessment, User
from tests.browser.pages import log_in
from tests.factories import make_household, make_member, make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_scores_a_household_on_phieu_b1_while_the_preview_follows(
    page: Page, tienloi_officer: User, password: str
) -> None:
    make_round(2017)
    household = make_household("tien-loi", code="TL-0101", head_name="Trần Văn Bình")
    make_member(household, full_name="Trần Văn Bình")

    log_in(page, "charlie", password)
    page.goto(reverse("households:assessment_create", args=[household.pk]))
    income = page.get_by_label("Thu nhập bình quân người/tháng (đồng)")
    expect(income).to_be_visible()  # the typed income is the default route
    page.get_by_text("Ước tính bằng điểm Phiếu B1", exact=True).click()
    expect(income).to_be_hidden()
    expect(page.get_by_test_id("b1-partial")).to_contain_text("tối đa 170 điểm")
    expect(page.get_by_test_id("b1-not-offered")).to_have_count(0)
    expect(page.get_by_test_id("phieu-a")).to_be_hidden()

    items = page.get_by_test_id("b1-item")
    items.nth(0).get_by_text("3 người (40 điểm)").click()
    items.nth(1).get_by_text("Không có (15 điểm)").click()
    preview = page.locator("#survey-preview")
    expect(preview.get_by_test_id("b1-so-far")).to_contain_text("B1 hiện có: 55 điểm")
    expect(preview.get_by_test_id("b1-so-far")).to_contain_text("2/5")

    items.nth(2).get_by_text("Cao đẳng trở lên (15 điểm)").click()
    items.nth(3).get_by_text("Công chức, viên chức", exact=False).click()
    items.nth(4).get_by_text("1 người (25 điểm)").click()
    # 120 on a partial table: the answers shown as help, and why the score places nothing.
    expect(preview.get_by_test_id("b1-undetermined")).to_contain_text("B1 = 120 điểm")
    expect(preview.get_by_test_id("preview-error")).to_contain_text(
        "Bảng điểm B1 chưa đầy đủ (CHƯA XÁC MINH): 120 điểm không vượt 150"
    )
    expect(preview.get_by_test_id("preview-result")).to_have_count(0)

    items.nth(0).get_by_text("1 người (70 điểm)").click()  # 150: at the threshold, still not
    expect(preview.get_by_test_id("preview-error")).to_contain_text("150 điểm không vượt 150")
    items.nth(4).get_by_text("Từ 2 người trở lên (45 điểm)").click()  # 170 > 150
    expect(preview.get_by_test_id("b1-summary")).to_contain_text("B1 = 170 điểm")
    expect(preview.get_by_test_id("preview-result")).to_contain_text("Không thuộc diện nghèo")

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_test_id("b1-summary")).to_contain_text("B1 = 170 điểm")
    assessment = Assessment.objects.get(household=household)
    assert (assessment.income_route, assessment.b1_score, assessment.income_per_capita) == (
        "phieu_b",
        170,
        None,
    )
    assert (assessment.b1_band, assessment.status) == ("above", "not_poor")
