"""Excel import of households with their members (issue 5 §4).

The layout is the one `reports.households_export` writes with members: one sheet, a title row,
a header row, then one row per MEMBER with the household's columns repeated on each of its
rows; rows with the same household code are one household. The head of household is the row
whose relation is "head"; its name is the household's head name.

Every household goes through `household_register`, the workspace's own write, so an import
applies the same checks (fields, roster, national ID numbers already held, the same head
registered twice). The whole file is one transaction: a dry run, or any problem anywhere, rolls
everything back, so nothing is saved unless every row is valid. A household code not yet in the
ward adds a household; one already there updates it (so an exported file can be corrected and
imported back): each row updates the member it matches (national ID number, else name and year
of birth) or adds one, and members the file does not list are kept: an import deletes nobody.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from giamngheo.formatting import fold_text
from households import access
from households.ethnicities import Ethnicity
from households.models import Household, Member, Quarter, User, Ward
from households.services.registry import HouseholdRegisterError, household_register
from programs.excel import Column
from reports import xlsx_guard
from reports.xlsx_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, WorkbookRefused

MAX_ROWS = 5000
# The upload limit when settings.IMPORT_MAX_MEGABYTES is not set.
DEFAULT_MAX_MEGABYTES = 5


def max_megabytes() -> int:
    """The largest file the import takes, in MB (settings.IMPORT_MAX_MEGABYTES)."""
    return int(getattr(settings, "IMPORT_MAX_MEGABYTES", DEFAULT_MAX_MEGABYTES))


def max_file_bytes() -> int:
    return max_megabytes() * 1024 * 1024


# How to read a cell of each kind; "choice" columns also name their choices.
HOUSEHOLD = "household"
MEMBER = "member"


@dataclass(frozen=True)
class LayoutColumn:
    """One column of the import layout: the model field it fills and how it is read."""

    field: str
    part: str  # HOUSEHOLD or MEMBER
    header: Any  # lazy msgid
    width: int
    kind: str  # text, bool, date, year, choice, ward, quarter
    choices: Any = None
    example: Any = ""

    def column(self) -> Column:
        return Column(str(self.header), self.width, "date" if self.kind == "date" else "text")


LAYOUT: tuple[LayoutColumn, ...] = (
    LayoutColumn("code", HOUSEHOLD, gettext_lazy("Household code"), 12, "text", example="DT-0001"),
    LayoutColumn("ward", HOUSEHOLD, gettext_lazy("Ward / commune"), 16, "ward"),
    LayoutColumn("quarter", HOUSEHOLD, gettext_lazy("Quarter / hamlet"), 16, "quarter"),
    LayoutColumn(
        "address", HOUSEHOLD, gettext_lazy("Address"), 26, "text", example="12 Trần Hưng Đạo"
    ),
    LayoutColumn("phone", HOUSEHOLD, gettext_lazy("Phone"), 13, "text", example="0912345678"),
    LayoutColumn(
        "is_merit_family", HOUSEHOLD, gettext_lazy("People-with-merit household"), 12, "bool"
    ),
    LayoutColumn(
        "is_social_protection", HOUSEHOLD, gettext_lazy("Social-protection household"), 12, "bool"
    ),
    LayoutColumn(
        "is_ethnic_minority", HOUSEHOLD, gettext_lazy("Ethnic-minority household"), 12, "bool"
    ),
    LayoutColumn(
        "is_female_headed", HOUSEHOLD, gettext_lazy("Female-headed household"), 12, "bool"
    ),
    LayoutColumn(
        "has_no_working_age_labour", HOUSEHOLD, gettext_lazy("No working-age labour"), 12, "bool"
    ),
    LayoutColumn(
        "full_name", MEMBER, gettext_lazy("Full name"), 24, "text", example="Nguyễn Văn An"
    ),
    LayoutColumn(
        "relation", MEMBER, gettext_lazy("Relation to head"), 14, "choice", Member.Relation
    ),
    LayoutColumn("sex", MEMBER, gettext_lazy("Sex"), 8, "choice", Member.Sex),
    LayoutColumn("date_of_birth", MEMBER, gettext_lazy("Date of birth (dd/mm/yyyy)"), 14, "date"),
    LayoutColumn("birth_year", MEMBER, gettext_lazy("Year of birth"), 9, "year", example="1970"),
    LayoutColumn(
        "national_id",
        MEMBER,
        gettext_lazy("National ID number"),
        15,
        "text",
        example="060070000001",
    ),
    LayoutColumn("ethnicity", MEMBER, gettext_lazy("Ethnicity"), 10, "choice", Ethnicity),
    LayoutColumn(
        "education_level", MEMBER, gettext_lazy("Education level"), 18, "choice", Member.Education
    ),
    LayoutColumn("attends_school", MEMBER, gettext_lazy("Attending school"), 10, "bool"),
    LayoutColumn(
        "health_insurance_number", MEMBER, gettext_lazy("Health-insurance card number"), 18, "text"
    ),
    LayoutColumn(
        "health_insurance_expiry",
        MEMBER,
        gettext_lazy("Health-insurance card valid until (dd/mm/yyyy)"),
        14,
        "date",
    ),
    LayoutColumn("disability", MEMBER, gettext_lazy("Disability"), 12, "choice", Member.Disability),
    LayoutColumn(
        "work_ability", MEMBER, gettext_lazy("Ability to work"), 14, "choice", Member.WorkAbility
    ),
    LayoutColumn("occupation", MEMBER, gettext_lazy("Occupation"), 16, "text"),
)
BY_FIELD = {column.field: column for column in LAYOUT}
# Errors about the household's head name belong on the head's name cell.
HOUSEHOLD_ERROR_FIELD = {"head_name": "full_name", NON_FIELD_ERRORS: ""}


def yes_no(value: bool) -> str:
    return _("Yes") if value else ""


def layout_row(household: Household, member: Member) -> list[Any]:
    """One member's row in the import layout (the export with members writes these)."""
    values: list[Any] = []
    for column in LAYOUT:
        source = household if column.part == HOUSEHOLD else member
        value = getattr(source, column.field)
        if column.kind == "bool":
            value = yes_no(value)
        elif column.kind == "choice":
            value = column.choices(value).label if value else ""
        elif column.kind == "ward":
            value = household.ward.name
        elif column.kind == "quarter":
            value = household.quarter.name
        values.append("" if value is None else value)
    return values


def example_rows() -> list[list[Any]]:
    """The template's example: a head and her child, so both the grouping and the head show."""
    head = {
        **{c.field: c.example for c in LAYOUT},
        "full_name": "Trần Thị Bình",
        "relation": Member.Relation.HEAD.label,
        "sex": Member.Sex.FEMALE.label,
        "date_of_birth": datetime.date(1975, 3, 5),
        "birth_year": "",
        "ethnicity": Ethnicity.KINH.label,
        "education_level": Member.Education.LOWER_SECONDARY.label,
        "is_female_headed": yes_no(True),
        "disability": Member.Disability.NONE.label,
        "work_ability": Member.WorkAbility.ABLE.label,
        "occupation": _("Street vendor"),
    }
    child = {
        **head,
        "full_name": "Trần Minh Châu",
        "relation": Member.Relation.CHILD.label,
        "sex": Member.Sex.MALE.label,
        "date_of_birth": "",
        "birth_year": "2008",
        "national_id": "",
        "education_level": Member.Education.PRIMARY.label,
        "attends_school": yes_no(True),
        "occupation": _("Pupil"),
    }
    return [[row.get(c.field, "") for c in LAYOUT] for row in (head, child)]


# --- The result --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason the file cannot be imported: its row in the sheet, the column, the message."""

    row: int
    column: str
    message: str


@dataclass
class PlannedHousehold:
    """A household the file creates, as the preview lists it."""

    row: int
    code: str
    head_name: str
    ward: str
    quarter: str
    members: int
    updated: bool = False


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    households: list[PlannedHousehold] = field(default_factory=list)
    rows: int = 0
    saved: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def member_count(self) -> int:
        return sum(h.members for h in self.households)


class _Rollback(Exception):
    pass


# --- Reading cells -----------------------------------------------------------------------------


class CellError(ValueError):
    pass


_TRUE = {"co", "x", "1", "yes", "true", "c"}
_FALSE = {"", "khong", "0", "no", "false", "k"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    folded = fold_text(_text(value))
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError(_("Write “Có” (yes) or leave the cell empty (no)."))


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()  # noqa: DTZ007 (a date)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date: write it as dd/mm/yyyy, e.g. 05/03/1975.")
            % {"value": text}
        ) from None


def _year(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    if not text.isdigit() or not 1900 <= int(text) <= 2100:
        raise CellError(_("“%(value)s” is not a year of birth, e.g. 1975.") % {"value": text})
    return int(text)


def _choice_reader(choices: Any) -> Callable[[Any], str]:
    known: dict[str, str] = {}
    for value, label in choices.choices:
        known[fold_text(str(value))] = value
        known[fold_text(str(label))] = value
    names = ", ".join(str(label) for _value, label in choices.choices)

    def read(cell: Any) -> str:
        text = _text(cell)
        if not text:
            return ""
        value = known.get(fold_text(text))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of: %(choices)s.") % {"value": text, "choices": names}
            )
        return value

    return read


# --- The import --------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    household: dict[str, Any]
    member: dict[str, Any]
    ward: Ward | None
    failed: bool


def _open(source: str | os.PathLike[str] | IO[bytes]) -> Any:
    """The workbook, read-only, once `xlsx_guard` has measured the file; else WorkbookRefused."""
    xlsx_guard.check_workbook(source, max_bytes=max_file_bytes())
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl reports a malformed part with whatever its parser raised (XML ParseError,
        # KeyError, ValueError, TypeError, ...): every one of them is the file's fault here.
        raise xlsx_guard.damaged() from exc


def _rows(workbook: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The first sheet's rows, numbered from 1, read as a stream and never past the limits.

    openpyxl pads rows to the declared width and fills every declared row, so both are
    bounded here whatever the file declares; a row past MAX_SHEET_ROWS (blank rows count)
    refuses the file.
    """
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(
            max_row=MAX_SHEET_ROWS + 1, max_col=MAX_SHEET_COLUMNS, values_only=True
        )
        for number, values in enumerate(rows, start=1):
            if number > MAX_SHEET_ROWS:
                raise xlsx_guard.too_many_rows()
            yield number, values
    except WorkbookRefused:
        raise
    except Exception as exc:
        # As in _open: the sheet's XML is parsed lazily, so its errors surface here.
        raise xlsx_guard.damaged() from exc


def _find_header(rows: Iterable[tuple[int, tuple[Any, ...]]]) -> tuple[int, dict[str, int]] | None:
    """The header row among the first rows (after the title) and the column of each field."""
    wanted: dict[str, str] = {}
    for column in LAYOUT:
        wanted[fold_text(str(column.header))] = column.field
        with translation.override("en"):  # a sheet made in English reads too
            wanted[fold_text(str(column.header))] = column.field
    for number, values in rows:
        found = {}
        for index, value in enumerate(values):
            name = wanted.get(fold_text(_text(value)))
            if name is not None:
                found.setdefault(name, index)
        if "code" in found and "full_name" in found:
            return number, found
        if number >= 5:
            break
    return None


def import_households(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    user: User | None,
    ward: Ward | None,
    commit: bool,
) -> ImportResult:
    """Check the workbook `source` and, with `commit` and no problem at all, save it.

    `ward` is where the rows go (an officer's own ward; the administrator's choice); a row
    naming another ward is an error. Without `ward` (the command without --unit), each row
    names its ward. `user` is who imports: the service checks they may edit the ward.
    """
    result = ImportResult()
    try:
        workbook = _open(source)
        try:
            _check_and_save(workbook, result, user=user, ward=ward, commit=commit)
        finally:
            workbook.close()
    except WorkbookRefused as refused:
        # Refused before any row was saved (every row is read before the first write).
        return ImportResult(problems=[Problem(0, "", refused.message)])
    return result


def _check_and_save(
    workbook: Any, result: ImportResult, *, user: User | None, ward: Ward | None, commit: bool
) -> None:
    numbered = _rows(workbook)
    header = _find_header(numbered)
    if header is None:
        result.problems.append(
            Problem(
                0,
                "",
                _("No header row with “%(code)s” and “%(name)s” was found: use the template.")
                % {"code": BY_FIELD["code"].header, "name": BY_FIELD["full_name"].header},
            )
        )
        return
    _header_row, positions = header
    missing = [str(c.header) for c in LAYOUT if c.field not in positions]
    if missing:
        result.problems.append(
            Problem(
                0,
                "",
                _("These columns are missing: %(columns)s. Use the template.")
                % {"columns": ", ".join(missing)},
            )
        )
        return

    wards = {w.pk: w for w in Ward.objects.all()}
    ward_by_name: dict[str, Ward] = {}
    for candidate in wards.values():
        for name in (candidate.name, str(candidate), candidate.code):
            ward_by_name[fold_text(name)] = candidate
    quarters: dict[tuple[int, str], Quarter] = {
        (q.ward_id, fold_text(q.name)): q for q in Quarter.objects.all()
    }
    readers: dict[str, Callable[[Any], Any]] = {
        "text": _text,
        "bool": _bool,
        "date": _date,
        "year": _year,
    }
    choice_readers = {c.field: _choice_reader(c.choices) for c in LAYOUT if c.kind == "choice"}

    rows: list[_Row] = []
    for number, values in numbered:
        if not any(_text(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            result.problems.append(
                Problem(
                    number,
                    "",
                    _("The file has more than %(max)s member rows: split it into several files.")
                    % {"max": MAX_ROWS},
                )
            )
            return
        row = _Row(number, {}, {}, None, failed=False)

        def problem(column: LayoutColumn, message: str, row: _Row = row) -> None:
            result.problems.append(Problem(row.number, str(column.header), message))
            row.failed = True

        cells = {
            name: (values[index] if index < len(values) else None)
            for name, index in positions.items()
        }
        for column in LAYOUT:
            if column.field not in positions or column.kind in ("ward", "quarter"):
                continue
            read = choice_readers.get(column.field) or readers[column.kind]
            try:
                value = read(cells[column.field])
            except CellError as exc:
                problem(column, str(exc))
                continue
            if column.kind == "choice" and not value:
                continue  # the model's default (or its "required" error) applies
            (row.household if column.part == HOUSEHOLD else row.member)[column.field] = value

        ward_text = _text(cells.get("ward"))
        row_ward = ward_by_name.get(fold_text(ward_text)) if ward_text else ward
        if ward_text and row_ward is None:
            problem(
                BY_FIELD["ward"], _("There is no ward or commune “%(name)s”.") % {"name": ward_text}
            )
        elif row_ward is None:
            problem(BY_FIELD["ward"], _("Enter the ward or commune."))
        elif ward is not None and row_ward != ward:
            problem(
                BY_FIELD["ward"],
                _("This row is for %(row_ward)s: this import is only for %(ward)s.")
                % {"row_ward": row_ward, "ward": ward},
            )
        elif user is not None and not access.can_edit_ward(user, row_ward):
            problem(
                BY_FIELD["ward"],
                _("You may import households of your own ward only, not of %(ward)s.")
                % {"ward": row_ward},
            )
        else:
            row.ward = row_ward
            quarter_text = _text(cells.get("quarter"))
            quarter = quarters.get((row_ward.pk, fold_text(quarter_text)))
            if not quarter_text:
                problem(BY_FIELD["quarter"], _("Enter the quarter or hamlet."))
            elif quarter is None:
                problem(
                    BY_FIELD["quarter"],
                    _("%(ward)s has no quarter or hamlet “%(name)s”.")
                    % {"ward": row_ward, "name": quarter_text},
                )
            else:
                row.household["quarter"] = quarter
        if not row.household.get("code"):
            problem(BY_FIELD["code"], _("Enter the household code."))
        rows.append(row)

    result.rows = len(rows)
    if not rows:
        result.problems.append(Problem(0, "", _("The file has no member rows.")))
        return

    groups: dict[tuple[int | None, str], list[_Row]] = {}
    for row in rows:
        code = row.household.get("code", "")
        if code:
            groups.setdefault((row.ward.pk if row.ward else None, code.upper()), []).append(row)

    used = {
        (ward_id, code.upper())
        for ward_id, code in Household.objects.filter(
            ward_id__in={key[0] for key in groups if key[0] is not None}
        ).values_list("ward_id", "code")
    }
    try:
        with transaction.atomic():
            for (ward_id, _code), group in groups.items():
                _register_group(group, result, used=(ward_id, _code) in used, user=user)
            if result.problems or not commit:
                raise _Rollback
            result.saved = True
    except _Rollback:
        pass
    result.problems.sort(key=lambda p: (p.row, p.column))


def _register_group(
    group: list[_Row], result: ImportResult, *, used: bool, user: User | None
) -> None:
    first = group[0]
    for row in group[1:]:
        for name in sorted(set(first.household) | set(row.household)):
            if row.household.get(name) != first.household.get(name):
                result.problems.append(
                    Problem(
                        row.number,
                        str(BY_FIELD[name].header),
                        _("Rows of one household must agree: row %(row)s says otherwise.")
                        % {"row": first.number},
                    )
                )
                row.failed = True
    if any(row.failed for row in group) or first.ward is None:
        return

    heads = [row for row in group if row.member.get("relation") == Member.Relation.HEAD]
    head_row = heads[0] if heads else first
    existing = (
        Household.objects.filter(ward=first.ward, code__iexact=first.household["code"])
        .prefetch_related("members")
        .first()
        if used
        else None
    )
    if existing is None:
        household = Household(
            ward=first.ward, head_name=head_row.member.get("full_name", ""), **first.household
        )
        members = [Member(**row.member) for row in group]
    else:
        household = existing
        for name, value in first.household.items():
            setattr(household, name, value)
        household.head_name = head_row.member.get("full_name", "")
        members = _matched_members(existing, group)
    planned = PlannedHousehold(
        row=first.number,
        code=household.code,
        head_name=household.head_name,
        ward=str(first.ward),
        quarter=household.quarter.name,
        members=len(members),
        updated=existing is not None,
    )
    try:
        household_register(household=household, members=members, by=user)
    except HouseholdRegisterError as exc:
        _add_register_problems(exc, group, head_row, result)
        return
    except PermissionDenied:
        result.problems.append(
            Problem(
                first.number,
                str(BY_FIELD["ward"].header),
                _("You may import households of your own ward only, not of %(ward)s.")
                % {"ward": first.ward},
            )
        )
        return
    result.households.append(planned)


def _matched_members(household: Household, group: list[_Row]) -> list[Member]:
    """The roster after the import: each row updates the member it matches (by national ID
    number, else by name and year of birth) or adds a new one; members the file does not
    list are kept as they are (an import never deletes anyone)."""
    stored = list(household.members.all())
    by_id = {m.national_id: m for m in stored if m.national_id}
    by_name = {(fold_text(m.full_name), m.birth_year): m for m in stored}
    matched: set[int] = set()
    members: list[Member] = []
    for row in group:
        data = row.member
        born = data.get("birth_year") or (
            data["date_of_birth"].year if data.get("date_of_birth") else None
        )
        match = by_id.get(data.get("national_id") or "") or by_name.get(
            (fold_text(data.get("full_name", "")), born)
        )
        if match is not None and match.pk not in matched:
            matched.add(match.pk)
            for name, value in data.items():
                setattr(match, name, value)
            members.append(match)
        else:
            members.append(Member(household=household, **data))
    members.extend(m for m in stored if m.pk not in matched)
    return members


def _add_register_problems(
    exc: HouseholdRegisterError, group: list[_Row], head_row: _Row, result: ImportResult
) -> None:
    def header(name: str) -> str:
        column = BY_FIELD.get(name)
        return str(column.header) if column else ""

    for name, messages in exc.household_errors.items():
        target = HOUSEHOLD_ERROR_FIELD.get(name, name)
        row = head_row if target == "full_name" else group[0]
        for message in messages:
            result.problems.append(Problem(row.number, header(target), message))
    for index, errors in exc.member_errors.items():
        # Members kept from the registry (not in the file) come after the file's rows.
        row = group[index] if index < len(group) else group[0]
        for name, messages in errors.items():
            for message in messages:
                result.problems.append(Problem(row.number, header(name), message))
    for message in exc.roster_errors:
        result.problems.append(Problem(group[0].number, header("relation"), message))
    if exc.possible_duplicates:
        message = exc.messages_found()[-1]
        result.problems.append(Problem(head_row.number, header("full_name"), message))
