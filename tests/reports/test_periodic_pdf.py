"""The periodic report's PDF on the hand-built history (tests/reports/history.py), read back with
poppler: the official figures, the forms, the six-month report, the date line, the title."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from households.models import User
from reports.pdf import printed_form
from reports.selectors import SUBTOTAL, TOTAL, UNIT, Cell, FormColumn, FormRow, FormTable
from tests.reports.history import History, build_history

pytestmark = pytest.mark.django_db

PERIODIC = reverse("reports:periodic_pdf")


@pytest.fixture
def history(ducthang_officer: User, city_reviewer: User, tienloi_officer: User) -> History:
    return build_history(ducthang_officer, city_reviewer, tienloi_officer)


def _poppler(tool: str, content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        # -raw: the text in the order it is drawn, a form's row as one line (reports.pdf_grid
        # places its figures far apart, which pdftotext would otherwise read as columns).
        args = [tool, *(["-raw"] if tool == "pdftotext" else []), str(path)]
        args += ["-"] if tool == "pdftotext" else []
        return subprocess.run(args, capture_output=True, check=True).stdout.decode()


def _text(content: bytes) -> str:
    return " ".join(_poppler("pdftotext", content).split())


def _get(client: Client, user: User, **params: object) -> bytes:
    client.force_login(user)
    response = client.get(PERIODIC, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return bytes(response.content)


def test_year_end_report_prints_the_recognised_figures_and_the_forms(
    client: Client, city_reviewer: User, history: History
) -> None:
    text = _text(_get(client, city_reviewer, year=2017, period="annual"))
    # Dated the period's last day: the year 2017 is over.
    assert "Phan Thiết, ngày 31 tháng 12 năm 2017" in text
    assert "Biểu 1" in text and "Cộng các phường" in text and "Cộng các xã" in text
    # Form 1, Đức Thắng: 300 households, 2 poor, 6 persons, 0,67 %, N1 1, N2 1, near-poor 3,
    # 6 persons, 1,00 %.
    assert "Đức Thắng 300 2 6 0,67 1 1 3 6 1,00" in text
    # Tiến Lợi: 800, 1 poor, 1 person, 0,125 % rounded half up to 0,13 (pdftotext may put
    # the name of a long row elsewhere: the numbers are checked).
    assert "800 1 1 0,13 1 0 0 0 0,00" in text
    # Form 2a, Đức Thắng: 3, newly poor E, escaped A and D (to near-poor), 2 at the end.
    assert "Đức Thắng 3 1 0 0 0 1 2 2 0 0 2 2" in text
    # The city: 17.100 households, 3 poor, 7 persons, 0,02 %.
    assert "Tổng cộng 17.100 3 7 0,02 2 1 3 6 0,02" in text
    # Form 2a, the city: 4 at the start, newly poor 1, re-poor 0, near-poor → poor 0, moved in
    # 0, total in 1, escaped 2 (of which 2 to near-poor), moved out 0, other 0, out 2, end 3.
    assert "Tổng cộng 4 1 0 0 0 1 2 2 0 0 2 3" in text
    # The two results in review, apart.
    assert "Còn 2 kết quả đang rà soát" in text
    assert "chưa được đối chiếu" in text  # the footnote: the annex layout is unconfirmed


def test_six_month_report_differs_from_the_year_end_one(
    client: Client, city_reviewer: User, history: History
) -> None:
    half = _text(_get(client, city_reviewer, year=2017, period="six-month"))
    year = _text(_get(client, city_reviewer, year=2017, period="annual"))
    assert "Phan Thiết, ngày 30 tháng 6 năm 2017" in half
    assert "Sơ kết 6 tháng đầu năm" in half and "6 tháng đầu năm 2017" in half
    # Form 2a on 30/6: 4 − escaped D 1 = 3; no newly poor household yet.
    assert "Tổng cộng 4 0 0 0 0 0 1 1 0 0 1 3" in half
    # The coverage indicators are the year's: only in the year-end report.
    assert "Thành viên hộ nghèo, hộ cận nghèo" in year
    assert "Thành viên hộ nghèo, hộ cận nghèo" not in half
    assert "Còn 1 kết quả đang rà soát" in half  # F's ad-hoc request
    assert half != year


def test_the_report_date_is_chosen_and_checked(
    client: Client, city_reviewer: User, history: History
) -> None:
    text = _text(_get(client, city_reviewer, year=2017, date="15/01/2018"))
    assert "Phan Thiết, ngày 15 tháng 01 năm 2018" in text
    response = client.get(PERIODIC, {"year": 2017, "period": "six-month", "date": "31/12/2016"})
    assert response.status_code == 400
    assert "Ngày báo cáo không được trước ngày bắt đầu kỳ báo cáo (01/01/2017)" in (
        response.content.decode()
    )


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler's pdfinfo is not installed")
def test_the_pdf_title_is_vietnamese(
    client: Client, ducthang_officer: User, history: History
) -> None:
    info = _poppler("pdfinfo", _get(client, ducthang_officer, year=2017, period="six-month"))
    title = re.search(r"^Title:\s+(.*)$", info, re.M)
    assert title is not None
    assert title[1] == (
        "Báo cáo: Sơ kết 6 tháng đầu năm thực hiện Kế hoạch giảm nghèo năm 2017 – Phường Đức Thắng"
    )


def test_a_form_is_printed_a_line_a_ward_its_flows_shaded() -> None:
    table = FormTable(
        code="bieu-2a",
        number="Biểu 2a",
        title="Diễn biến hộ nghèo",
        columns=[
            FormColumn("start", "Hộ nghèo đầu kỳ", "start"),
            FormColumn("new", "Hộ nghèo phát sinh", "in"),
            FormColumn("out_total", "Tổng số hộ giảm", "out_total"),
            FormColumn("rate", "Tỷ lệ (%)", rate_of=("start", "new")),
        ],
        rows=[
            FormRow(
                "Đức Thắng",
                UNIT,
                None,
                {
                    "start": Cell(1281),
                    "new": Cell(112),
                    "out_total": Cell(0),
                    "rate": Cell(Decimal("8.74"), rate=True),
                },
            ),
            FormRow(
                "Cộng các phường",
                SUBTOTAL,
                None,
                {
                    "start": Cell(20506),
                    "new": Cell(1799),
                    "out_total": Cell(0),
                    "rate": Cell(None, rate=True),
                },
            ),
            FormRow(
                "Tổng cộng",
                TOTAL,
                None,
                {
                    "start": Cell(25921),
                    "new": Cell(2325),
                    "out_total": Cell(0),
                    "rate": Cell(Decimal("8.97"), rate=True),
                },
            ),
        ],
    )

    form = printed_form(table)

    rows = re.findall(r'<tr class="(\w+)"><td>([^<]*)</td></tr>', form.body)
    assert [(level, " ".join(text.split())) for level, text in rows] == [
        ("unit", "Đức Thắng 1.281 112 0 8,74"),
        ("subtotal", "Cộng các phường 20.506 1.799 0 —"),
        ("total", "Tổng cộng 25.921 2.325 0 8,97"),
    ]
    assert all("\n" not in text for _level, text in rows)
    assert form.width_mm == pytest.approx(270)
    # The flow columns' headers are shaded: in green, out red.
    shading = base64.b64decode(form.shading.split(",", 1)[1]).decode()
    assert shading.count("<rect") == 2
    assert "#e6f0e6" in shading and "#f3e6e6" in shading


def _overlapping_words(content: bytes) -> list[tuple[str, str]]:
    """Pairs of words drawn over each other on a page (pdftotext -bbox: each word's box)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(content)
        html = subprocess.run(
            ["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True
        ).stdout.decode()
    word = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    )
    found = []
    for page in html.split("<page ")[1:]:
        boxes = [(*map(float, m.groups()[:4]), m.group(5)) for m in word.finditer(page)]
        for i, (x0, y0, x1, y1, text) in enumerate(boxes):
            for a0, b0, a1, b1, other in boxes[i + 1 :]:
                # Overlapping by more than half a point both ways: one word drawn over another.
                if min(x1, a1) - max(x0, a0) > 0.5 and min(y1, b1) - max(y0, b0) > 0.5:
                    found.append((text, other))
    return found


def test_no_heading_runs_over_its_neighbour(
    client: Client, city_reviewer: User, history: History
) -> None:
    # The deprivation table's headings ("Hộ nghèo nhóm N1 (… hộ)") wrap inside their columns.
    content = _get(client, city_reviewer, year=2017, period="annual")

    assert _overlapping_words(content) == []
