"""The household list's one-click Excel round trip (issue 13 B): "Xuất Excel" writes the import
layout with the survey's columns, and the import's dry run says what each row changes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    PovertyStatus,
    ReviewEvent,
    ReviewRound,
    User,
)
from households.services import assessment_submit
from reports.imports import BY_FIELD, INCOME_HEADER, ROUND_HEADER, RowChange
from tests.factories import make_assessment, make_household, make_member, make_round

pytestmark = pytest.mark.django_db

URL = reverse("reports:import")
EXPORT_URL = reverse("reports:household_list_xlsx")
LIST_URL = reverse("households:list")
# A card valid past the 2017 round's reference date: the roster's insurance indicator is met.
CARD = {"health_insurance_number": "HN4600000000001"}


def household(code: str, head: str, *, ward_code: str = "duc-thang", **extra: Any) -> Household:
    found = make_household(ward_code, code=code, head_name=head, **extra)
    make_member(found, full_name=head, birth_year=1968, **CARD)
    make_member(
        found,
        full_name=f"Con của {head}",
        relation=Member.Relation.CHILD,
        birth_year=1995,
        **CARD,
    )
    return found


def exported(client: Client, **query: str) -> bytes:
    """What "Xuất Excel" on the household list downloads (the list's own link)."""
    page = client.get(LIST_URL, query)
    href = page.content.decode().split('data-testid="export-xlsx"')[0].rsplit('href="', 1)[1]
    link = href.split('"', 1)[0].replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200, link
    return b"".join(response.streaming_content)


def edited(content: bytes, changes: dict[tuple[str, str | None, Any], Any]) -> bytes:
    """`content` with cells changed: {(household code, member name or None: every member of
    the household, header): value}."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    headers = [cell.value for cell in sheet[2]]
    code_at = headers.index(str(BY_FIELD["code"].header))
    name_at = headers.index(str(BY_FIELD["full_name"].header))
    for (code, name, header), value in changes.items():
        for row in sheet.iter_rows(min_row=3):
            if row[code_at].value == code and name in (None, row[name_at].value):
                row[headers.index(str(header))].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dry_run(client: Client, content: bytes) -> Any:
    return client.post(URL, {"file": SimpleUploadedFile("ho-gia-dinh.xlsx", content)})


def problems_of(response: Any) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in response.context["result"].problems]


def saved_state() -> tuple[Any, ...]:
    """Everything an import may write, to show that a dry run wrote none of it."""
    return (
        sorted(Household.objects.values_list("code", "address", "phone", "version")),
        sorted(Member.objects.values_list("full_name", "occupation", "birth_year")),
        sorted(Assessment.objects.values_list("household__code", "income_per_capita", "status")),
        Household.history.count(),  # type: ignore[attr-defined]
        Member.history.count(),  # type: ignore[attr-defined]
        ReviewEvent.objects.count(),
    )


@pytest.fixture
def register(duc_thang: Any) -> ReviewRound:
    """Two households of Đức Thắng surveyed in 2017, one not surveyed yet."""
    review_round = make_round(2017)
    make_assessment(
        household("DT-0001", "Nguyễn Văn An"),
        review_round=review_round,
        income_per_capita=850_000,
        deprivations=["housing_quality"],
    )
    make_assessment(
        household("DT-0002", "Trần Thị Bình", phone="0912345678"),
        review_round=review_round,
        income_per_capita=1_500_000,
    )
    household("DT-0003", "Lê Văn Cường")
    return review_round


def test_the_list_exports_the_import_layout_with_the_survey_in_one_click(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    sheet = load_workbook(io.BytesIO(exported(client))).active
    headers = [cell.value for cell in sheet[2]]
    rows = {
        (row[0], row[headers.index("Họ và tên")]): row
        for row in sheet.iter_rows(min_row=3, values_only=True)
    }

    assert len(rows) == 6  # one row per member
    assert headers[-9:] == [
        str(ROUND_HEADER),
        str(INCOME_HEADER),
        # The 2016–2020 standard's indicators an officer ticks (not those the roster gives).
        "Tiếp cận dịch vụ y tế",
        "Chất lượng nhà ở",
        "Diện tích nhà ở bình quân đầu người",
        "Nguồn nước sinh hoạt",
        "Hố xí/nhà tiêu hợp vệ sinh",
        "Sử dụng dịch vụ viễn thông",
        "Tài sản phục vụ tiếp cận thông tin",
    ]
    an = rows[("DT-0001", "Nguyễn Văn An")]
    assert an[-9:] == (register.name, 850_000, None, "Có", None, None, None, None, None)
    assert rows[("DT-0001", "Con của Nguyễn Văn An")][-9:] == an[-9:]
    # Not surveyed in the round: the round is named, the survey left to fill in.
    assert rows[("DT-0003", "Lê Văn Cường")][-9:] == (register.name, *[None] * 8)


def test_an_exported_file_imported_unchanged_changes_nothing(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    content = exported(client)
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == []
    result = response.context["result"]
    assert [(c.row, c.code, c.kind) for c in result.changes] == [
        (3, "DT-0001", RowChange.UNCHANGED),
        (4, "DT-0001", RowChange.UNCHANGED),
        (5, "DT-0002", RowChange.UNCHANGED),
        (6, "DT-0002", RowChange.UNCHANGED),
        (7, "DT-0003", RowChange.UNCHANGED),
        (8, "DT-0003", RowChange.UNCHANGED),
    ]
    assert all(not c.fields and not c.survey for c in result.changes)
    page = response.content.decode()
    assert "Tệp không thay đổi gì: mọi dòng đều như đã ghi." in page
    assert page.count("không thay đổi</span>") == 6
    assert saved_state() == before


def test_an_edited_cell_shows_that_change_only_saves_nothing_then_apply_saves_it(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    content = edited(
        exported(client),
        {("DT-0002", None, BY_FIELD["address"].header): "99 Nguyễn Hội"},
    )
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == []
    changes = response.context["result"].changes
    changed = [c for c in changes if c.kind != RowChange.UNCHANGED]
    assert [(c.row, c.code, c.kind) for c in changed] == [(5, "DT-0002", RowChange.CHANGED)]
    assert [(f.label, f.old, f.new) for f in changed[0].fields] == [
        ("Địa chỉ", "12 Trần Hưng Đạo", "99 Nguyễn Hội")
    ]
    assert changed[0].survey == ""
    assert "<del>12 Trần Hưng Đạo</del> → <ins>99 Nguyễn Hội</ins>" in response.content.decode()
    assert saved_state() == before

    applied = client.post(URL, {"token": response.context["token"]})

    assert applied.status_code == 302
    assert Household.objects.get(code="DT-0002").address == "99 Nguyễn Hội"
    assert Household.objects.get(code="DT-0001").address == "12 Trần Hưng Đạo"


def test_survey_columns_record_the_survey_with_the_engines_classification(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    # Worked by hand, 2016–2020 standard, Đức Thắng (urban): 1.000.000 đ a person a month is
    # above the poverty line (900.000 đ) and at most the near-poverty line (1.300.000 đ); with
    # 3 deprivations (the standard's minimum) the household is poor, with 2 near-poor.
    client.force_login(ducthang_officer)
    content = edited(
        exported(client),
        {
            ("DT-0003", None, INCOME_HEADER): "1.000.000",
            ("DT-0003", None, "Chất lượng nhà ở"): "Có",
            ("DT-0003", None, "Diện tích nhà ở bình quân đầu người"): "có",
            ("DT-0003", None, "Nguồn nước sinh hoạt"): "x",
            # An existing draft: income corrected, its cause kept.
            ("DT-0002", None, INCOME_HEADER): 1_100_000,
            ("DT-0002", None, "Hố xí/nhà tiêu hợp vệ sinh"): "Có",
            ("DT-0002", None, "Sử dụng dịch vụ viễn thông"): "Có",
        },
    )
    bình = Assessment.objects.get(household__code="DT-0002")
    cause = PovertyCause.objects.order_by("pk").first()
    bình.causes.set([cause])
    before = saved_state()

    response = dry_run(client, content)

    assert problems_of(response) == []
    surveyed = {c.code: c.survey for c in response.context["result"].changes if c.survey}
    assert surveyed == {
        "DT-0002": f"{register.name}: 1.100.000 đ mỗi người, thiếu hụt: Hố xí/nhà tiêu hợp vệ "
        "sinh, Sử dụng dịch vụ viễn thông → Hộ cận nghèo (trước: Hộ có mức sống trung bình)",
        "DT-0003": f"{register.name}: 1.000.000 đ mỗi người, thiếu hụt: Chất lượng nhà ở, Diện "
        "tích nhà ở bình quân đầu người, Nguồn nước sinh hoạt → Hộ nghèo – Nhóm N2 (thiếu hụt "
        "đa chiều)",
    }
    assert saved_state() == before

    client.post(URL, {"token": response.context["token"]})

    cường = Assessment.objects.get(household__code="DT-0003", round=register)
    assert (cường.status, cường.income_per_capita, cường.deprivation_count) == (
        PovertyStatus.POOR,
        1_000_000,
        3,
    )
    assert (cường.housing_quality, cường.housing_area, cường.water_source) == (True, True, True)
    assert cường.created_by == ducthang_officer
    assert cường.events.get().action == ReviewEvent.Action.CREATE
    assert cường.history.first().history_user == ducthang_officer  # type: ignore[attr-defined]
    bình.refresh_from_db()
    assert (bình.status, bình.income_per_capita, bình.deprivation_count) == (
        PovertyStatus.NEAR_POOR,
        1_100_000,
        2,
    )
    assert list(bình.causes.all()) == [cause]
    # The re-exported file now carries the surveys: imported again, it changes nothing.
    again = dry_run(client, exported(client))
    assert response.context["result"].surveys == 2
    assert again.context["result"].unchanged


@pytest.mark.parametrize(
    ("cell", "value", "column", "message"),
    [
        (
            INCOME_HEADER,
            "1,5 triệu",
            "Thu nhập bình quân đầu người/tháng (đồng)",
            "Nhập thu nhập bình quân đầu người bằng số đồng nguyên, ví dụ 1100000.",
        ),
        (
            INCOME_HEADER,
            -5,
            "Thu nhập bình quân đầu người/tháng (đồng)",
            "Thu nhập không được âm.",
        ),
        (
            "Nguồn nước sinh hoạt",
            "có lẽ",
            "Nguồn nước sinh hoạt",
            "Ghi “Có” hoặc để trống ô (không).",
        ),
        (
            ROUND_HEADER,
            "Rà soát năm 2030",
            "Kỳ rà soát của phiếu khảo sát",
            "Không có kỳ rà soát định kỳ “Rà soát năm 2030”.",
        ),
    ],
)
def test_bad_survey_cells_are_named_in_vietnamese_and_nothing_is_saved(
    client: Client,
    ducthang_officer: User,
    register: ReviewRound,
    cell: Any,
    value: Any,
    column: str,
    message: str,
) -> None:
    client.force_login(ducthang_officer)
    content = edited(
        exported(client),
        {
            ("DT-0003", "Lê Văn Cường", cell): value,
            ("DT-0001", None, BY_FIELD["phone"].header): "0987654321",
        },
    )
    before = saved_state()

    response = dry_run(client, content)
    assert (7, column, message) in problems_of(response)
    assert response.context["token"] == ""
    assert saved_state() == before


def test_a_survey_needs_its_income(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    content = edited(exported(client), {("DT-0003", None, "Nguồn nước sinh hoạt"): "Có"})

    response = dry_run(client, content)

    assert problems_of(response) == [
        (
            7,
            "Thu nhập bình quân đầu người/tháng (đồng)",
            "Nhập thu nhập bình quân đầu người để ghi phiếu khảo sát.",
        )
    ]
    assert not Assessment.objects.filter(household__code="DT-0003").exists()


def test_another_wards_household_is_refused_and_nothing_is_saved(
    client: Client, ducthang_officer: User, tienloi_officer: User, register: ReviewRound
) -> None:
    household("TL-0001", "Phạm Văn Dũng", ward_code="tien-loi")
    client.force_login(tienloi_officer)
    theirs = exported(client)
    client.force_login(ducthang_officer)
    ours = exported(client)
    assert b"TL-0001" not in ours  # the export is scoped to the officer's ward
    before = saved_state()

    response = dry_run(client, edited(theirs, {("TL-0001", None, INCOME_HEADER): 500_000}))

    assert problems_of(response)[0] == (
        3,
        "Phường/xã",
        "Dòng này thuộc Xã Tiến Lợi: lần nhập này chỉ dành cho Phường Đức Thắng.",
    )
    assert response.context["token"] == ""
    assert saved_state() == before


def test_another_wards_officer_cannot_import_our_export(
    client: Client, ducthang_officer: User, tienloi_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    ours = exported(client)
    client.force_login(tienloi_officer)
    before = saved_state()

    response = dry_run(client, edited(ours, {("DT-0001", None, INCOME_HEADER): 100_000}))

    assert {(p.column, p.message) for p in response.context["result"].problems} == {
        ("Phường/xã", "Dòng này thuộc Phường Đức Thắng: lần nhập này chỉ dành cho Xã Tiến Lợi.")
    }
    assert saved_state() == before


def test_anonymous_visitors_are_sent_to_log_in(client: Client, register: ReviewRound) -> None:
    for url in (URL, f"{EXPORT_URL}?members=1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(URL, {"file": SimpleUploadedFile("ho.xlsx", b"x")})
    assert response.status_code == 302
    assert Household.objects.count() == 3


def test_the_dry_run_reads_a_constant_number_of_queries(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    small = edited(exported(client), {("DT-0003", None, INCOME_HEADER): 1_000_000})
    for number in range(4, 13):
        make_assessment(
            household(f"DT-{number:04d}", f"Hộ Số {number}"),
            review_round=register,
            income_per_capita=800_000 + number,
        )
    large = edited(exported(client), {("DT-0003", None, INCOME_HEADER): 1_000_000})
    large = edited(large, {(f"DT-{n:04d}", None, INCOME_HEADER): 1_200_000 for n in range(4, 13)})
    dry_run(client, small)  # the session and the user are cached after the first request

    counts = []
    for content in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = dry_run(client, content)
        assert response.context["result"].is_valid
        counts.append(len(queries))

    assert response.context["result"].surveys == 10
    assert counts[0] == counts[1]


def test_a_survey_under_review_is_kept_unless_the_file_changes_it(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    an = Assessment.objects.get(household__code="DT-0001")
    assessment_submit(assessment=an, by=ducthang_officer)
    client.force_login(ducthang_officer)
    content = exported(client)

    assert dry_run(client, content).context["result"].unchanged

    response = dry_run(client, edited(content, {("DT-0001", None, INCOME_HEADER): 700_000}))

    assert problems_of(response) == [
        (
            3,
            "Kỳ rà soát của phiếu khảo sát",
            "Phiếu đang trong quá trình xét duyệt (“Đã nộp”) nên không thể sửa. Hãy rút lại "
            "phiếu, hoặc đề nghị thành phố trả lại.",
        )
    ]
    an.refresh_from_db()
    assert an.income_per_capita == 850_000


def test_a_survey_needs_its_round_and_other_columns_are_left_alone(
    client: Client, ducthang_officer: User, register: ReviewRound
) -> None:
    client.force_login(ducthang_officer)
    book = load_workbook(io.BytesIO(exported(client)))
    sheet = book.active
    notes = sheet.max_column + 1
    sheet.cell(row=2, column=notes, value="Ghi chú của cán bộ")
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row=row, column=notes, value="đã gặp chủ hộ")
    buffer = io.BytesIO()
    book.save(buffer)
    content = edited(buffer.getvalue(), {("DT-0003", None, ROUND_HEADER): None})
    # A column the officer adds is not read; a row without a round records no survey.
    response = dry_run(client, content)
    assert problems_of(response) == []
    assert response.context["result"].unchanged

    response = dry_run(client, edited(content, {("DT-0003", None, INCOME_HEADER): 1}))

    assert problems_of(response) == [
        (7, "Kỳ rà soát của phiếu khảo sát", "Nhập kỳ rà soát để ghi phiếu khảo sát."),
        (8, "Kỳ rà soát của phiếu khảo sát", "Nhập kỳ rà soát để ghi phiếu khảo sát."),
    ]
    assert not response.context["result"].unchanged
