"""The Excel round trip of a unit formed by the 2025 merger (issue 13 B): its officer exports
households registered in the units merged into it, some named like units of the other map
("Mũi Né" was a ward in 2016 and is one in 2025), and imports the file back."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from households.models import Household, Member, User, Ward
from reports.imports import BY_FIELD, RowChange, import_households
from tests.factories import make_household, make_member, make_user
from tests.reports.test_import import row, xlsx
from tests.reports.test_import_roundtrip import (
    URL,
    dry_run,
    edited,
    exported,
    problems_of,
    saved_state,
)

pytestmark = pytest.mark.django_db

WARD = str(BY_FIELD["ward"].header)
QUARTER = str(BY_FIELD["quarter"].header)


def unit(code: str) -> Ward:
    return Ward.objects.get(code=code)


def first_quarter(code: str) -> Any:
    return unit(code).quarters.order_by("display_order").first()


def household(code: str, head: str, ward_code: str, **extra: Any) -> Household:
    found = make_household(ward_code, code=code, head_name=head, **extra)
    make_member(found, full_name=head, birth_year=1968)
    make_member(found, full_name=f"Con của {head}", relation=Member.Relation.CHILD, birth_year=1995)
    return found


def officer(ward_code: str) -> User:
    return make_user(f"officer-{ward_code}", role=User.Role.WARD_OFFICER, ward=unit(ward_code))


def column(content: bytes, header: str) -> dict[str, Any]:
    """Household code → the value of `header` on its rows."""
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[2]]
    return {
        values[0]: values[headers.index(header)]
        for values in sheet.iter_rows(min_row=3, values_only=True)
    }


@pytest.fixture
def phan_thiet() -> User:
    """The officer of P. Phan Thiết (from 01/07/2025: Phú Trinh, Lạc Đạo, Bình Hưng, ...), with
    households registered in two of them and one registered since the merger in P. Phan Thiết
    itself, in a quarter of Phú Trinh (as the household form registers it)."""
    household("PT-0001", "Nguyễn Văn An", "phu-trinh")
    household("LD-0001", "Trần Thị Bình", "lac-dao")
    household("PPT-0001", "Lê Văn Cường", "phuong-phan-thiet", quarter=first_quarter("phu-trinh"))
    return officer("phuong-phan-thiet")


@pytest.fixture
def mui_ne() -> User:
    """The officer of P. Mũi Né, which took over the 2016 ward of the same name."""
    household("MN-0001", "Phạm Văn Dũng", "mui-ne")
    household("PMN-0001", "Võ Thị Em", "phuong-mui-ne", quarter=first_quarter("mui-ne"))
    return officer("phuong-mui-ne")


def test_a_merged_units_officer_imports_their_export_back_unchanged(
    client: Client, phan_thiet: User
) -> None:
    client.force_login(phan_thiet)
    content = exported(client)
    quarter = first_quarter("phu-trinh").name
    assert column(content, WARD) == {
        "LD-0001": "Lạc Đạo",
        "PPT-0001": "Phan Thiết",
        "PT-0001": "Phú Trinh",
    }
    assert column(content, QUARTER)["PPT-0001"] == f"{quarter}, Phú Trinh"
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == []
    changes = response.context["result"].changes
    assert len(changes) == 6
    assert {c.kind for c in changes} == {RowChange.UNCHANGED}
    assert saved_state() == before


def test_an_edited_cell_is_applied_where_the_household_is_registered(
    client: Client, phan_thiet: User
) -> None:
    client.force_login(phan_thiet)
    content = edited(
        exported(client),
        {
            ("PT-0001", None, BY_FIELD["address"].header): "99 Nguyễn Hội",
            ("PPT-0001", None, BY_FIELD["phone"].header): "0912345678",
        },
    )

    response = dry_run(client, content)

    assert problems_of(response) == []
    changed = [c.code for c in response.context["result"].changes if c.kind != RowChange.UNCHANGED]
    assert changed == ["PT-0001", "PPT-0001"]
    assert client.post(URL, {"token": response.context["token"]}).status_code == 302
    an = Household.objects.get(code="PT-0001")
    assert (an.ward.code, an.address) == ("phu-trinh", "99 Nguyễn Hội")
    cường = Household.objects.get(code="PPT-0001")
    assert (cường.ward.code, cường.quarter.ward.code, cường.phone) == (
        "phuong-phan-thiet",
        "phu-trinh",
        "0912345678",
    )
    assert Household.objects.count() == 3


def test_a_name_two_units_share_is_written_with_its_parent_and_read_back(
    client: Client, mui_ne: User
) -> None:
    client.force_login(mui_ne)
    content = exported(client)
    assert column(content, WARD) == {
        "MN-0001": "Mũi Né (Thành phố Phan Thiết)",
        "PMN-0001": "Mũi Né (Tỉnh Lâm Đồng)",
    }
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == []
    assert {c.kind for c in response.context["result"].changes} == {RowChange.UNCHANGED}
    assert saved_state() == before


def test_an_older_file_with_the_plain_name_reads_the_officers_former_unit(
    client: Client, mui_ne: User
) -> None:
    # Files exported before the labels wrote "Mũi Né" for the 2016 ward's households.
    client.force_login(mui_ne)
    content = edited(exported(client), {("MN-0001", None, WARD): "Mũi Né"})

    response = dry_run(client, content)

    assert problems_of(response) == []
    assert {c.kind for c in response.context["result"].changes} == {RowChange.UNCHANGED}


def test_a_shared_name_outside_the_wards_units_names_the_choices(phan_thiet: User) -> None:
    # Neither Mũi Né is P. Phan Thiết's: which one is not guessed (the city's import alike).
    content = xlsx([row(code="MN-0002", ward="Mũi Né", quarter=first_quarter("mui-ne").name)])
    ambiguous = (
        "“Mũi Né” là tên của nhiều phường / xã: “Mũi Né (Thành phố Phan Thiết)”, “Mũi Né "
        "(Tỉnh Lâm Đồng)”. Hãy ghi một trong số đó."
    )

    for user, ward in ((phan_thiet, phan_thiet.ward), (None, None)):
        result = import_households(io.BytesIO(content), user=user, ward=ward, commit=True)
        assert [(p.row, p.column, p.message) for p in result.problems] == [(3, WARD, ambiguous)]
    assert not Household.objects.filter(code="MN-0002").exists()


def test_the_city_import_names_the_unit_with_its_parent(administrator: User) -> None:
    content = xlsx(
        [
            row(
                code="MN-0002",
                ward="Mũi Né (Thành phố Phan Thiết)",
                quarter=first_quarter("mui-ne").name,
            )
        ]
    )

    result = import_households(io.BytesIO(content), user=None, ward=None, commit=True)

    assert result.problems == []
    assert Household.objects.get(code="MN-0002").ward.code == "mui-ne"


def test_a_new_household_in_a_former_unit_is_refused_with_where_to_register_it(
    client: Client, phan_thiet: User
) -> None:
    client.force_login(phan_thiet)
    content = edited(exported(client), {("PT-0001", None, BY_FIELD["code"].header): "PT-0099"})
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == [
        (
            5,
            WARD,
            "Phường Phú Trinh đã kết thúc ngày 30/06/2025 và được sáp nhập vào Phường Phan "
            "Thiết: hộ mới được đăng ký vào Phường Phan Thiết. Hãy ghi “Phan Thiết” vào cột "
            "này.",
        )
    ]
    assert saved_state() == before


def test_a_new_household_of_the_merged_unit_names_its_quarter_with_its_former_unit(
    client: Client, phan_thiet: User
) -> None:
    client.force_login(phan_thiet)
    quarter = first_quarter("phu-trinh")
    new = row(code="PPT-0002", ward="Phan Thiết", quarter=quarter.name)

    # Every former unit of P. Phan Thiết has a "Khu phố 1".
    response = dry_run(client, xlsx([new]))

    (problem,) = problems_of(response)
    assert problem[:2] == (3, QUARTER)
    assert problem[2].startswith(
        f"“{quarter.name}” là tên của nhiều khu phố / thôn của Phường Phan Thiết: "
    )
    assert f"“{quarter.name}, Phú Trinh”" in problem[2]
    assert f"“{quarter.name}, Lạc Đạo”" in problem[2]
    assert problem[2].endswith("Hãy ghi một trong số đó.")

    response = dry_run(client, xlsx([{**new, "quarter": f"{quarter.name}, Phú Trinh"}]))

    assert problems_of(response) == []
    client.post(URL, {"token": response.context["token"]})
    added = Household.objects.get(code="PPT-0002")
    assert (added.ward.code, added.quarter) == ("phuong-phan-thiet", quarter)


def test_another_wards_officer_cannot_import_them(
    client: Client, phan_thiet: User, tienloi_officer: User
) -> None:
    client.force_login(phan_thiet)
    content = exported(client)
    client.force_login(tienloi_officer)
    before = saved_state()

    response = dry_run(client, content)

    problems = problems_of(response)
    assert len(problems) == 6
    assert problems[0] == (
        3,
        WARD,
        "Dòng này thuộc Phường Lạc Đạo: lần nhập này chỉ dành cho Xã Tiến Lợi.",
    )
    assert saved_state() == before


def test_a_former_units_own_officer_imports_only_that_unit(
    client: Client, phan_thiet: User
) -> None:
    # An officer still attached to Phú Trinh keeps its households, not the merged ward's.
    client.force_login(phan_thiet)
    content = exported(client)
    client.force_login(officer("phu-trinh"))

    response = dry_run(client, content)

    assert {(number, header) for number, header, _message in problems_of(response)} == {
        (3, WARD),  # Lạc Đạo
        (4, WARD),
        (7, WARD),  # P. Phan Thiết
        (8, WARD),
    }
