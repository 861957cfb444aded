"""A small streaming XLSX writer for lists officers take to meetings (worklists, reports).

One sheet: a title row saying what, where and when; a bold header row frozen under it; then
one row per record. openpyxl's write-only workbook keeps memory flat however long the list.

User data never becomes a formula: a head of household typed as "=HYPERLINK(...)" is written
as the text it is (CSV/formula injection), and characters XML cannot hold are dropped.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Whole đồng with a thousands separator; Excel shows the separator of the reader's locale
# (a dot in Vietnamese), so 1300000 reads "1.300.000 đ".
VND_FORMAT = '#,##0 "đ"'
INTEGER_FORMAT = "#,##0"
# A year is a number read whole, never grouped: 1982, not 1.982.
YEAR_FORMAT = "0"
# A rate given in percent (2.10 means 2,10 %, rounded by `reports.selectors.percent`) is
# written as the fraction 0.021 with Excel's percent format: the cell shows 2,10 % and adds up.
PERCENT_FORMAT = "0.00%"
# Percentage points (0.15 means 0,15 points): a number with two decimals.
POINTS_FORMAT = "0.00"
DATE_FORMAT = "dd/mm/yyyy"

Kind = Literal["text", "vnd", "int", "year", "date", "percent", "points"]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, its width in characters and what it holds."""

    header: str
    width: int = 18
    kind: Kind = "text"


def _text_cell(sheet: WriteOnlyWorksheet, value: str, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    # openpyxl types "=…" as a formula when the value is set; every text cell is forced back
    # to a string, so "=", "+", "-" and "@" at the start stay plain text.
    cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> WriteOnlyCell | None:
    if value is None or value == "":
        return None
    if column.kind == "vnd" and isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = VND_FORMAT
        return cell
    if column.kind == "int" and isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = INTEGER_FORMAT
        return cell
    if column.kind == "year" and isinstance(value, int):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = YEAR_FORMAT
        return cell
    if column.kind == "percent" and isinstance(value, (int, Decimal)):
        cell = WriteOnlyCell(sheet, value=Decimal(value) / 100)  # exact: no second rounding
        cell.number_format = PERCENT_FORMAT
        return cell
    if column.kind == "points" and isinstance(value, (int, Decimal)):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = POINTS_FORMAT
        return cell
    if column.kind == "date" and isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return _text_cell(sheet, str(value))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook with several (the reports' tables)."""

    sheet_title: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def write_xlsx(
    target: Any,
    *,
    sheet_title: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Write one sheet to `target` (a path or a binary file); return the number of data rows.

    Row 1 is `title`, row 2 the bold headers (frozen with the title above the rows), then
    `rows`, each a sequence of values in column order: ints in "vnd"/"int" columns and numbers
    in "percent" columns (in percent) become fractions with a percent format, numbers in
    "points" columns numbers, dates in "date" columns dates,
    everything else text.
    """
    return write_xlsx_sheets(target, [Sheet(sheet_title, title, columns, rows)])


def write_xlsx_sheets(target: Any, sheets: Sequence[Sheet]) -> int:
    """Write each of `sheets` as `write_xlsx` writes one; return the number of data rows."""
    workbook = Workbook(write_only=True)
    count = 0
    for spec in sheets:
        count += _write_sheet(workbook, spec)
    workbook.save(target)
    return count


def _write_sheet(workbook: Workbook, spec: Sheet) -> int:
    sheet_title, title, columns, rows = spec.sheet_title, spec.title, spec.columns, spec.rows
    # Excel limits sheet names to 31 characters and forbids a few.
    sheet = workbook.create_sheet(title="".join(c for c in sheet_title if c not in "[]:*?/\\")[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A3"
    sheet.append([_text_cell(sheet, title, font=Font(bold=True, size=13))])
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([_text_cell(sheet, str(c.header), font=bold, alignment=wrap) for c in columns])
    count = 0
    for row in rows:
        sheet.append(
            [_cell(sheet, column, value) for column, value in zip(columns, row, strict=True)]
        )
        count += 1
    return count


def xlsx_response(
    *,
    filename: str,
    sheet_title: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
) -> FileResponse:
    """An attachment download of the sheet `write_xlsx` builds, spooled through a temp file."""
    # A zip cannot be written to a socket as it goes; the spool keeps small files in memory.
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(spool, sheet_title=sheet_title, title=title, columns=columns, rows=rows)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
