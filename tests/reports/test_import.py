"""The Excel import of households with members (issue 5 §4): preview, confirm, every problem."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from households.models import Household, Member, User, Ward
from reports.imports import LAYOUT, import_households
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db

URL = reverse("reports:import")
EXPORT_URL = reverse("reports:household_list_xlsx")


def row(**values: Any) -> dict[str, Any]:
    """A head of household of Đức Thắng in the first quarter, with `values` changed."""
    return {
        "code": "DT-0100",
        "ward": "Đức Thắng",
        "quarter": Ward.objects.get(code="duc-thang")
        .quarters.order_by("display_order")
        .first()
        .name,
        "address": "5 Lê Lợi",
        "full_name": "Phạm Văn Dũng",
        "relation": "Chủ hộ",
        "sex": "Nam",
        "birth_year": "1968",
        **values,
    }


def xlsx(rows: list[dict[str, Any]], *, title: str = "Danh sách") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.append([str(column.header) for column in LAYOUT])
    for values in rows:
        sheet.append([values.get(column.field, "") for column in LAYOUT])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, content: bytes, **data: Any) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile("ho.xlsx", content), **data})


def problems_of(response: Any) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in response.context["result"].problems]


def test_preview_saves_nothing_then_confirm_imports_everything(
    client: Client, ducthang_officer: User
) -> None:
    client.force_login(ducthang_officer)
    content = xlsx(
        [
            row(date_of_birth="05/03/1968", birth_year="", national_id="060068000123"),
            row(full_name="Phạm Thị Em", relation="Con", sex="Nữ", birth_year="2006",
                attends_school="Có"),
            row(code="DT-0101", full_name="Lê Văn Giang", phone="0912345678"),
        ]
    )  # fmt: skip

    preview = upload(client, content)

    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.is_valid
    assert [(h.code, h.head_name, h.members) for h in result.households] == [
        ("DT-0100", "Phạm Văn Dũng", 2),
        ("DT-0101", "Lê Văn Giang", 1),
    ]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0

    confirmed = client.post(URL, {"token": preview.context["token"]})

    assert confirmed.status_code == 302
    household = Household.objects.get(code="DT-0100")
    assert household.head_name == "Phạm Văn Dũng"
    assert household.ward.code == "duc-thang"
    members = {m.full_name: m for m in household.members.all()}
    assert members["Phạm Văn Dũng"].date_of_birth == datetime.date(1968, 3, 5)
    assert members["Phạm Văn Dũng"].national_id == "060068000123"
    assert members["Phạm Thị Em"].relation == Member.Relation.CHILD
    assert members["Phạm Thị Em"].attends_school is True
    assert Household.objects.get(code="DT-0101").phone == "0912345678"
    # The token is spent: a second confirmation imports nothing twice.
    again = client.post(URL, {"token": preview.context["token"]}, follow=True)
    assert Household.objects.count() == 2
    assert "hết hạn" in again.content.decode()


def test_an_invalid_file_saves_nothing_and_lists_every_problem(
    client: Client, ducthang_officer: User
) -> None:
    make_household(code="DT-0001")
    client.force_login(ducthang_officer)
    content = xlsx(
        [
            row(national_id="12345"),  # row 3
            row(full_name="Phạm Thị Em", relation="Chủ hộ", sex="Nữ", birth_year="1970"),  # 4
            row(code="DT-0102", full_name="Võ Văn Hải", date_of_birth="31/02/1980"),  # 5
            row(code="DT-0103", full_name="Đỗ Văn Ích", quarter="Khu phố 99"),  # 6
            row(code="DT-0106", full_name="Ngô Văn Khoa", birth_year="2099"),  # 7: future
            row(code="DT-0104", full_name="Lý Thị Lan", relation="Con", sex="Nữ"),  # 8: no head
            row(code="DT-0105", full_name="Trương Văn Minh", sex="Không rõ"),  # 9
        ]
    )

    response = upload(client, content)

    problems = problems_of(response)
    columns = {(r, c) for r, c, _m in problems}
    assert (3, "Số CMND / CCCD") in columns or any(r == 3 and "CMND" in c for r, c, _ in problems)
    assert any(r == 3 and "9 chữ số" in m for r, _c, m in problems)
    assert any(r == 3 and "chủ hộ" in m.lower() for r, _c, m in problems)  # two heads
    assert any(r == 5 and "dd/mm/yyyy" in m for r, _c, m in problems)
    assert any(r == 6 and "Khu phố 99" in m for r, _c, m in problems)
    assert any(r == 7 for r, _c, _m in problems)
    assert any(r == 8 and "chủ hộ" in m.lower() for r, _c, m in problems)
    assert any(r == 9 and "Không rõ" in m for r, _c, m in problems)
    assert "token" not in response.context or not response.context["token"]
    assert Household.objects.count() == 1
    assert Member.objects.count() == 0
    assert "không có gì được lưu" in response.content.decode().lower()


def test_a_national_id_of_another_ward_is_a_duplicate_without_naming_it(
    client: Client, ducthang_officer: User
) -> None:
    other = make_household("tien-loi", code="TL-0001", head_name="Lê Thị Hoa")
    make_member(other, full_name="Lê Thị Hoa", sex=Member.Sex.FEMALE, national_id="060070000001")
    own = make_household(code="DT-0001", head_name="Nguyễn Văn An")
    make_member(own, full_name="Nguyễn Văn An", national_id="060070000002")
    client.force_login(ducthang_officer)
    content = xlsx(
        [
            row(national_id="060070000001"),
            row(code="DT-0101", full_name="Lê Văn Giang", national_id="060070000002"),
            row(code="DT-0102", full_name="Hồ Văn Long", national_id="060070000009"),
            row(code="DT-0103", full_name="Hồ Thị Mai", sex="Nữ", national_id="060070000009"),
        ]
    )

    problems = problems_of(upload(client, content))

    messages = {r: m for r, _c, m in problems}
    assert "phường khác" in messages[3] or "xã khác" in messages[3]
    assert "TL-0001" not in messages[3]
    assert "DT-0001" in messages[4]  # own ward: the household is named
    assert "DT-0102" in messages[6]  # the same number twice in the file
    assert Household.objects.count() == 2


def test_the_same_head_registered_twice_is_flagged(client: Client, ducthang_officer: User) -> None:
    household = make_household(code="DT-0001", head_name="Phạm Văn Dũng")
    make_member(household, full_name="Phạm Văn Dũng", birth_year=1968)
    client.force_login(ducthang_officer)

    problems = problems_of(upload(client, xlsx([row()])))

    assert len(problems) == 1
    assert problems[0][0] == 3
    assert "DT-0001" in problems[0][2]
    assert Household.objects.count() == 1


def test_an_officer_cannot_import_into_another_ward(client: Client, tienloi_officer: User) -> None:
    client.force_login(tienloi_officer)

    response = upload(client, xlsx([row()]))

    problems = problems_of(response)
    assert problems[0][0] == 3
    assert problems[0][1] == "Phường/xã"
    assert "Tiến Lợi" in problems[0][2]
    assert Household.objects.count() == 0


def test_an_administrator_chooses_the_ward(client: Client, administrator: User) -> None:
    duc_thang = Ward.objects.get(code="duc-thang")
    client.force_login(administrator)

    no_ward = upload(client, xlsx([row()]))
    assert no_ward.context["form"].errors["ward"]

    preview = upload(client, xlsx([row()]), ward=duc_thang.pk)
    assert preview.context["result"].is_valid
    client.post(URL, {"token": preview.context["token"]})
    assert Household.objects.get().ward == duc_thang


def test_export_then_import_round_trips(client: Client, ducthang_officer: User) -> None:
    household = make_household(
        code="DT-0007", head_name="Nguyễn Thị Hồng", phone="0987654321", is_female_headed=True
    )
    make_member(
        household,
        full_name="Nguyễn Thị Hồng",
        sex=Member.Sex.FEMALE,
        date_of_birth=datetime.date(1980, 7, 9),
        birth_year=1980,
        national_id="060080000777",
        health_insurance_expiry=datetime.date(2018, 12, 31),
    )
    make_member(
        household,
        full_name="Trần Văn Khang",
        relation=Member.Relation.CHILD,
        birth_year=2010,
        attends_school=True,
        education_level=Member.Education.PRIMARY,
        disability=Member.Disability.MILD,
        occupation="Học sinh",
    )
    fields = ["full_name", "sex", "date_of_birth", "birth_year", "relation", "national_id",
              "ethnicity", "education_level", "attends_school", "health_insurance_number",
              "health_insurance_expiry", "disability", "work_ability", "occupation"]  # fmt: skip
    before_household = Household.objects.values(
        "code", "head_name", "address", "phone", "quarter", "is_female_headed", "is_merit_family"
    ).get()
    before_members = sorted(Member.objects.values_list(*fields))
    client.force_login(ducthang_officer)
    exported = b"".join(client.get(EXPORT_URL, {"members": "1"}).streaming_content)
    Household.objects.all().delete()

    preview = upload(client, exported)
    assert problems_of(preview) == []
    client.post(URL, {"token": preview.context["token"]})

    assert (
        Household.objects.values(
            "code", "head_name", "address", "phone", "quarter", "is_female_headed",
            "is_merit_family",
        ).get()
        == before_household
    )  # fmt: skip
    assert sorted(Member.objects.values_list(*fields)) == before_members


def test_an_exported_file_corrected_and_imported_back_updates_the_households(
    client: Client, ducthang_officer: User
) -> None:
    household = make_household(code="DT-0007", head_name="Nguyễn Thị Hồng")
    head = make_member(
        household, full_name="Nguyễn Thị Hồng", sex=Member.Sex.FEMALE, national_id="060080000777"
    )
    child = make_member(
        household, full_name="Trần Văn Khang", relation=Member.Relation.CHILD, birth_year=2010
    )
    client.force_login(ducthang_officer)
    exported = b"".join(client.get(EXPORT_URL, {"members": "1"}).streaming_content)

    # The officer corrects the file: the child now works, and a newborn is added.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exported))
    sheet = book.active
    headers = [cell.value for cell in sheet[2]]
    occupation = headers.index(str(next(c for c in LAYOUT if c.field == "occupation").header))
    name = headers.index(str(next(c for c in LAYOUT if c.field == "full_name").header))
    child_row = next(r for r in sheet.iter_rows(min_row=3) if r[name].value == "Trần Văn Khang")
    child_row[occupation].value = "Thợ may"
    newborn = [cell.value for cell in child_row]
    newborn[name] = "Trần Thị Bé"
    newborn[headers.index(str(next(c for c in LAYOUT if c.field == "birth_year").header))] = 2017
    sheet.append(newborn)
    buffer = io.BytesIO()
    book.save(buffer)

    preview = upload(client, buffer.getvalue())
    assert problems_of(preview) == []
    assert [h.updated for h in preview.context["result"].households] == [True]
    client.post(URL, {"token": preview.context["token"]})

    assert Household.objects.count() == 1
    household.refresh_from_db()
    assert sorted(household.members.values_list("full_name", flat=True)) == [
        "Nguyễn Thị Hồng",
        "Trần Thị Bé",
        "Trần Văn Khang",
    ]
    child.refresh_from_db()
    assert child.occupation == "Thợ may"
    head.refresh_from_db()
    assert head.national_id == "060080000777"
    assert child.history.first().history_user == ducthang_officer


def test_not_an_excel_file_is_a_clear_error(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)

    wrong_name = client.post(URL, {"file": SimpleUploadedFile("ho.csv", b"a,b")})
    assert ".xlsx" in wrong_name.context["form"].errors["file"][0]

    broken = client.post(URL, {"file": SimpleUploadedFile("ho.xlsx", b"not a zip")})
    assert "Excel" in problems_of(broken)[0][2]
    assert Household.objects.count() == 0


def test_a_forged_token_imports_nothing(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    response = client.post(URL, {"token": "x:y:z"})
    assert response.status_code == 302
    assert Household.objects.count() == 0


def test_another_users_token_imports_nothing(
    client: Client, ducthang_officer: User, administrator: User
) -> None:
    client.force_login(ducthang_officer)
    token = upload(client, xlsx([row()])).context["token"]
    client.force_login(administrator)
    client.post(URL, {"token": token})
    assert Household.objects.count() == 0


def test_the_page_and_template(client: Client, ducthang_officer: User) -> None:
    client.force_login(ducthang_officer)
    page = client.get(URL)
    assert page.status_code == 200
    assert re.search(r"Tải mẫu", page.content.decode())
    template = client.get(reverse("reports:import_template"))
    content = b"".join(template.streaming_content)
    # The template's example is itself a valid file for this ward.
    result = import_households(io.BytesIO(content), user=ducthang_officer,
                               ward=ducthang_officer.ward, commit=False)  # fmt: skip
    assert [p.message for p in result.problems if "Khu phố" not in p.column] == []


def test_anonymous_is_sent_to_login(client: Client) -> None:
    for url in (URL, reverse("reports:import_template")):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["city_reviewer", "agency_user", "committee_member"])
def test_only_officers_and_administrators_import(
    client: Client, persona: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert upload(client, b"x").status_code == 403
    assert client.get(reverse("reports:import_template")).status_code == 403
