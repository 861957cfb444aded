"""The whole of issue 3 in Chromium at tablet width, as the people who use it would do it.

The Đức Thắng officer registers a household of four, enters its 2017 survey while the live
preview follows, submits it and records the community meeting and the public posting (7 working
days at least); the city Labour department may return it but not recognise it; the officer
records the ward chairman's decision with its signer; the Tiến Lợi officer cannot open it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from households.models import Assessment, Household, ReviewState, User
from tests.browser.pages import log_in, log_out
from tests.factories import make_round

pytestmark = [
    pytest.mark.browser,
    # The live server reads from its own thread: the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Four people; the youngest has no health-insurance card, so the roster makes the household
# deprived in health insurance (a child of 7 on the round's reference date, 01/09/2017).
MEMBERS = [
    {"name": "Trần Văn Bình", "sex": "male", "relation": "head", "year": "1975",
     "education": "lower_secondary", "card": "HN4600000000101", "school": False},
    {"name": "Nguyễn Thị Cúc", "sex": "female", "relation": "spouse", "year": "1978",
     "education": "lower_secondary", "card": "HN4600000000102", "school": False},
    {"name": "Trần Văn Dũng", "sex": "male", "relation": "child", "year": "2005",
     "education": "primary", "card": "HN4600000000103", "school": True},
    {"name": "Trần Thị Em", "sex": "female", "relation": "child", "year": "2010",
     "education": "none", "card": "", "school": True},
]  # fmt: skip


def _fill_member(page: Page, number: int, member: dict[str, object]) -> None:
    card = page.get_by_role("group", name=f"Thành viên {number}")
    card.get_by_label("Họ và tên").fill(str(member["name"]))
    card.get_by_label("Giới tính").select_option(str(member["sex"]))
    card.get_by_label("Quan hệ với chủ hộ").select_option(str(member["relation"]))
    card.get_by_label("Năm sinh").fill(str(member["year"]))
    card.get_by_label("Trình độ học vấn").select_option(str(member["education"]))
    card.get_by_label("Số thẻ bảo hiểm y tế").fill(str(member["card"]))
    if member["school"]:
        card.get_by_label("Đang đi học").check()


def test_officer_enters_a_survey_and_records_the_chairmans_decision(
    page: Page,
    ducthang_officer: User,
    city_reviewer: User,
    tienloi_officer: User,
    password: str,
) -> None:
    make_round(2017)

    # --- The Đức Thắng officer registers the household with its four members. -----------
    log_in(page, "alice", password)
    page.get_by_role("link", name="Thêm hộ mới").click()
    expect(page.get_by_role("heading", name="Thêm hộ mới")).to_be_visible()
    page.get_by_label("Khu phố/thôn").select_option(index=1)
    page.get_by_label("Mã hộ").fill("DT-0101")
    page.get_by_label(re.compile(r"^Chủ hộ")).fill("Trần Văn Bình")
    page.get_by_label("Địa chỉ").fill("15 Nguyễn Hội")

    # Rows are added in the page: a marker set now would be lost by a reload.
    page.evaluate("window.noReload = true")
    _fill_member(page, 1, MEMBERS[0])
    for number, member in enumerate(MEMBERS[1:], start=2):
        page.get_by_role("button", name="Thêm thành viên").click()
        card = page.get_by_role("group", name=f"Thành viên {number}")
        expect(card.get_by_label("Họ và tên")).to_be_focused()  # ready to type
        _fill_member(page, number, member)
    assert page.evaluate("window.noReload") is True
    page.get_by_role("button", name="Lưu", exact=True).click()

    expect(page.get_by_role("heading", name=re.compile("DT-0101"))).to_be_visible()
    household = Household.objects.get(code="DT-0101")
    assert household.members.count() == 4
    household_url = f"/households/{household.pk}/"
    expect(page).to_have_url(re.compile(f"{household_url}$"))

    # --- The survey, with the live preview following what is typed. --------------------
    page.get_by_role("link", name="Nhập phiếu khảo sát").first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Phiếu khảo sát hộ gia đình"))
    ).to_be_visible()
    insurance = page.get_by_label("Bảo hiểm y tế", exact=True)
    expect(insurance).to_be_checked()  # derived from the roster: the child without a card
    expect(insurance).to_be_disabled()
    expect(page.get_by_test_id("derived-health_insurance")).to_contain_text("Trần Thị Em")

    preview = page.locator("#survey-preview")
    page.get_by_label("Thu nhập bình quân người/tháng").fill("1.100.000")
    expect(preview).to_contain_text("Hộ cận nghèo")
    expect(preview).to_contain_text("Thiếu hụt 1/10 chỉ số")

    page.get_by_label("Hố xí/nhà tiêu hợp vệ sinh").check()
    page.get_by_label("Sử dụng dịch vụ viễn thông").check()
    expect(preview).to_contain_text("Hộ nghèo – nhóm N2")
    expect(preview).to_contain_text("1.100.000 đ")
    expect(preview).to_contain_text("Thiếu hụt 3/10 chỉ số")

    page.get_by_role("button", name="Lưu và nộp").click()

    expect(page).to_have_url(re.compile(f"{household_url}$"))
    assessment = Assessment.objects.get(household=household)
    assert (assessment.status, assessment.poor_group, assessment.deprivation_count) == (
        "poor",
        "N2",
        3,
    )
    assert assessment.state == ReviewState.SUBMITTED

    # --- The community meeting and the public posting, recorded by the officer. --------
    page.get_by_role("link", name="Ghi nhận họp dân").click()
    page.get_by_label("Ngày họp dân").fill("02/10/2017")
    page.get_by_label("Số người dự họp").fill("45")
    page.get_by_label("Tỷ lệ đồng ý (%)").fill("92")
    page.get_by_label("Biên bản họp").fill("Họp dân khu phố: 45 người dự, 92% đồng ý.")
    page.get_by_role("button", name="Lưu kết quả họp dân").click()
    expect(page).to_have_url(re.compile(f"{household_url}$"))

    page.get_by_role("link", name="Ghi nhận niêm yết công khai").click()
    # Thu 5 – Thu 12 October 2017 is 6 working days (5, 6, 9–12): one short of the 7 needed.
    page.get_by_label("Niêm yết từ ngày").fill("05/10/2017")
    page.get_by_label("Niêm yết đến ngày").fill("12/10/2017")
    page.get_by_role("button", name="Lưu thời gian niêm yết").click()
    expect(page.get_by_text("chỉ có 6 ngày làm việc")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.state == ReviewState.MEETING_HELD
    # Until Fri 13 October: 7 working days.
    page.get_by_label("Niêm yết đến ngày").fill("13/10/2017")
    page.get_by_role("button", name="Lưu thời gian niêm yết").click()
    expect(page).to_have_url(re.compile(f"{household_url}$"))
    assessment.refresh_from_db()
    assert assessment.state == ReviewState.POSTED
    log_out(page)

    # --- The city Labour department may return it, but the decision is not its own. ----
    log_in(page, "bob", password)
    page.goto(household_url)
    expect(page.get_by_role("link", name="Trả lại cán bộ phường, xã")).to_be_visible()
    expect(page.get_by_role("link", name="Ghi nhận quyết định công nhận")).to_have_count(0)
    log_out(page)

    # --- The officer records the ward chairman's decision, with who signed it. ----------
    log_in(page, "alice", password)
    page.goto(household_url)
    page.get_by_role("link", name="Ghi nhận quyết định công nhận").click()
    page.get_by_label("Số quyết định").fill("125/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("16/10/2017")
    page.get_by_label("Người ký").fill("Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng")
    page.get_by_role("button", name="Ghi nhận quyết định", exact=True).click()

    expect(page).to_have_url(re.compile(f"{household_url}$"))
    expect(page.get_by_text("Đã công nhận").first).to_be_visible()
    expect(
        page.get_by_text("Người ký: Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng").first
    ).to_be_visible()
    # The review's steps, read when their list is opened (htmx), each with who took it.
    steps = page.get_by_test_id("assessment").first.locator("details")
    expect(steps.locator("table")).to_have_count(0)
    steps.locator("summary").click()
    expect(steps.locator("tbody tr")).to_have_count(5)
    expect(steps.locator("tbody tr").last).to_contain_text("Công nhận theo quyết định")
    assessment.refresh_from_db()
    assert assessment.state == ReviewState.RECOGNISED
    assert (assessment.decision_number, assessment.decision_signer) == (
        "125/QĐ-UBND",
        "Nguyễn Văn Ánh – Chủ tịch UBND phường Đức Thắng",
    )
    log_out(page)

    # --- Another ward's officer cannot even see that the household exists. -------------
    log_in(page, "charlie", password)
    response = page.goto(household_url)
    assert response is not None
    assert response.status == 404
