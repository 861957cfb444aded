"""Signing in and out in Chromium at tablet width, in Vietnamese, and switching to English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from households.models import User
from tests.browser.pages import log_in, log_out

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_login_wrong_password_then_login_and_logout(
    page: Page, ducthang_officer: User, password: str
) -> None:
    page.goto("/households/")

    # Sent to the login page, in Vietnamese, which will bring the officer back.
    expect(page).to_have_url(re.compile(r"/login/\?next=/households/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()

    page.get_by_label("Tên đăng nhập").fill("alice")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("alice")
    expect(page.get_by_label("Mật khẩu")).to_be_focused()  # only the password to type again

    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_label("Mật khẩu").press("Enter")  # the keyboard is enough

    expect(page).to_have_url(re.compile(r"/households/$"))
    expect(page.get_by_test_id("user-menu")).to_contain_text("Phường Đức Thắng")

    log_out(page)

    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("alert")).to_contain_text("Bạn đã đăng xuất.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_the_login_page_switches_to_english_and_back(page: Page, ducthang_officer: User) -> None:
    page.goto("/login/")

    page.get_by_label("Ngôn ngữ").select_option("en")

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("vi")

    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_signing_in_at_tablet_width_shows_the_home_page(
    page: Page, ducthang_officer: User, password: str
) -> None:
    log_in(page, "alice", password)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Phường Đức Thắng")).to_be_visible()
    # At 768 px the navigation folds into the menu button.
    expect(page.get_by_role("button", name="Trình đơn")).to_be_visible()
    page.get_by_role("button", name="Trình đơn").click()
    expect(page.get_by_role("link", name="Danh sách hộ").first).to_be_visible()
