"""`manage.py export_report` on the hand-built history (tests/reports/history.py), read back with
openpyxl and pdftotext."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from households.models import User
from tests.reports.history import History, build_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(ducthang_officer: User, city_reviewer: User, tienloi_officer: User) -> History:
    return build_history(ducthang_officer, city_reviewer, tienloi_officer)


def _rows(path: Path, sheet: str) -> dict[str, tuple[object, ...]]:
    book = load_workbook(path)
    return {str(r[0]): r for r in book[sheet].iter_rows(min_row=3, values_only=True)}


def test_xlsx_for_the_city_counts_recognised_results_in_every_ward(
    history: History, tmp_path: Path
) -> None:
    output = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command(
        "export_report", year=2017, period="annual", format="xlsx", output=str(output), stdout=out
    )
    assert out.getvalue().count("\n") == 1
    rows = _rows(output, "Biểu 1")
    # Poor at the end of 2017: B and E in Đức Thắng (not C, whose 2017 survey is a draft),
    # G in Tiến Lợi.
    assert rows["Đức Thắng"][2] == 2
    assert rows["Tiến Lợi"][2] == 1
    assert rows["Tổng cộng"][2] == 3


def test_xlsx_six_month_for_one_unit_with_a_date(history: History, tmp_path: Path) -> None:
    output = tmp_path / "report.xlsx"
    call_command(
        "export_report",
        year=2017,
        period="six-month",
        unit="duc-thang",
        date="05/07/2017",
        format="xlsx",
        output=str(output),
    )
    book = load_workbook(output)
    title = book["Biểu 2a"]["A1"].value
    assert "6 tháng đầu năm 2017" in title and "05/07/2017" in title
    rows = _rows(output, "Biểu 2a")
    # One unit: its row only (then the table's note). 3 poor on 1/1/2017 (A, B, D) − D's
    # ad-hoc escape = 2.
    assert next(iter(rows)) == "Đức Thắng" and len(rows) == 2
    assert (rows["Đức Thắng"][1], rows["Đức Thắng"][7], rows["Đức Thắng"][12]) == (3, 1, 2)


def test_pdf(history: History, tmp_path: Path) -> None:
    output = tmp_path / "report.pdf"
    call_command(
        "export_report", year=2017, unit="duc-thang", date="2018-01-15", format="pdf",
        output=str(output),
    )  # fmt: skip
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(output), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert "UBND PHƯỜNG ĐỨC THẮNG" in text
    assert "ngày 15 tháng 01 năm 2018" in text


def test_bad_unit_year_or_date_fails_in_vietnamese(history: History, tmp_path: Path) -> None:
    output = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("export_report", year=2017, unit="nowhere", format="xlsx", output=str(output))
    with pytest.raises(CommandError, match="Không có đợt rà soát định kỳ năm 2015"):
        call_command("export_report", year=2015, format="xlsx", output=str(output))
    with pytest.raises(CommandError, match="không được trước ngày bắt đầu kỳ báo cáo"):
        call_command(
            "export_report", year=2017, date="31/12/2016", format="xlsx", output=str(output)
        )
    with pytest.raises(CommandError, match="dd/mm/yyyy"):
        call_command("export_report", year=2017, date="hôm qua", format="xlsx", output=str(output))
    assert not output.exists()
