"""The new-household form proposes the ward's next free code (issue 13: "the household code
must be invented by hand"), and a proposal someone used meanwhile is replaced, never saved
twice (`households.codes`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from households import codes
from households.codes import household_code, next_household_code, ward_prefixes
from households.models import Household, User, Ward
from households.services.registry import household_archive
from tests.factories import make_household, make_member, workspace_household_form

pytestmark = pytest.mark.django_db

CREATE = reverse("households:create")


def proposal_url() -> str:
    return reverse("households:code_proposal")


def registered(ward_code: str, *household_codes: str) -> list[Household]:
    found = []
    for number, code in enumerate(household_codes):
        household = make_household(ward_code, code=code, head_name=f"Nguyễn Văn Số {number}")
        make_member(household, full_name=f"Nguyễn Văn Số {number}", birth_year=1960 + number)
        found.append(household)
    return found


def new_household(
    unit: Ward, code: str, proposed: str, *, chosen: str | None = None
) -> dict[str, str]:
    """The form's data; `chosen` is the ward an administrator chose."""
    data = workspace_household_form(ward=unit, code=code, code_proposed=proposed)
    if chosen is not None:
        data["ward"] = chosen
    return data


def code_field(response: Any) -> tuple[str, str]:
    form = response.context["form"]
    return form["code"].value() or "", form["code_proposed"].value() or ""


# --- The next code -------------------------------------------------------------------------


def test_the_next_code_follows_the_highest_number_of_the_ward(duc_thang: Ward) -> None:
    assert next_household_code(duc_thang) == "DT-0001"
    registered("duc-thang", "DT-0003", "DT-0012", "dt-0007", "KP3/5")
    registered("tien-loi", "DT-0099", "TL-0040")
    assert next_household_code(duc_thang) == "DT-0013"
    assert next_household_code(Ward.objects.get(code="tien-loi")) == "TL-0041"


def test_an_archived_households_code_is_never_given_again(
    duc_thang: Ward, administrator: User
) -> None:
    _first, last = registered("duc-thang", "DT-0001", "DT-0020")
    household_archive(household=last, by=administrator, reason="Chuyển đi nơi khác")
    assert next_household_code(duc_thang) == "DT-0021"


def test_a_ward_numbering_its_own_way_keeps_its_prefix_and_width(duc_thang: Ward) -> None:
    registered("duc-thang", "DTH-00098", "DTH-00099", "DT-0005")
    assert next_household_code(duc_thang) == "DTH-00100"


def test_the_prefixes_are_the_initials_made_longer_where_they_clash() -> None:
    old = ["duc-thang", "phu-tai", "phu-thuy", "phu-trinh", "tien-loi"]
    merged = ["phuong-phan-thiet", "phuong-phu-thuy", "phuong-mui-ne"]
    assert ward_prefixes(old) == {
        "duc-thang": "DT",
        "phu-tai": "PTA",
        "phu-thuy": "PTH",
        "phu-trinh": "PTR",
        "tien-loi": "TL",
    }
    together = ward_prefixes(old + merged)
    assert len(set(together.values())) == len(together)
    assert {code: together[code] for code in old} == ward_prefixes(old)
    assert household_code("PMN", 7) == "PMN-0007"


# --- The form ------------------------------------------------------------------------------


def test_the_new_household_form_opens_with_the_next_free_code(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    registered("duc-thang", "DT-0012")
    client.force_login(ducthang_officer)
    response = client.get(CREATE)
    assert response.status_code == 200
    assert code_field(response) == ("DT-0013", "DT-0013")
    content = response.content.decode()
    assert 'value="DT-0013"' in content
    assert "Đã điền sẵn mã tiếp theo còn trống của phường/xã; có thể sửa." in content
    assert "hx-get" not in content.split('id="household-code"')[1].split(">")[0]

    response = client.post(CREATE, new_household(duc_thang, "DT-0013", "DT-0013"))
    assert response.status_code == 302
    assert Household.objects.filter(ward=duc_thang, code="DT-0013").exists()


def test_a_proposal_someone_used_meanwhile_is_replaced_and_nothing_saved(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    registered("duc-thang", "DT-0012")
    client.force_login(ducthang_officer)
    assert code_field(client.get(CREATE)) == ("DT-0013", "DT-0013")
    registered("duc-thang", "DT-0013")  # another officer saved first

    response = client.post(CREATE, new_household(duc_thang, "DT-0013", "DT-0013"))

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Mã DT-0013 không còn là mã tiếp theo còn trống của Phường Đức Thắng (vừa có người "
        "dùng mã này, hoặc đã chọn phường/xã khác): đã điền sẵn mã DT-0014. Hãy kiểm tra rồi "
        "bấm Lưu."
    ]
    assert code_field(response) == ("DT-0014", "DT-0014")
    assert Household.objects.filter(head_name="Võ Văn Mười").count() == 0
    response = client.post(CREATE, new_household(duc_thang, "DT-0014", "DT-0014"))
    assert response.status_code == 302
    assert Household.objects.get(head_name="Võ Văn Mười").code == "DT-0014"


def test_a_proposal_taken_between_the_check_and_the_save_is_replaced(
    client: Client, ducthang_officer: User, duc_thang: Ward, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The form's check ran before the other officer's insert; the database refuses this one.
    from households.forms import registry as forms_registry

    calls: list[Ward] = []

    def checked_before_the_other_insert(ward: Ward) -> str:
        calls.append(ward)
        return "DT-0013" if len(calls) == 1 else codes.next_household_code(ward)

    monkeypatch.setattr(forms_registry, "next_household_code", checked_before_the_other_insert)
    registered("duc-thang", "DT-0012", "DT-0013")
    client.force_login(ducthang_officer)

    response = client.post(CREATE, new_household(duc_thang, "DT-0013", "DT-0013"))

    assert response.status_code == 200
    assert response.context["form"].errors["code"][0].startswith("Mã DT-0013 không còn là mã")
    assert code_field(response) == ("DT-0014", "DT-0014")
    assert Household.objects.filter(code="DT-0013").count() == 1
    assert not Household.objects.filter(head_name="Võ Văn Mười").exists()


def test_a_typed_code_that_is_taken_is_kept_and_the_next_free_one_named(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    registered("duc-thang", "DT-0012", "DT-0005")
    client.force_login(ducthang_officer)
    response = client.post(CREATE, new_household(duc_thang, "DT-0005", "DT-0013"))
    assert response.context["form"].errors["code"] == [
        "Mã hộ này đã được dùng trong phường/xã này.",
        "Mã tiếp theo còn trống của Phường Đức Thắng là DT-0013.",
    ]
    assert code_field(response) == ("DT-0005", "DT-0013")
    assert Household.objects.count() == 2


def test_an_empty_code_gets_the_proposal_and_nothing_is_saved(
    client: Client, ducthang_officer: User, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    response = client.post(CREATE, new_household(duc_thang, "", ""))
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "Chưa nhập mã hộ: đã điền sẵn DT-0001, mã tiếp theo còn trống của Phường Đức Thắng. "
        "Hãy kiểm tra rồi bấm Lưu."
    ]
    assert code_field(response) == ("DT-0001", "DT-0001")
    assert not Household.objects.exists()


def test_an_administrator_gets_the_code_of_the_ward_chosen(
    client: Client, administrator: User, duc_thang: Ward, tien_loi: Ward
) -> None:
    registered("tien-loi", "TL-0040")
    client.force_login(administrator)
    response = client.get(CREATE)
    assert code_field(response) == ("", "")
    assert 'hx-get="/households/new/code/"' in response.content.decode()
    response = client.get(CREATE, {"ward": tien_loi.pk})
    assert code_field(response) == ("TL-0041", "TL-0041")
    assert response.context["form"]["ward"].value() == tien_loi.pk
    assert code_field(client.get(CREATE, {"ward": "abc"})) == ("", "")

    # The ward changed after the proposal, without JavaScript: proposed again, nothing saved.
    data = new_household(tien_loi, "DT-0001", "DT-0001", chosen=str(tien_loi.pk))
    response = client.post(CREATE, data)
    assert response.status_code == 200
    assert code_field(response) == ("TL-0041", "TL-0041")
    assert not Household.objects.filter(head_name="Võ Văn Mười").exists()
    data = new_household(tien_loi, "TL-0041", "TL-0041", chosen=str(tien_loi.pk))
    assert client.post(CREATE, data).status_code == 302
    assert Household.objects.get(head_name="Võ Văn Mười").ward == tien_loi

    # No ward chosen and no code: the ward is asked for.
    response = client.post(CREATE, new_household(tien_loi, "", "", chosen=""))
    assert response.context["form"].errors["code"] == [
        "Hãy chọn phường/xã: mã tiếp theo còn trống của phường/xã đó sẽ được điền sẵn."
    ]


# --- The code field for the ward chosen (htmx) ---------------------------------------------


def test_the_code_field_follows_the_ward_chosen(
    client: Client, administrator: User, tien_loi: Ward
) -> None:
    registered("tien-loi", "TL-0040")
    client.force_login(administrator)
    proposal = {"ward": tien_loi.pk, "code": "DT-0001", "code_proposed": "DT-0001"}
    response = client.get(proposal_url(), proposal)
    assert response.status_code == 200
    assert code_field(response) == ("TL-0041", "TL-0041")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="household-code"')
    assert 'value="TL-0041"' in content and "hx-get" in content
    # A code the officer typed stays; only the proposal follows the ward.
    typed = client.get(proposal_url(), {**proposal, "code": "TL-9/A"})
    assert code_field(typed) == ("TL-9/A", "TL-0041")
    assert code_field(client.get(proposal_url())) == ("", "")


def test_the_code_field_of_another_ward_or_no_ward_is_404(
    client: Client, ducthang_officer: User, administrator: User, tien_loi: Ward, duc_thang: Ward
) -> None:
    client.force_login(ducthang_officer)
    assert client.get(proposal_url(), {"ward": tien_loi.pk}).status_code == 404
    own = client.get(proposal_url(), {"ward": duc_thang.pk})
    assert code_field(own) == ("DT-0001", "DT-0001")
    client.force_login(administrator)
    assert client.get(proposal_url(), {"ward": "abc"}).status_code == 404
    assert client.get(proposal_url(), {"ward": "999999"}).status_code == 404
    assert client.post(proposal_url(), {"ward": tien_loi.pk}).status_code == 405


def test_the_code_field_needs_a_user_who_may_create(
    client: Client, city_reviewer: User, tien_loi: Ward
) -> None:
    response = client.get(proposal_url(), {"ward": tien_loi.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(city_reviewer)
    assert client.get(proposal_url(), {"ward": tien_loi.pk}).status_code == 403
