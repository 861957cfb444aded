"""reports.pdf_grid: text measured with the font's widths, wrapped and placed by spaces."""

from __future__ import annotations

import base64
import itertools
import unicodedata

import pytest

from reports import pdf_grid


@pytest.fixture
def face() -> pdf_grid.Font:
    return pdf_grid.font()


def test_the_font_is_the_one_fontconfig_gives(face: pdf_grid.Font) -> None:
    assert face.units_per_em == 2048  # DejaVu Sans
    # Vietnamese letters are precomposed glyphs with their own widths; marks take no room.
    assert face.width("ễ") == face.width("e")
    assert face.width("\u0301") == 0


@pytest.mark.parametrize("gap", [0, 1, 150, 204, 650, 1000, 2047, 2048, 3000, 4095, 25_000])
def test_spaces_fill_a_gap_to_a_tenth_of_a_millimetre(face: pdf_grid.Font, gap: int) -> None:
    text, width = pdf_grid.spaces(gap)
    assert width == face.width(text)
    assert abs(width - gap) <= 0.15 * face.units_per_mm(8)
    assert not text.strip()  # only spaces: nothing is drawn
    assert " " not in text  # never a plain space, which CSS could collapse or stretch


def test_spaces_take_few_glyphs(face: pdf_grid.Font) -> None:
    # Below two em a gap takes at most four spaces; above, one em space per em.
    assert max(len(pdf_grid.spaces(gap)[0]) for gap in range(0, 4096, 7)) <= 4
    assert len(pdf_grid.spaces(20 * 2048 + 500)[0]) <= 19 + 4


def test_clean_composes_and_flattens() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Ấm")
    assert pdf_grid.clean(decomposed) == "Nguyễn Văn Ấm"
    assert pdf_grid.clean("12 Trần\nHưng\tĐạo\x00 ") == "12 Trần Hưng Đạo"
    assert pdf_grid.clean(1_000) == "1000"


def test_wrap_breaks_between_words_and_inside_a_word_only_when_it_must(
    face: pdf_grid.Font,
) -> None:
    width = face.width("Khu phố 12")
    assert pdf_grid.wrap("Khu phố 12", width, face) == ["Khu phố 12"]
    text = "Khu phố 12 phường Đức Thắng thành phố Phan Thiết"
    lines = pdf_grid.wrap(text, width, face)
    assert " ".join(lines) == text
    assert all(face.width(line) <= width for line in lines)
    # Greedy: the next line's first word did not fit on the line before.
    assert all(
        face.width(f"{line} {following.split()[0]}") > width
        for line, following in itertools.pairwise(lines)
    )
    long_word = "Nguyễn" * 5
    lines = pdf_grid.wrap(long_word, width, face)
    assert "".join(lines) == long_word
    assert all(face.width(line) <= width for line in lines)


def _columns() -> list[pdf_grid.Column]:
    return [
        pdf_grid.Column("STT", 10, "right"),
        pdf_grid.Column("Tên", 0),
        pdf_grid.Column("Số tiền", 30, "right"),
        pdf_grid.Column("Giữa", 20, "center"),
    ]


def test_a_row_places_each_cell_in_its_column(face: pdf_grid.Font) -> None:
    grid = pdf_grid.Grid.build(_columns(), width_mm=120)
    assert grid.edges_mm == (0.0, 10.0, 70.0, 100.0, 120.0)
    line = grid.lines([7, "Lê Thị Hường", "700.000 đ", "x"])
    assert "\n" not in line
    tolerance = 0.15 * face.units_per_mm(8)
    # Right-aligned: the text ends a padding before the column's right edge.
    end_of_number = face.width(line[: line.index("7") + 1])
    assert abs(end_of_number - (grid.edges[1] - grid.padding)) <= tolerance
    # Left-aligned: the name starts a padding after the column's left edge.
    start_of_name = face.width(line[: line.index("Lê")])
    assert abs(start_of_name - (grid.edges[1] + grid.padding)) <= tolerance
    end_of_amount = face.width(line[: line.index("đ") + 1])
    assert abs(end_of_amount - (grid.edges[3] - grid.padding)) <= tolerance
    middle = face.width(line[: line.index("x")]) + face.width("x") / 2
    assert abs(middle - (grid.edges[3] + grid.edges[4]) / 2) <= tolerance


def test_a_long_cell_wraps_and_the_row_keeps_its_lines(face: pdf_grid.Font) -> None:
    grid = pdf_grid.Grid.build(_columns(), width_mm=120)
    address = "311 Hải Thượng Lãn Ông, Khu phố 3, phường Đức Thắng, thành phố Phan Thiết"
    lines = grid.lines([12, address, "1.300.000 đ", ""]).split("\n")
    assert len(lines) > 1
    first = lines[0].split()
    assert first[0] == "12" and first[-2:] == ["1.300.000", "đ"]
    words = " ".join(lines).split()
    assert " ".join(w for w in words if w not in ("12", "1.300.000", "đ")) == address
    inner = grid.edges[2] - grid.edges[1] - 2 * grid.padding
    assert all(face.width(line.strip()) <= inner for line in lines[1:])


def test_the_header_is_bold_and_centred() -> None:
    grid = pdf_grid.Grid.build(_columns(), width_mm=120)
    header = grid.header()
    assert [" ".join(line.split()) for line in header.split("\n")] == ["STT Tên Số tiền Giữa"]
    bold = pdf_grid.font(bold=True)
    centre = bold.width(header[: header.index("Tên")]) + bold.width("Tên") / 2
    assert abs(centre - (grid.edges[1] + grid.edges[2]) / 2) <= 0.15 * bold.units_per_mm(8)


def test_fixed_columns_must_leave_room_for_the_others() -> None:
    with pytest.raises(ValueError, match="10 mm"):
        pdf_grid.Grid.build(_columns(), width_mm=65)


def test_the_rules_are_one_svg_line_per_column_edge() -> None:
    grid = pdf_grid.Grid.build(_columns(), width_mm=120)
    url = grid.rules()
    assert url.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(url.split(",", 1)[1]).decode()
    assert svg.count("M") == len(grid.edges)
    assert 'width="120.000mm"' in svg


def test_width_mm_fits_the_widest_text(face: pdf_grid.Font) -> None:
    width = pdf_grid.width_mm(["Hộ cận nghèo", "Hộ có mức sống trung bình"])
    text = face.width("Hộ có mức sống trung bình") / face.units_per_mm(8)
    assert text + 2 <= width <= text + 3
