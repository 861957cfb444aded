"""Checks an uploaded .xlsx before openpyxl parses it (issue 10: hostile spreadsheets).

An .xlsx is a zip of XML files, and both layers can be made to cost far more than they
weigh: a 6 KB file declaring 16,384 × 1,048,576 cells, a sheet of 300 million blank rows,
a shared-string table of millions of entries, an entity-expanding DTD. openpyxl trusts what
the file declares (its read-only mode pads every row to the declared width and fills every
declared row), so nothing here hands a file to openpyxl before it has been measured:

1. the zip itself: compressed size, number of members, each member's and the total declared
   uncompressed size, the compression ratio, the members an .xlsx must have;
2. the head of each worksheet: the declared `<dimension ref=...>`;
3. every XML member read through a bounded stream (the sizes in the zip directory can lie),
   refusing DTDs, and for worksheets counting `<row>`, `<c>` and the highest row and column
   referenced; for the shared-string table, the number of strings.

The limits are generous for the import (50,000 member rows of 24 columns, `imports.MAX_ROWS`,
unpack to about 55 MB of sheet XML) and far below what hurts a worker. Each refusal is a
`WorkbookRefused` carrying a message for the officer.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.cell import column_index_from_string, range_boundaries

# Rows a sheet may declare or hold, blank rows included (the import takes 50,000 member rows
# plus a title and a header; blank rows between them are tolerated up to this).
MAX_SHEET_ROWS = 100_000
# Columns a sheet may declare or use (the layout has 24).
MAX_SHEET_COLUMNS = 100
# Cells a sheet may hold: a full import (50,000 rows × 24 columns) and a quarter more.
MAX_SHEET_CELLS = 1_500_000
# Entries of the shared-string table (the import's cells are at most 50,000 × 24).
MAX_SHARED_STRINGS = 1_500_000
# Members of the zip (an Excel workbook has about a dozen).
MAX_MEMBERS = 200
# Uncompressed bytes of one member, and of all of them (a full 50,000-row import: ~55 MB).
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 120 * 1024 * 1024
# Uncompressed ÷ compressed, checked on members above RATIO_FLOOR bytes (an honest sheet ~15;
# deflate tops out near 1,000 on padding).
MAX_RATIO = 150
RATIO_FLOOR = 1024 * 1024
# How much of a worksheet's start is searched for its <dimension>.
HEAD_BYTES = 64 * 1024
CHUNK_BYTES = 64 * 1024

REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
SHARED_STRINGS = "xl/sharedStrings.xml"

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Each pattern starts with a literal, which re searches for quickly; elements with a namespace
# prefix (<x:row>, which openpyxl reads too) have their own pattern.
_ROW = (re.compile(rb"<row[\s/>]"), re.compile(rb":row[\s/>]"))
_ROW_NUMBER = tuple(
    re.compile(start + rb"row\s[^>]*?\br\s*=\s*[\"']0*(\d+)") for start in (b"<", b":")
)
_CELL = (re.compile(rb"<c[\s/>]"), re.compile(rb":c[\s/>]"))
_CELL_COLUMN = tuple(
    re.compile(start + rb"c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]+)") for start in (b"<", b":")
)
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si\b")
# Longest stretch kept between chunks so a tag cut in two is still seen whole.
_CARRY_BYTES = 4096


class WorkbookRefused(Exception):
    """The file is refused before parsing; `message` is for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def not_a_workbook() -> WorkbookRefused:
    return WorkbookRefused(_("This file is not an Excel workbook (.xlsx): use the template."))


def damaged() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "This Excel file is damaged and cannot be read: open it in Excel, save it again "
            "and upload it again, or copy the rows into the template."
        )
    )


def too_much_data() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "This file holds far more data than a household list can (at most %(size)s MB "
            "once unpacked, %(cells)s cells and %(texts)s different texts): copy only the "
            "household rows into the template and upload that."
        )
        % {
            "size": MAX_TOTAL_BYTES // (1024 * 1024),
            "cells": number_format(MAX_SHEET_CELLS, force_grouping=True),
            "texts": number_format(MAX_SHARED_STRINGS, force_grouping=True),
        }
    )


def too_many_rows() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The sheet spans more than %(rows)s rows or %(columns)s columns, empty ones "
            "included: delete the empty rows and columns after the list, or copy only the "
            "household rows into the template."
        )
        % {
            "rows": number_format(MAX_SHEET_ROWS, force_grouping=True),
            "columns": MAX_SHEET_COLUMNS,
        }
    )


Source = str | os.PathLike[str] | IO[bytes]


def check_workbook(source: Source, *, max_bytes: int) -> int:
    """Raise `WorkbookRefused` unless `source` is an .xlsx small enough to parse safely;
    return the number of rows its worksheets hold (a progress bar's length).

    `max_bytes` bounds the file itself (the upload limit). A file-like `source` is left at
    its start for the parser.
    """
    try:
        if _size(source) > max_bytes:
            raise WorkbookRefused(
                _("The file is larger than %(size)s MB: split it into several files.")
                % {"size": max(1, max_bytes // (1024 * 1024))}
            )
        with zipfile.ZipFile(source) as archive:
            return _check_archive(archive)
    except zipfile.LargeZipFile:
        raise too_much_data() from None
    except (zipfile.BadZipFile, zlib.error, struct.error, EOFError, OSError, ValueError) as exc:
        # A zip that starts like one but breaks later is damaged; anything else is not one.
        # (zipfile follows the offsets in the file: a bad one is an OSError on seek.)
        raise (damaged() if _starts_like_zip(source) else not_a_workbook()) from exc
    except (NotImplementedError, RuntimeError) as exc:
        # An unknown compression method; an encrypted member.
        raise damaged() from exc
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)


def _size(source: Source) -> int:
    if isinstance(source, str | os.PathLike):
        return os.path.getsize(source)
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


def _starts_like_zip(source: Source) -> bool:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    source.seek(0)
    return source.read(4) == b"PK\x03\x04"


def _check_archive(archive: zipfile.ZipFile) -> int:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise too_much_data()
    names = {member.filename for member in members}
    if any(name not in names for name in REQUIRED_MEMBERS):
        raise not_a_workbook()
    worksheets = [m for m in members if WORKSHEET.match(m.filename)]
    if not worksheets:
        raise not_a_workbook()
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise too_much_data()
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise too_much_data()
    # What the sheets declare first: refusing a dimension bomb costs a few kilobytes.
    for member in worksheets:
        _check_dimension(_head(archive, member))
    # Then every XML member, read in full through a bounded stream.
    budget = [MAX_TOTAL_BYTES]
    rows = 0
    for member in members:
        if member.filename.endswith((".xml", ".rels")):
            if WORKSHEET.match(member.filename):
                rows += _check_worksheet(_chunks(archive, member, budget))
            elif member.filename == SHARED_STRINGS:
                _check_shared_strings(_chunks(archive, member, budget))
            else:
                _check_xml(_chunks(archive, member, budget))
    return rows


def _head(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    with archive.open(member) as stream:
        return stream.read(HEAD_BYTES)


def _chunks(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: list[int]
) -> Iterator[bytes]:
    """The member's bytes, refusing past its declared size or the whole file's budget."""
    read = 0
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            read += len(chunk)
            budget[0] -= len(chunk)
            if read > MAX_MEMBER_BYTES or budget[0] < 0:
                raise too_much_data()
            yield chunk


def _check_dimension(head: bytes) -> None:
    if _DTD.search(head):
        raise damaged()
    found = _DIMENSION.search(head)
    if found is None:
        return  # optional; the streaming count below still applies
    try:
        reference = found.group(1).decode("ascii").replace("$", "")
        _min_col, _min_row, max_col, max_row = range_boundaries(reference)
    except (UnicodeDecodeError, ValueError, TypeError):
        raise damaged() from None
    if (max_row or 0) > MAX_SHEET_ROWS or (max_col or 0) > MAX_SHEET_COLUMNS:
        raise too_many_rows()


def _tokens(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The stream in pieces that each end before a tag, so no tag is cut in two.

    (`<` cannot occur inside a tag, so everything before the last `<` of a piece is whole.)
    """
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        cut = data.rfind(b"<")
        if cut == -1 or len(data) - cut > _CARRY_BYTES:
            carry = b""  # text, or a tag far longer than any we look at
            yield data
        else:
            carry = data[cut:]
            yield data[:cut]
    if carry:
        yield carry


def _check_xml(chunks: Iterator[bytes]) -> None:
    for piece in _tokens(chunks):
        if _DTD.search(piece):
            raise damaged()


def _check_worksheet(chunks: Iterator[bytes]) -> int:
    rows = cells = 0
    for piece in _tokens(chunks):
        if _DTD.search(piece):
            raise damaged()
        rows += sum(len(pattern.findall(piece)) for pattern in _ROW)
        numbers = [n for pattern in _ROW_NUMBER for n in pattern.findall(piece)]
        if rows > MAX_SHEET_ROWS or any(map(_over_rows, numbers)):
            raise too_many_rows()
        cells += sum(len(pattern.findall(piece)) for pattern in _CELL)
        if cells > MAX_SHEET_CELLS:
            raise too_much_data()
        columns = {letters for pattern in _CELL_COLUMN for letters in pattern.findall(piece)}
        if any(_column_index(letters) > MAX_SHEET_COLUMNS for letters in columns):
            raise too_many_rows()
    return rows


def _over_rows(digits: bytes) -> bool:
    return len(digits) > len(str(MAX_SHEET_ROWS)) or int(digits) > MAX_SHEET_ROWS


def _column_index(letters: bytes) -> int:
    try:
        return column_index_from_string(letters.decode("ascii").upper())
    except ValueError:
        return MAX_SHEET_COLUMNS + 1  # beyond XFD: no real sheet has it


def _check_shared_strings(chunks: Iterator[bytes]) -> None:
    strings = 0
    for piece in _tokens(chunks):
        if _DTD.search(piece):
            raise damaged()
        strings += len(_STRING_ITEM.findall(piece))
        if strings > MAX_SHARED_STRINGS:
            raise too_much_data()
