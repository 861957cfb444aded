"""The import at a ward's scale (issue 11): checked in memory, saved in bulk, all or nothing."""

from __future__ import annotations

import io
import math
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from households.models import Household, Member, User
from reports import imports
from reports.imports import BATCH, LAYOUT, MAX_ROWS, PROGRESS_EVERY, import_households
from tests.factories import make_household, make_member
from tests.reports.test_import import row

pytestmark = pytest.mark.django_db


def households(count: int, *, start: int = 0) -> list[dict[str, Any]]:
    """`count` households of Đức Thắng, a head with an ID number and a child each."""
    # `row()` reads the ward's first quarter (two queries): once for the file, not per row.
    head = row()
    rows = []
    for number in range(start, start + count):
        code = f"DT-{number:05d}"
        rows.append(
            {
                **head,
                "code": code,
                "full_name": f"Hộ Số {number}",
                "national_id": f"0600{number:08d}",
            }
        )
        rows.append(
            {
                **head,
                "code": code,
                "full_name": f"Con Số {number}",
                "relation": "Con",
                "sex": "Nữ",
                "birth_year": "2008",
                "attends_school": "Có",
            }
        )
    return rows


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    """tests/reports/test_import.py's file, written as a stream: thousands of rows in a
    fraction of the time (no cell objects kept), the same cells read back."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Danh sách"])
    sheet.append([str(column.header) for column in LAYOUT])
    for values in rows:
        sheet.append([values.get(column.field, "") for column in LAYOUT])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def imported(content: bytes, user: User, **extra: Any) -> Any:
    return import_households(io.BytesIO(content), user=user, ward=user.ward, commit=True, **extra)


def test_the_limit_is_fifty_thousand_rows() -> None:
    assert MAX_ROWS == 50_000


def test_a_file_of_6000_rows_imports_every_row(ducthang_officer: User) -> None:
    # Past the old cap of 5,000 member rows.
    result = imported(xlsx(households(3000)), ducthang_officer)

    assert result.problems == []
    assert result.saved
    assert result.rows == 6000
    assert Household.objects.count() == 3000
    assert Member.objects.count() == 6000
    household = Household.objects.get(code="DT-02999")
    assert household.head_name == "Hộ Số 2999"
    assert household.head_name_folded == "ho so 2999"
    assert household.version == 1
    assert sorted(household.members.values_list("full_name_folded", "relation")) == [
        ("con so 2999", Member.Relation.CHILD),
        ("ho so 2999", Member.Relation.HEAD),
    ]
    head = household.members.get(relation=Member.Relation.HEAD)
    assert head.national_id == "060000002999"
    assert head.birth_year == 1968


def test_an_error_in_the_last_row_saves_nothing(ducthang_officer: User) -> None:
    rows = households(200)
    rows[-1] = {**rows[-1], "birth_year": "20x8"}

    result = imported(xlsx(rows), ducthang_officer)

    assert not result.saved
    assert [(p.row, p.column) for p in result.problems] == [(len(rows) + 2, "Năm sinh")]
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
    assert Household.history.count() == 0


def test_a_conflict_found_only_at_the_last_household_saves_nothing(
    ducthang_officer: User,
) -> None:
    # The last household repeats the first one's ID number: found when the file's
    # households are compared, after every row has been read.
    rows = households(100)
    rows[-2] = {**rows[-2], "national_id": rows[0]["national_id"]}

    result = imported(xlsx(rows), ducthang_officer)

    assert not result.saved
    (problem,) = result.problems
    assert problem.row == len(rows) + 1
    assert "DT-00000" in problem.message
    assert Household.objects.count() == 0


def test_imported_households_and_members_have_their_history(ducthang_officer: User) -> None:
    imported(xlsx(households(3)), ducthang_officer)

    household = Household.objects.get(code="DT-00001")
    (record,) = household.history.all()
    assert record.history_type == "+"
    assert record.history_user == ducthang_officer
    assert record.head_name == "Hộ Số 1"
    members = Member.history.filter(household_id=household.pk)
    assert sorted(members.values_list("full_name", "history_type")) == [
        ("Con Số 1", "+"),
        ("Hộ Số 1", "+"),
    ]
    assert {m.history_user for m in members} == {ducthang_officer}


def test_an_update_in_bulk_keeps_history_and_bumps_the_version(ducthang_officer: User) -> None:
    household = make_household(code="DT-00001", head_name="Hộ Số 1")
    head = make_member(household, full_name="Hộ Số 1", birth_year=1968)
    rows = households(2)
    rows[2:] = [{**r, "address": "9 Hải Thượng Lãn Ông"} for r in rows[2:]]

    result = imported(xlsx(rows), ducthang_officer)

    assert result.problems == []
    assert [h.updated for h in result.households] == [False, True]
    household.refresh_from_db()
    assert household.address == "9 Hải Thượng Lãn Ông"
    assert household.version == 2
    assert household.history.first().history_type == "~"
    assert household.history.first().history_user == ducthang_officer
    head.refresh_from_db()
    assert head.national_id == "060000000001"  # matched by name and year of birth
    assert head.history.first().history_user == ducthang_officer
    assert household.members.count() == 2


def test_an_archived_household_in_the_file_is_a_problem_not_an_error(
    ducthang_officer: User,
) -> None:
    household = make_household(code="DT-00000", head_name="Hộ Số 0")
    Household.objects.filter(pk=household.pk).update(archived_at="2018-01-01T00:00:00Z")

    result = imported(xlsx(households(2)), ducthang_officer)

    assert not result.saved
    assert [(p.row, p.column) for p in result.problems] == [(3, "Mã hộ")]
    assert "lưu trữ" in result.problems[0].message
    assert Household.objects.count() == 1


def test_the_queries_do_not_grow_with_the_rows(ducthang_officer: User) -> None:
    small, large = xlsx(households(25)), xlsx(households(250, start=1000))

    with CaptureQueriesContext(connection) as few:
        assert imported(small, ducthang_officer).saved
    with CaptureQueriesContext(connection) as many:
        assert imported(large, ducthang_officer).saved

    assert Member.objects.count() == 550

    def inserts(queries: Any) -> list[str]:
        return [q["sql"] for q in queries if q["sql"].startswith("INSERT")]

    assert len(many) - len(inserts(many)) == len(few) - len(inserts(few)) <= 16
    # Inserts go in batches of as many rows as the database takes in one statement (on
    # PostgreSQL BATCH, so one each for households, members and their history here; SQLite
    # takes fewer parameters).
    fields = Member.history.model._meta.concrete_fields
    batch = min(BATCH, connection.ops.bulk_batch_size(fields, [None] * BATCH))
    assert len(inserts(few)) <= 4 * math.ceil(50 / batch)
    assert len(inserts(many)) <= 4 * math.ceil(500 / batch)


def test_a_preview_writes_nothing(ducthang_officer: User) -> None:
    content = xlsx(households(50))

    with CaptureQueriesContext(connection) as queries:
        result = import_households(
            io.BytesIO(content), user=ducthang_officer, ward=ducthang_officer.ward, commit=False
        )

    assert result.problems == []
    assert len(result.households) == 50
    assert not any(q["sql"].startswith(("INSERT", "UPDATE")) for q in queries)
    assert Household.objects.count() == 0


def test_progress_is_reported_by_rows(
    ducthang_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every PROGRESS_EVERY rows (500) and once at the end: the same steps at a tenth of the
    # rows, 120 rows reported every 50.
    assert PROGRESS_EVERY == 500
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 50)
    calls: list[tuple[int, int]] = []

    imported(xlsx(households(60)), ducthang_officer, progress=lambda *c: calls.append(c))

    assert calls == [(50, 120), (100, 120), (120, 120)]


def test_a_code_saved_by_someone_else_meanwhile_is_a_problem(
    ducthang_officer: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another officer saves DT-00001 between the check and the bulk insert: the database
    # refuses the insert, and the import says which row, saving nothing.
    checked = imports._Planner.plans

    def plans_then_a_rival(planner: Any) -> Any:
        found = checked(planner)
        make_household(code="DT-00001", head_name="Người Khác")
        return found

    monkeypatch.setattr(imports._Planner, "plans", plans_then_a_rival)

    result = imported(xlsx(households(3)), ducthang_officer)

    assert not result.saved
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (5, "Mã hộ", "Mã hộ này đã được dùng trong phường/xã này.")
    ]
    # (The rival was saved inside the import's transaction here, so it is rolled back too.)
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0
