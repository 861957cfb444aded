"""`manage.py export_report` (issue 5 §5), read back with openpyxl and pdftotext."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from households.models import Household
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db


def _poor(code: str, ward: str) -> Household:
    household = make_household(ward, code=code, head_name=f"Chủ hộ {code}")
    make_member(household, full_name=f"Chủ hộ {code}")
    make_assessment(household, review_round=make_round(2017), income_per_capita=600_000)
    return household


@pytest.fixture
def households(db: None) -> None:
    _poor("DT-1", "duc-thang")
    _poor("DT-2", "duc-thang")
    _poor("TL-1", "tien-loi")


def test_xlsx_for_the_city_counts_every_ward(households: None, tmp_path: Path) -> None:
    output = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command(
        "export_report", year=2017, period="annual", format="xlsx", output=str(output), stdout=out
    )
    assert out.getvalue().count("\n") == 1
    book = load_workbook(output)
    rows = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    poor = {row[0]: row[3] for row in rows}
    assert poor["Đức Thắng"] == 2
    assert poor["Tiến Lợi"] == 1


def test_xlsx_for_one_unit(households: None, tmp_path: Path) -> None:
    output = tmp_path / "report.xlsx"
    call_command("export_report", year=2017, unit="tien-loi", format="xlsx", output=str(output))
    rows = list(load_workbook(output).worksheets[1].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == ["Tiến Lợi", "Xã Tiến Lợi"]
    assert rows[-1][3] == 1


def test_pdf(households: None, tmp_path: Path) -> None:
    output = tmp_path / "report.pdf"
    call_command("export_report", year=2017, unit="duc-thang", format="pdf", output=str(output))
    text = subprocess.run(
        ["pdftotext", str(output), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Đức Thắng" in text


def test_unknown_unit_or_year_fails_in_vietnamese(households: None, tmp_path: Path) -> None:
    output = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("export_report", year=2017, unit="nowhere", format="xlsx", output=str(output))
    with pytest.raises(CommandError, match="Không có đợt rà soát định kỳ năm 2015"):
        call_command("export_report", year=2015, format="xlsx", output=str(output))
    assert not output.exists()
