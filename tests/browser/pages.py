"""Steps every browser test takes the way a person would: signing in and out."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def log_in(page: Page, username: str, password: str) -> None:
    """Sign in through the login page, as a person would."""
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def log_out(page: Page) -> None:
    """Sign out through the menu; at tablet width the menu first needs opening."""
    toggler = page.get_by_role("button", name="Trình đơn")
    if toggler.is_visible():
        toggler.click()
        # The menu slides open (Bootstrap's collapse): a click on the user menu while it still
        # moves could be lost on a busy machine, leaving the sign-out button hidden.
        expect(page.locator("#main-nav.show:not(.collapsing)")).to_be_visible()
    sign_out = page.get_by_role("button", name="Đăng xuất")
    for attempt in range(2):
        page.get_by_test_id("user-menu").click()
        try:
            expect(sign_out).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            if attempt:
                raise
    sign_out.click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
