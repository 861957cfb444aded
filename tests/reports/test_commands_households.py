"""`manage.py export_households` and `manage.py import_households` (issue 5 §5)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from households.models import Household, Member, PovertyStatus
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db


def two_wards() -> None:
    review_round = make_round(2017)
    poor = make_household(code="DT-0001", head_name="Nguyễn Văn An")
    make_member(poor, full_name="Nguyễn Văn An")
    make_assessment(poor, review_round=review_round, income_per_capita=800_000)
    better = make_household(code="DT-0002", head_name="Trần Văn Bình")
    make_member(better, full_name="Trần Văn Bình", birth_year=1960)
    make_assessment(better, review_round=review_round, income_per_capita=3_000_000)
    other = make_household("tien-loi", code="TL-0001", head_name="Lê Thị Hoa")
    make_member(other, full_name="Lê Thị Hoa", sex=Member.Sex.FEMALE)


def test_export_households_xlsx_of_one_ward_and_status(tmp_path: Path) -> None:
    two_wards()
    output = tmp_path / "ho.xlsx"
    stdout = io.StringIO()

    call_command(
        "export_households", "--year", "2017", "--unit", "duc-thang", "--status",
        PovertyStatus.POOR, "--format", "xlsx", "--output", str(output), stdout=stdout,
    )  # fmt: skip

    sheet = load_workbook(output).active
    assert "Đức Thắng" in sheet["A1"].value
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["DT-0001"]
    assert stdout.getvalue().strip() == f"Đã ghi 1 dòng vào {output}."


def test_export_households_pdf(tmp_path: Path) -> None:
    two_wards()
    output = tmp_path / "ho.pdf"

    call_command(
        "export_households", "--year", "2017", "--format", "pdf", "--output", str(output),
        stdout=io.StringIO(),
    )  # fmt: skip

    assert output.read_bytes().startswith(b"%PDF")


def test_export_households_refuses_an_unknown_year_or_unit(tmp_path: Path) -> None:
    two_wards()
    with pytest.raises(CommandError):
        call_command("export_households", "--year", "2030", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError):
        call_command(
            "export_households", "--year", "2017", "--unit", "nowhere", "--output",
            str(tmp_path / "x"),
        )  # fmt: skip


def test_export_then_import_with_the_commands(tmp_path: Path) -> None:
    two_wards()
    output = tmp_path / "ho.xlsx"
    call_command(
        "export_households", "--year", "2017", "--unit", "tien-loi", "--members",
        "--output", str(output), stdout=io.StringIO(),
    )  # fmt: skip
    Household.objects.filter(ward__code="tien-loi").delete()

    dry = io.StringIO()
    call_command("import_households", str(output), "--unit", "tien-loi", "--dry-run", stdout=dry)
    assert dry.getvalue().strip() == (
        "Đã kiểm tra, chưa lưu gì: sẽ nhập 1 hộ với 1 thành viên từ 1 dòng."
    )
    assert not Household.objects.filter(ward__code="tien-loi").exists()

    done = io.StringIO()
    call_command("import_households", str(output), "--unit", "tien-loi", stdout=done)
    assert done.getvalue().strip() == "Đã nhập 1 hộ với 1 thành viên từ 1 dòng."
    household = Household.objects.get(ward__code="tien-loi")
    assert household.head_name == "Lê Thị Hoa"
    assert household.members.get().sex == Member.Sex.FEMALE


def test_import_households_fails_and_saves_nothing_on_any_invalid_row(tmp_path: Path) -> None:
    two_wards()
    output = tmp_path / "ho.xlsx"
    call_command(
        "export_households", "--year", "2017", "--unit", "duc-thang", "--members",
        "--output", str(output), stdout=io.StringIO(),
    )  # fmt: skip
    # Two mistakes typed into the exported file: a short ID number and an unknown quarter.
    book = load_workbook(output)
    sheet = book.active
    headers = [cell.value for cell in sheet[2]]
    sheet.cell(row=3, column=headers.index("Số CMND/CCCD") + 1, value="12345")
    sheet.cell(row=4, column=headers.index("Khu phố/thôn") + 1, value="Khu phố 99")
    book.save(output)
    before = (Household.objects.count(), Member.objects.count())
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"^2 lỗi: không có gì được nhập\.$"):
        call_command("import_households", str(output), "--unit", "duc-thang", stderr=stderr)

    assert (Household.objects.count(), Member.objects.count()) == before
    problems = stderr.getvalue()
    assert "Dòng 3, Số CMND/CCCD: " in problems
    assert "Dòng 4, Khu phố/thôn: " in problems
    assert "Khu phố 99" in problems


def test_import_households_into_another_unit_is_an_error(tmp_path: Path) -> None:
    two_wards()
    output = tmp_path / "ho.xlsx"
    call_command(
        "export_households", "--year", "2017", "--unit", "tien-loi", "--members",
        "--output", str(output), stdout=io.StringIO(),
    )  # fmt: skip
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_households", str(output), "--unit", "duc-thang", stderr=stderr)
    assert "Dòng 3, Phường/xã: " in stderr.getvalue()


def test_import_households_of_a_missing_file() -> None:
    with pytest.raises(CommandError):
        call_command("import_households", "/nonexistent/ho.xlsx")
