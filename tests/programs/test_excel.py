"""The streaming XLSX writer shared by worklists and reports."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from programs.excel import VND_FORMAT, Column, write_xlsx, xlsx_response

COLUMNS = [
    Column("Chủ hộ", width=24),
    Column("Thu nhập", kind="vnd"),
    Column("Ngày", kind="date"),
    Column("Số người", kind="int"),
]


def _sheet(rows: list[list[object]]) -> object:
    buffer = io.BytesIO()
    count = write_xlsx(
        buffer,
        sheet_title="Danh sách: hộ nghèo?",
        title="Hộ nghèo – 2017",
        columns=COLUMNS,
        rows=rows,
    )
    assert count == len(rows)
    buffer.seek(0)
    return load_workbook(buffer).active


def test_title_headers_frozen_and_formats() -> None:
    sheet = _sheet([["Nguyễn Văn An", 1_300_000, datetime.date(2017, 9, 1), 4]])
    assert sheet.title == "Danh sách hộ nghèo"
    assert sheet["A1"].value == "Hộ nghèo – 2017"
    assert [c.value for c in sheet[2]] == ["Chủ hộ", "Thu nhập", "Ngày", "Số người"]
    assert all(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["A"].width == 24
    assert sheet["B3"].value == 1_300_000
    assert sheet["B3"].number_format == VND_FORMAT
    assert sheet["C3"].value.date() == datetime.date(2017, 9, 1)
    assert sheet["C3"].number_format == "dd/mm/yyyy"
    assert sheet["D3"].value == 4


def test_user_data_never_becomes_a_formula() -> None:
    sheet = _sheet(
        [
            ['=HYPERLINK("http://evil.example","bấm")', "=1+1", None, None],
            ["+84912345678", "-5", None, None],
            ["@SUM(A1)", "không\x07 hợp lệ", None, None],
        ]
    )
    assert sheet["A3"].value == '=HYPERLINK("http://evil.example","bấm")'
    assert sheet["A3"].data_type == "s"
    assert sheet["B3"].data_type == "s"  # text in a VND column stays text
    assert sheet["A4"].value == "+84912345678"
    assert sheet["A5"].value == "@SUM(A1)"
    assert sheet["B5"].value == "không hợp lệ"  # characters XML cannot hold are dropped
    assert sheet["C3"].value is None


def test_response_is_an_xlsx_attachment() -> None:
    response = xlsx_response(
        filename="danh-sach.xlsx", sheet_title="DS", title="T", columns=COLUMNS, rows=[]
    )
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="danh-sach.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 2
