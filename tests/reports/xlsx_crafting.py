"""Hand-made .xlsx files for the hostile-import tests: a zip of XML parts written directly,
so a test can declare what no spreadsheet program would write."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

from reports.imports import LAYOUT

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
{shared}</Types>"""  # noqa: E501
SHARED_STRINGS_TYPE = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'  # noqa: E501
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{RELS}">
<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""


def workbook_rels(*, shared_strings: bool) -> str:
    shared = (
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>{shared}
</Relationships>"""


def cell(reference: str, value: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def header_rows() -> str:
    """The title row and the layout's header row, as the template has them."""
    letters = [column_letters(index) for index in range(1, len(LAYOUT) + 1)]
    headers = "".join(
        cell(f"{letter}2", str(column.header))
        for letter, column in zip(letters, LAYOUT, strict=True)
    )
    return f'<row r="1">{cell("A1", "Danh sách")}</row><row r="2">{headers}</row>'


def column_letters(index: int) -> str:
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sheet(rows: str | Iterable[str], *, dimension: str | None = None, head: str = "") -> bytes:
    """A worksheet part: `rows` is the inside of <sheetData>, written as given."""
    body = rows if isinstance(rows, str) else "".join(rows)
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}'
        f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{body}</sheetData></worksheet>'
    ).encode()


def crafted(
    worksheet: bytes,
    *,
    shared_strings: bytes | None = None,
    extra: dict[str, bytes] | None = None,
    workbook: bytes | None = None,
) -> bytes:
    """An .xlsx holding `worksheet` as its only sheet (and the other parts given)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        shared = SHARED_STRINGS_TYPE if shared_strings is not None else ""
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.format(shared=shared))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook or WORKBOOK.encode())
        archive.writestr(
            "xl/_rels/workbook.xml.rels", workbook_rels(shared_strings=shared_strings is not None)
        )
        archive.writestr("xl/worksheets/sheet1.xml", worksheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def declare_size(content: bytes, member: str, size: int) -> bytes:
    """`content` with the uncompressed size of `member` rewritten in the zip's directory and
    local header (the data itself untouched): a zip that lies about what it holds."""
    data = bytearray(content)
    name = member.encode()
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name:
            struct.pack_into("<I", data, start + 24, size)
            local = struct.unpack_from("<I", data, start + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        start += 4
    return bytes(data)
