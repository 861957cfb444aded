"""The new-household form in Chromium: the code is proposed, and follows the ward an
administrator chooses (issue 13: "the household code must be invented by hand")."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from households.models import Household, User
from tests.browser.pages import log_in
from tests.factories import make_household

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_code_follows_the_ward_an_administrator_chooses(
    page: Page, administrator: User, password: str
) -> None:
    make_household("duc-thang", code="DT-0012")
    make_household("tien-loi", code="TL-0040")
    log_in(page, "root", password)
    page.goto("/households/new/")
    code, ward = page.get_by_label("Mã hộ"), page.get_by_label("Phường/xã")
    expect(code).to_have_value("")

    ward.select_option(label="Phường Đức Thắng")
    expect(code).to_have_value("DT-0013")
    # The swapped-in field listens for the next change once htmx has settled it (~20 ms): a
    # second choice made before then (no person is that quick) would ask nothing.
    expect(page.locator("#household-code")).not_to_have_class(re.compile("htmx-(added|settling)"))
    ward.select_option(label="Xã Tiến Lợi")
    expect(code).to_have_value("TL-0041")
    expect(page.locator("#household-code")).not_to_have_class(re.compile("htmx-(added|settling)"))

    # A code the officer typed is theirs: changing the ward leaves it.
    code.fill("TL-9/A")
    ward.select_option(label="Phường Đức Thắng")
    expect(page.locator("#id_code_proposed")).to_have_value("DT-0013")
    expect(code).to_have_value("TL-9/A")


def test_the_officer_saves_the_proposed_code(
    page: Page, ducthang_officer: User, password: str
) -> None:
    make_household("duc-thang", code="DT-0012")
    log_in(page, "alice", password)
    page.goto("/households/new/")
    expect(page.get_by_label("Mã hộ")).to_have_value("DT-0013")

    page.locator("#id_quarter").select_option(index=1)
    page.locator("#id_head_name").fill("Võ Văn Mười")
    page.locator("#id_address").fill("5 Thủ Khoa Huân")
    page.locator("#id_members-0-full_name").fill("Võ Văn Mười")
    page.locator("#id_members-0-sex").select_option("male")
    page.locator("#id_members-0-birth_year").fill("1970")
    page.get_by_role("button", name="Lưu").click()

    expect(page.get_by_role("alert").first).to_contain_text("Đã thêm hộ DT-0013 – Võ Văn Mười.")
    assert Household.objects.get(head_name="Võ Văn Mười").code == "DT-0013"
