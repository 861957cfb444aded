"""Long tables for WeasyPrint laid out in Python: one line box per printed line (issue 11).

WeasyPrint's cost grows with its boxes: every table cell is a block, a line box and a text box,
about half a millisecond each, so 2,000 households in 9 columns took 15–30 s however plain the
CSS. Here the columns are laid out before WeasyPrint sees them: each cell's text is measured with
the font's own advance widths (the font file fontconfig gives for the family, the one Pango
draws with; kerning and ligatures are switched off in the CSS so the sums are exact), wrapped to
its column, and placed on the row's line by Unicode spaces of known widths (em, en, … hair
space). A row is then one table cell in `white-space: pre` — one box and a line box per printed
line — and the column rules are one SVG background of the table. A row that wraps keeps its
lines together; `thead` repeats on every page; WeasyPrint still paginates.

Only text the font does not cover (another script in a name) is measured approximately: its
row may then be a little out of line, never cut.
"""

from __future__ import annotations

import base64
import bisect
import functools
import itertools
import shutil
import subprocess
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTFont

FAMILY = "DejaVu Sans"
POINTS_PER_MM = 72 / 25.4
# Where the faces live when fontconfig's command is not installed (Debian, Fedora, Arch).
_FONT_FILES = {
    (False, False): "DejaVuSans.ttf",
    (True, False): "DejaVuSans-Bold.ttf",
    (False, True): "DejaVuSans-Oblique.ttf",
    (True, True): "DejaVuSans-BoldOblique.ttf",
}
_FONT_FOLDERS = ("truetype/dejavu", "dejavu", "TTF")
# The spaces that fill a gap, widest first: em, en, three-per-em, four-per-em, thin, six-per-em,
# hair. Their widths are read from the font.
_SPACES = ("\u2003", "\u2002", "\u2004", "\u2005", "\u2009", "\u2006", "\u200a")
# How far a column's text may stand from its place, for fewer spaces: 0.028 em (0.08 mm at
# 8 pt), below what a printer or an eye resolves.
_TOLERANCE_EM = 0.028

Align = Literal["left", "right", "center"]
VAlign = Literal["top", "bottom"]


class FontMissing(RuntimeError):
    """The table's font is not installed (the `fonts-dejavu-core` package, README)."""


def _font_path(*, bold: bool, italic: bool) -> Path:
    if shutil.which("fc-match"):
        pattern = (
            f"{FAMILY}:weight={'bold' if bold else 'regular'}:slant={'italic' if italic else 0}"
        )
        found = subprocess.run(
            ["fc-match", "--format=%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and Path(found).is_file():
            return Path(found)
    for root in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        for folder in _FONT_FOLDERS:
            path = root / folder / _FONT_FILES[bold, italic]
            if path.is_file():
                return path
    raise FontMissing(f"The font {FAMILY!r} is not installed (package fonts-dejavu-core).")


@dataclass(frozen=True)
class Font:
    """Advance widths of one face, in font units."""

    widths: dict[int, int]
    units_per_em: int
    missing: int  # the width assumed for a character the face does not have

    def units_per_mm(self, size_pt: float) -> float:
        return self.units_per_em / size_pt * POINTS_PER_MM

    def width(self, text: str) -> int:
        widths, missing = self.widths, self.missing
        return sum(widths.get(ord(char), missing) for char in text)


@functools.cache
def font(*, bold: bool = False, italic: bool = False) -> Font:
    face = TTFont(_font_path(bold=bold, italic=italic), lazy=True)
    metrics = face["hmtx"].metrics
    widths = {code: metrics[glyph][0] for code, glyph in face.getBestCmap().items()}
    units_per_em = face["head"].unitsPerEm
    face.close()
    return Font(widths=widths, units_per_em=units_per_em, missing=units_per_em)


@functools.cache
def _space_sums(bold: bool, italic: bool) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Every string of at most six spaces (as a multiset), sorted by width: the widths, and
    the strings."""
    face = font(bold=bold, italic=italic)
    available = [s for s in _SPACES if ord(s) in face.widths]
    sums = sorted(
        (face.width("".join(combination)), len(combination), "".join(combination))
        for count in range(7)
        for combination in itertools.combinations_with_replacement(available, count)
    )
    return tuple(width for width, _n, _t in sums), tuple(text for _w, _n, text in sums)


@functools.lru_cache(maxsize=16384)
def _small_gap(gap: int, bold: bool, italic: bool) -> str:
    """The fewest spaces within `_TOLERANCE_EM` of `gap` (below two em), else the nearest:
    WeasyPrint draws glyph by glyph, spaces included."""
    widths, texts = _space_sums(bold, italic)
    tolerance = round(_TOLERANCE_EM * font(bold=bold, italic=italic).units_per_em)
    low = bisect.bisect_left(widths, gap - tolerance)
    high = bisect.bisect_right(widths, gap + tolerance)
    if low < high:
        best = min(range(low, high), key=lambda i: (len(texts[i]), abs(widths[i] - gap)))
    else:
        best = min(
            range(max(0, low - 1), min(low + 1, len(widths))), key=lambda i: abs(widths[i] - gap)
        )
    return texts[best]


def spaces(gap: int, *, bold: bool = False, italic: bool = False) -> tuple[str, int]:
    """Spaces as wide as `gap` font units (to a hair space), and how wide they are."""
    if gap <= 0:
        return "", 0
    face = font(bold=bold, italic=italic)
    em = face.units_per_em
    ems = max(0, gap // em - 1)  # the last one or two em go to the table of small gaps
    text = "\u2003" * ems + _small_gap(gap - ems * em, bold, italic)
    return text, face.width(text)


def clean(value: object) -> str:
    """A cell's text on one line: composed (NFC, as the widths are of composed letters), without
    control characters (a newline in an address would break the row)."""
    text = unicodedata.normalize("NFC", str(value))
    return " ".join("".join(" " if unicodedata.category(c)[0] == "C" else c for c in text).split())


def width_mm(
    texts: Sequence[str], *, size_pt: float = 8.0, bold: bool = False, padding_mm: float = 1.0
) -> float:
    """The width of a column holding the widest of `texts` on one line, its padding included."""
    face = font(bold=bold)
    widest = max((face.width(clean(text)) for text in texts), default=0)
    return round(widest / face.units_per_mm(size_pt) + 2 * padding_mm + 0.5, 1)


def wrap(text: str, width: int, face: Font) -> list[str]:
    """`text` in lines no wider than `width` font units, broken between words (inside a word
    only when it alone is too wide)."""
    if face.width(text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if face.width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while face.width(word) > width:
            cut = len(word) - 1
            while cut > 1 and face.width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Column:
    label: str
    width_mm: float  # 0: shares what the others leave
    align: Align = "left"


@dataclass(frozen=True)
class Grid:
    """Columns resolved to font units over a table `width_mm` wide, in `size_pt` type."""

    columns: tuple[Column, ...]
    edges: tuple[int, ...]  # the left edge of each column, then the right edge of the last
    edges_mm: tuple[float, ...]
    padding: int
    width_mm: float
    size_pt: float

    @classmethod
    def build(
        cls,
        columns: Sequence[Column],
        *,
        width_mm: float,
        size_pt: float = 8.0,
        padding_mm: float = 1.0,
    ) -> Grid:
        fixed = sum(c.width_mm for c in columns)
        flexible = [c for c in columns if not c.width_mm]
        rest = (width_mm - fixed) / len(flexible) if flexible else 0.0
        if flexible and rest < 10:
            raise ValueError("The fixed columns leave less than 10 mm to the others.")
        edges_mm = [0.0]
        for column in columns:
            edges_mm.append(edges_mm[-1] + (column.width_mm or rest))
        per_mm = font().units_per_mm(size_pt)
        return cls(
            columns=tuple(columns),
            edges=tuple(round(edge * per_mm) for edge in edges_mm),
            edges_mm=tuple(edges_mm),
            padding=round(padding_mm * per_mm),
            width_mm=edges_mm[-1],
            size_pt=size_pt,
        )

    def lines(
        self,
        cells: Sequence[object],
        *,
        bold: bool = False,
        italic: bool = False,
        align: Align | None = None,
        valign: VAlign = "top",
    ) -> str:
        """One row: each cell wrapped to its column and placed by spaces (`align`, else each
        column's own; a cell of fewer lines at the row's top or bottom); lines joined by "\\n".
        """
        face = font(bold=bold, italic=italic)
        wrapped = []
        for index, value in enumerate(cells):
            inner = self.edges[index + 1] - self.edges[index] - 2 * self.padding
            wrapped.append(wrap(clean(value), inner, face) if value not in (None, "") else [])
        height = max((len(w) for w in wrapped), default=0) or 1
        if valign == "bottom":
            wrapped = [[""] * (height - len(w)) + w for w in wrapped]
        printed = []
        for number in range(height):
            parts: list[str] = []
            cursor = 0
            for index, column_lines in enumerate(wrapped):
                if number >= len(column_lines) or not column_lines[number]:
                    continue
                text = column_lines[number]
                text_width = face.width(text)
                left, right = self.edges[index] + self.padding, self.edges[index + 1] - self.padding
                placed = align or self.columns[index].align
                if placed == "right":
                    start = right - text_width
                elif placed == "center":
                    start = (left + right - text_width) // 2
                else:
                    start = left
                gap, gap_width = spaces(start - cursor, bold=bold, italic=italic)
                parts += (gap, text)
                cursor += gap_width + text_width
            printed.append("".join(parts))
        return "\n".join(printed)

    def header(self) -> str:
        """The column labels, bold, centred, each ending on the header's last line."""
        return self.lines(
            [c.label for c in self.columns], bold=True, align="center", valign="bottom"
        )

    def _svg(self, body: str, *, height: float, stretch: bool = False) -> str:
        aspect = ' preserveAspectRatio="none"' if stretch else ""
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width_mm:.3f}mm" '
            f'height="{height:g}mm" viewBox="0 0 {self.width_mm:.3f} {height:g}"{aspect}>'
            f"{body}</svg>"
        )
        return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()

    def rules(self, *, height_mm: float = 300.0, stroke_pt: float = 0.5) -> str:
        """The column rules as a data URL: an SVG the table repeats down its height."""
        stroke = stroke_pt / POINTS_PER_MM
        xs = [*self.edges_mm]
        xs[0] += stroke / 2
        xs[-1] -= stroke / 2
        path = "".join(f"M{x:.3f} 0V{height_mm:g}" for x in xs)
        return self._svg(
            f'<path d="{path}" stroke="#000" stroke-width="{stroke:.3f}" fill="none"/>',
            height=height_mm,
        )

    def shading(self, colours: dict[int, str]) -> str:
        """Backgrounds of whole columns (by index) as a data URL, stretched to the box it is
        drawn in (a header)."""
        rects = "".join(
            f'<rect x="{self.edges_mm[i]:.3f}" y="0" '
            f'width="{self.edges_mm[i + 1] - self.edges_mm[i]:.3f}" height="1" fill="{colour}"/>'
            for i, colour in sorted(colours.items())
        )
        return self._svg(rects, height=1, stretch=True)
