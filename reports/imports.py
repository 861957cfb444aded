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

After the layout's columns a file may carry the household's survey (issue 13 B): the periodic
review round, the income per person per month and "Có" under each indicator of the round's
standard that an officer ticks on the survey form. A survey that differs from the one recorded
is recorded by `assessment_save`, the survey form's service (the classification, its history
and review event stay the service's). The dry run (`commit=False`) lists what each row would
change (`RowChange`: a new household or member, the values changed old → new, the survey with
the result the engine gives it, or nothing), reading the same few queries however many rows.

Units and quarters across a merger (issue 13 B; `households.units`). Households stay registered
in the unit they were registered in, so a merged unit's officer exports households of the
units merged into it, and names repeat across the two maps (the 2016 ward Mũi Né and the 2025
ward Mũi Né). The ward column names the household's registered unit by its label
(`unit_labels`): its name, or, when another unit has the same name, its name and its parent's,
"Mũi Né (Thành phố Phan Thiết)" — one unit, as a name is unique in its parent. The quarter
column is the quarter's name, or, for a household registered in a merged unit (which lives in
a quarter of a unit merged into it, as the household form offers them), the name and that
unit's label, "Khu phố 1, Phú Trinh" (`quarter_label`). The import reads either form, and a
unit's code or "Phường Mũi Né"; a plain name two units share is read as the importing ward's
own: a unit of its `lineage`, one merged into it before the ward itself (older files wrote the
plain name of the former unit, where the households are registered), else an error naming the
choices. An import for a ward takes the households registered in any unit of its lineage and
updates them where they are registered; a new household is registered in the ward, as the
household form registers it, so a new household in a row naming a unit merged into the ward is
refused with where to register it.
"""

from __future__ import annotations

import datetime
import functools
import operator
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import reduce
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from giamngheo.formatting import fold_text, format_vnd
from households import access, units
from households.classification import Indicator, get_standard, standards
from households.ethnicities import Ethnicity
from households.forms.survey import IncomeField
from households.models import (
    EDITABLE_STATES,
    Assessment,
    Household,
    IncomeRoute,
    Member,
    Quarter,
    ReviewRound,
    User,
    Ward,
)
from households.models.registry import fold_name
from households.roster import roster_member
from households.services.assessments import (
    assessment_apply_result,
    assessment_reclassify,
    assessment_save,
    ensure_editable,
)
from households.services.registry import (
    HOUSEHOLD_ATTNAMES,
    MEMBER_ATTNAMES,
    HouseholdRegisterError,
    _identity_changed,
    _the_head,
    _values,
    archived_message,
    national_id_taken_message,
    roster_problems,
)
from programs.excel import Column
from programs.scope import scope_for
from reports import xlsx_guard
from reports.xlsx_guard import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, WorkbookRefused

# Member rows a file may hold (issue 11: a ward's whole register in one file).
MAX_ROWS = 50_000
# The upload limit when settings.IMPORT_MAX_MEGABYTES is not set: a 50,000-row file exported
# with members is about 5 MB.
DEFAULT_MAX_MEGABYTES = 10
# Rows between two calls of `progress` (a background job's progress bar).
PROGRESS_EVERY = 500
# Rows a bulk insert sends at once, and a bulk update (whose statement has a CASE over its
# rows for each column: PostgreSQL reads it row by row, so smaller batches are faster).
BATCH = 1000
UPDATE_BATCH = 200

# (rows done, rows in all).
Progress = Callable[[int, int], None]


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

# The survey's columns, after the layout's (optional: a file without them records no survey).
# The round names where the survey is recorded; the indicators are those an officer ticks on
# the survey form under that round's standard (the roster-derived ones are derived, as there).
ROUND_HEADER = gettext_lazy("Review round of the survey")
INCOME_HEADER = gettext_lazy("Income per person per month (đồng)")
ROUND = "survey_round"
INCOME = "income_per_capita"
# Errors about the household's head name belong on the head's name cell.
HOUSEHOLD_ERROR_FIELD = {"head_name": "full_name", NON_FIELD_ERRORS: ""}


def yes_no(value: bool) -> str:
    return _("Yes") if value else ""


def unit_labels(wards: Iterable[Ward]) -> dict[int, str]:
    """Each unit of `wards` (all of them, with their district) → its label in the ward column:
    its name, or its name and its parent's when another unit has the same name."""
    wards = list(wards)
    named = Counter(fold_text(ward.name) for ward in wards)
    return {
        ward.pk: ward.name if named[fold_text(ward.name)] == 1 else f"{ward.name} ({ward.district})"
        for ward in wards
    }


def quarter_label(name: str, quarter_ward_id: int, ward_id: int, labels: dict[int, str]) -> str:
    """The quarter column of a household registered in unit `ward_id`: the quarter's name, and
    the label of its unit when that is another (a unit merged into the household's)."""
    return name if quarter_ward_id == ward_id else f"{name}, {labels[quarter_ward_id]}"


def layout_row(
    household: Household, member: Member, labels: dict[int, str] | None = None
) -> list[Any]:
    """One member's row in the import layout (the export with members writes these)."""
    if labels is None:
        labels = unit_labels(Ward.objects.select_related("district"))
    values: list[Any] = []
    for column in LAYOUT:
        source = household if column.part == HOUSEHOLD else member
        value = getattr(source, column.field)
        if column.kind == "bool":
            value = yes_no(value)
        elif column.kind == "choice":
            value = column.choices(value).label if value else ""
        elif column.kind == "ward":
            value = labels[household.ward_id]
        elif column.kind == "quarter":
            quarter = household.quarter
            value = quarter_label(quarter.name, quarter.ward_id, household.ward_id, labels)
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


def survey_round(review_round: ReviewRound | None) -> ReviewRound | None:
    """The round whose survey an export carries: the list's round when it is a periodic one,
    else the latest periodic round (the one officers survey in); None when there is none."""
    if review_round is not None and review_round.kind == ReviewRound.Kind.PERIODIC:
        return review_round
    return ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC).order_by("-year").first()


def typed_indicators(review_round: ReviewRound) -> list[Indicator]:
    """The indicators of the round's standard an officer records (the survey form's boxes):
    those `households.roster` derives from the members are derived on import too."""
    return [i for i in get_standard(review_round.standard).indicators if not i.derivation]


def survey_columns(review_round: ReviewRound | None) -> list[Column]:
    if review_round is None:
        return []
    return [
        Column(str(ROUND_HEADER), 18),
        Column(str(INCOME_HEADER), 16, "vnd"),
        *(Column(str(indicator.label), 12) for indicator in typed_indicators(review_round)),
    ]


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


@dataclass(frozen=True)
class FieldChange:
    """One value the file changes, as the sheet shows it."""

    label: str
    old: str
    new: str


@dataclass
class RowChange:
    """What one row of the file does, as the dry run lists it."""

    NEW_HOUSEHOLD = "new_household"
    NEW_MEMBER = "new_member"
    CHANGED = "changed"
    UNCHANGED = "unchanged"

    row: int
    code: str
    name: str
    kind: str
    fields: list[FieldChange] = field(default_factory=list)
    # The survey the row records and the result the engine gives it; "" when none.
    survey: str = ""


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    households: list[PlannedHousehold] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    rows: int = 0
    saved: bool = False
    surveys: int = 0

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def member_count(self) -> int:
        return sum(h.members for h in self.households)

    @property
    def unchanged(self) -> bool:
        """A valid file whose every row is as recorded."""
        return self.is_valid and all(c.kind == RowChange.UNCHANGED for c in self.changes)

    def counts(self) -> dict[str, int]:
        """The households the file adds, its rows by what they do, the surveys it records."""
        kinds = [change.kind for change in self.changes]
        return {
            "new_households": sum(not h.updated for h in self.households),
            "new_members": kinds.count(RowChange.NEW_MEMBER),
            "changed": kinds.count(RowChange.CHANGED),
            "unchanged": kinds.count(RowChange.UNCHANGED),
            "surveys": self.surveys,
        }


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
    if value is None:
        return False
    folded = _folded(_text(value))
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


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """`fold_text`, remembered: a column of choices or yes/no repeats a few texts."""
    return fold_text(text)


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
        value = known.get(_folded(text))
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
    # The survey the row carries: ROUND, INCOME (None: blank) and each typed indicator's key.
    survey: dict[str, Any] = field(default_factory=dict)


def _income(value: Any) -> int | None:
    """The income cell: a number, or the text officers type ("1.100.000"), read by the
    survey's own field; None when blank."""
    if isinstance(value, bool):
        value = str(value)
    try:
        return IncomeField(required=False).clean(_text(value))
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


@dataclass
class _SurveyColumns:
    """Where the survey's columns are in the file (each None or absent when it has none)."""

    round_at: int | None = None
    income_at: int | None = None
    # Folded indicator labels (of any standard, in Vietnamese and English) to their column.
    indicator_at: dict[str, int] = field(default_factory=dict)

    @classmethod
    def find(cls, header: tuple[Any, ...]) -> _SurveyColumns:
        round_names, income_names = _both_languages(ROUND_HEADER), _both_languages(INCOME_HEADER)
        indicators = {
            name
            for standard in standards().values()
            for indicator in standard.indicators
            for name in _both_languages(indicator.label)
        }
        found = cls()
        for index, value in enumerate(header):
            name = fold_text(_text(value))
            if not name:
                continue
            if name in round_names and found.round_at is None:
                found.round_at = index
            elif name in income_names and found.income_at is None:
                found.income_at = index
            elif name in indicators:  # other columns an officer adds are left alone
                found.indicator_at.setdefault(name, index)
        return found

    def position(self, indicator: Indicator) -> int | None:
        for name in _both_languages(indicator.label):
            if name in self.indicator_at:
                return self.indicator_at[name]
        return None


def _both_languages(label: Any) -> set[str]:
    """A header folded as it reads in the user's language and in English."""
    names = {fold_text(str(label))}
    with translation.override("en"):
        names.add(fold_text(str(label)))
    return names


def _open(source: str | os.PathLike[str] | IO[bytes]) -> tuple[Any, int]:
    """The workbook, read-only, once `xlsx_guard` has measured the file, and the rows its
    sheets hold; else WorkbookRefused."""
    rows = xlsx_guard.check_workbook(source, max_bytes=max_file_bytes())
    try:
        return load_workbook(source, read_only=True, data_only=True), rows
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


def _find_header(
    rows: Iterable[tuple[int, tuple[Any, ...]]],
) -> tuple[int, dict[str, int], tuple[Any, ...]] | None:
    """The header row among the first rows (after the title), the column of each field and the
    header's cells."""
    wanted: dict[str, str] = {}
    for column in LAYOUT:
        wanted[fold_text(str(column.header))] = column.field
        with translation.override("en"):  # a sheet made in English reads too
            wanted[fold_text(str(column.header))] = column.field
    for number, values in rows:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            name = wanted.get(fold_text(_text(value)))
            if name is not None:
                found.setdefault(name, index)
        if "code" in found and "full_name" in found:
            return number, found, values
        if number >= 5:
            break
    return None


def import_households(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    user: User | None,
    ward: Ward | None,
    commit: bool,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the workbook `source` and, with `commit` and no problem at all, save it.

    `ward` is where the rows go (an officer's own ward; the administrator's choice): its
    households and those of the units merged into it (`units.lineage`); a row naming another
    ward is an error. Without `ward` (the command without --unit), each row
    names its ward. `user` is who imports: they must be allowed to edit the ward, and the
    audit trail names them. `progress(rows checked, rows in the sheet)` is called every
    PROGRESS_EVERY rows, and once more with both equal when the import is done.
    """
    result = ImportResult()
    try:
        workbook, sheet_rows = _open(source)
        try:
            _check_and_save(
                workbook,
                result,
                user=user,
                ward=ward,
                commit=commit,
                progress=progress,
                sheet_rows=sheet_rows,
            )
        finally:
            workbook.close()
    except WorkbookRefused as refused:
        # Refused before any row was saved (every row is read before the first write).
        return ImportResult(problems=[Problem(0, "", refused.message)])
    if progress is not None:
        progress(result.rows, result.rows)
    return result


def _check_and_save(
    workbook: Any,
    result: ImportResult,
    *,
    user: User | None,
    ward: Ward | None,
    commit: bool,
    progress: Progress | None,
    sheet_rows: int,
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
    header_row, positions, header_cells = header
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
    # The rows after the header, blank ones included: the progress bar's length.
    declared = max((sheet_rows or 0) - header_row, 0)
    rows = _read_rows(
        numbered,
        positions,
        _SurveyColumns.find(header_cells),
        result,
        user=user,
        ward=ward,
        progress=progress,
        declared=declared,
    )
    if rows is None:
        return
    result.rows = len(rows)
    if not rows:
        result.problems.append(Problem(0, "", _("The file has no member rows.")))
        return

    groups: dict[tuple[int | None, str], list[_Row]] = {}
    for row in rows:
        code = row.household.get("code", "")
        if code:
            groups.setdefault((row.ward.pk if row.ward else None, code.upper()), []).append(row)
    try:
        with transaction.atomic():
            plans = _Planner(groups, result, user=user, ward=ward, lock=commit).plans()
            if result.problems or not commit:
                raise _Rollback
            _save(plans, result, user=user)
            if not result.problems:
                _record_surveys(plans, result, user=user)
            if result.problems:
                raise _Rollback
            result.saved = True
    except _Rollback:
        pass
    result.problems.sort(key=lambda p: (p.row, p.column))


def _read_rows(
    numbered: Iterator[tuple[int, tuple[Any, ...]]],
    positions: dict[str, int],
    survey_at: _SurveyColumns,
    result: ImportResult,
    *,
    user: User | None,
    ward: Ward | None,
    progress: Progress | None,
    declared: int,
) -> list[_Row] | None:
    """Every member row, each cell read and checked (None: too many rows, nothing else said)."""
    places = _Places(ward)
    readers: dict[str, Callable[[Any], Any]] = {
        "text": _text,
        "bool": _bool,
        "date": _date,
        "year": _year,
    }
    choice_readers = {c.field: _choice_reader(c.choices) for c in LAYOUT if c.kind == "choice"}
    # The columns read cell by cell, with where each goes.
    read_columns = [
        (
            column,
            positions[column.field],
            choice_readers.get(column.field) or readers[column.kind],
            column.part == HOUSEHOLD,
        )
        for column in LAYOUT
        if column.field in positions and column.kind not in ("ward", "quarter")
    ]
    ward_at, quarter_at = positions.get("ward"), positions.get("quarter")
    may_edit: dict[int, bool] = {}
    # Surveys are recorded in periodic rounds (an ad-hoc one needs the household's request,
    # made on the household's page), named as the export names them.
    rounds = (
        {
            fold_text(r.name): r
            for r in ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC).order_by()
        }
        if survey_at.round_at is not None
        else {}
    )
    missing: set[str] = set()  # the standards whose missing columns were reported

    rows: list[_Row] = []
    for number, values in numbered:
        if values.count(None) == len(values) or not any(_text(v) for v in values):
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
            return None
        row = _Row(number, {}, {}, None, failed=False)

        def problem(column: LayoutColumn, message: str, row: _Row = row) -> None:
            result.problems.append(Problem(row.number, str(column.header), message))
            row.failed = True

        width = len(values)
        for column, index, read, of_household in read_columns:
            try:
                value = read(values[index] if index < width else None)
            except CellError as exc:
                problem(column, str(exc))
                continue
            if column.kind == "choice" and not value:
                continue  # the model's default (or its "required" error) applies
            (row.household if of_household else row.member)[column.field] = value

        ward_text = _text(values[ward_at]) if ward_at is not None and ward_at < width else ""
        row_ward, unknown = places.unit(ward_text) if ward_text else (ward, None)
        if unknown is not None:
            problem(BY_FIELD["ward"], unknown)
        elif row_ward is None:
            problem(BY_FIELD["ward"], _("Enter the ward or commune."))
        elif ward is not None and row_ward.pk not in places.own:
            problem(
                BY_FIELD["ward"],
                _("This row is for %(row_ward)s: this import is only for %(ward)s.")
                % {"row_ward": row_ward, "ward": ward},
            )
        elif user is not None and not may_edit.setdefault(
            row_ward.pk, access.can_edit_ward(user, row_ward)
        ):
            problem(
                BY_FIELD["ward"],
                _("You may import households of your own ward only, not of %(ward)s.")
                % {"ward": row_ward},
            )
        else:
            row.ward = row_ward
            quarter_text = (
                _text(values[quarter_at]) if quarter_at is not None and quarter_at < width else ""
            )
            if not quarter_text:
                problem(BY_FIELD["quarter"], _("Enter the quarter or hamlet."))
            else:
                quarter, unknown = places.quarter(row_ward, quarter_text)
                if quarter is None:
                    problem(BY_FIELD["quarter"], unknown or "")
                else:
                    row.household["quarter"] = quarter
        _read_survey(row, values, survey_at, rounds, missing, result)
        if not row.household.get("code"):
            problem(BY_FIELD["code"], _("Enter the household code."))
        rows.append(row)
        if progress is not None and len(rows) % PROGRESS_EVERY == 0 and len(rows) < declared:
            # Checked, not yet saved: the last step is reported once the import is done.
            progress(len(rows), declared)
    return rows


class _Places:
    """The ward and quarter columns read back (the module's docstring: units and quarters
    across a merger), from two queries for the whole file."""

    def __init__(self, ward: Ward | None) -> None:
        wards = list(Ward.objects.select_related("district").order_by("pk"))
        self.ward = ward
        self.labels = unit_labels(wards)
        self.by_text: dict[str, list[Ward]] = {}
        for candidate in wards:
            names = (candidate.name, str(candidate), candidate.code, self.labels[candidate.pk])
            for text in dict.fromkeys(fold_text(name) for name in names):
                self.by_text.setdefault(text, []).append(candidate)
        # The units whose households this import takes (an import for a ward).
        self.own = units.lineage(ward.pk) if ward is not None else frozenset()
        self.quarters_in: dict[int, list[Quarter]] = {}
        for quarter in Quarter.objects.order_by("ward_id", "display_order", "pk"):
            self.quarters_in.setdefault(quarter.ward_id, []).append(quarter)
        self.quarters_of: dict[int, dict[str, list[Quarter]]] = {}

    def unit(self, text: str) -> tuple[Ward | None, str | None]:
        """The unit `text` names, or the problem with it."""
        found = self.by_text.get(fold_text(text), [])
        if len(found) > 1 and self.ward is not None:
            ours = [w for w in found if w.pk in self.own]
            if len(ours) > 1:
                # Older files wrote the plain name of the unit merged into the ward.
                ours = [w for w in ours if w.pk != self.ward.pk] or ours
            found = ours or found
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _("There is no ward or commune “%(name)s”.") % {"name": text}
        return None, _(
            "“%(name)s” names several wards or communes: %(choices)s. Write one of them."
        ) % {"name": text, "choices": ", ".join(f"“{self.labels[w.pk]}”" for w in found)}

    def quarter(self, unit: Ward, text: str) -> tuple[Quarter | None, str | None]:
        """The quarter or hamlet `text` names for a household registered in `unit`: one of its
        own, or of a unit merged into it."""
        table = self.quarters_of.get(unit.pk)
        if table is None:
            table = self.quarters_of[unit.pk] = {}
            for member in sorted(units.lineage(unit.pk)):
                for quarter in self.quarters_in.get(member, ()):
                    names = (
                        quarter.name,
                        quarter_label(quarter.name, quarter.ward_id, -1, self.labels),
                    )
                    for name in dict.fromkeys(fold_text(name) for name in names):
                        table.setdefault(name, []).append(quarter)
        found = table.get(fold_text(text), [])
        if len(found) > 1:
            found = [q for q in found if q.ward_id == unit.pk] or found
        if len(found) == 1:
            return found[0], None
        if not found:
            return None, _("%(ward)s has no quarter or hamlet “%(name)s”.") % {
                "ward": unit,
                "name": text,
            }
        return None, _(
            "“%(name)s” names several quarters or hamlets of %(ward)s: %(choices)s. Write one "
            "of them."
        ) % {
            "name": text,
            "ward": unit,
            "choices": ", ".join(
                f"“{quarter_label(q.name, q.ward_id, -1, self.labels)}”" for q in found
            ),
        }


def _read_survey(
    row: _Row,
    values: tuple[Any, ...],
    at: _SurveyColumns,
    rounds: dict[str, ReviewRound],
    missing: set[str],
    result: ImportResult,
) -> None:
    """The survey cells of `row`: its round, income and the round's typed indicators."""

    def cell(index: int | None) -> Any:
        return values[index] if index is not None and index < len(values) else None

    def problem(header: Any, message: str) -> None:
        result.problems.append(Problem(row.number, str(header), message))
        row.failed = True

    round_text = _text(cell(at.round_at))
    if not round_text:
        given = _text(cell(at.income_at)) or any(
            _text(cell(index)) for index in at.indicator_at.values()
        )
        if given:
            problem(ROUND_HEADER, _("Enter the review round the survey is recorded in."))
        return
    review_round = rounds.get(fold_text(round_text))
    if review_round is None:
        problem(
            ROUND_HEADER,
            _("There is no periodic review round “%(name)s”.") % {"name": round_text},
        )
        return
    survey: dict[str, Any] = {ROUND: review_round}
    try:
        survey[INCOME] = _income(cell(at.income_at))
    except CellError as exc:
        problem(INCOME_HEADER, str(exc))
    for indicator in typed_indicators(review_round):
        index = at.position(indicator)
        if index is None:
            if review_round.standard not in missing:
                missing.add(review_round.standard)
                absent = [
                    str(i.label) for i in typed_indicators(review_round) if at.position(i) is None
                ]
                problem(
                    ROUND_HEADER,
                    _("The survey columns of %(round)s are missing: %(columns)s.")
                    % {"round": review_round, "columns": ", ".join(absent)},
                )
            row.failed = True
            continue
        try:
            survey[indicator.key] = _bool(cell(index))
        except CellError as exc:
            problem(indicator.label, str(exc))
    row.survey = survey


# --- Checking every household before the first write ------------------------------------------


@dataclass
class _Plan:
    """One household of the file, checked: what is saved if the whole file is valid."""

    group: list[_Row]
    household: Household
    # The roster after the import: the file's rows in order, then the members it keeps.
    members: list[Member]
    # What the registry holds now (an update), by attname; None for a new household.
    stored: dict[str, Any] | None
    stored_members: dict[int, dict[str, Any]]
    roster_changed: bool = False
    survey: _PlannedSurvey | None = None


@dataclass(frozen=True)
class _PlannedSurvey:
    """A survey the file records through `assessment_save`, and the one it replaces."""

    round: ReviewRound
    income: int
    deprived: dict[str, bool]
    current: Assessment | None


class _Planner:
    """The checks of `household_register`, for every household of the file at once.

    `household_register` saves one household and looks up, for it, the household it may
    update, its members, the ID numbers already held and the households with the same head;
    here each of these is one query for the whole file, and every household is checked in
    memory in the file's order. A household checked earlier counts as saved for those that
    follow (an ID number or a head twice in the file is found as if the first were saved), as
    when the file was saved household by household; nothing is written until every household
    has passed.
    """

    def __init__(
        self,
        groups: dict[tuple[int | None, str], list[_Row]],
        result: ImportResult,
        *,
        user: User | None,
        ward: Ward | None,
        lock: bool,
    ) -> None:
        self.groups = groups
        self.result = result
        self.user = user
        self.ward = ward
        self.today = timezone.localdate()
        self.labels: dict[int, str] | None = None
        ward_ids = {ward_id for ward_id, _code in groups if ward_id is not None}
        # The households of the file already in their ward (an update), locked until the save
        # as `household_register` locks the one it saves, with their members.
        codes = {key for key in groups if key[0] is not None}
        used: dict[tuple[int, str], int] = {}
        for pk, ward_id, code in (
            Household.objects.filter(ward_id__in=ward_ids)
            .order_by("pk")
            .values_list("pk", "ward_id", "code")
        ):
            if (ward_id, code.upper()) in codes:
                used.setdefault((ward_id, code.upper()), pk)
        stored = Household.objects.filter(pk__in=list(used.values())).order_by("pk")
        if lock:
            stored = stored.select_for_update()
        self.stored = {household.pk: household for household in stored} if used else {}
        self.used = used
        self.stored_members: dict[int, list[Member]] = {}
        if self.stored:
            for member in Member.objects.filter(household_id__in=list(self.stored)).order_by(
                "household_id", "pk"
            ):
                self.stored_members.setdefault(member.household_id, []).append(member)

        # ID numbers the file gives, as the registry holds them now.
        numbers = {row.member.get("national_id") for group in groups.values() for row in group}
        numbers.discard(None)
        numbers.discard("")
        self.holders: dict[str, Member] = (
            {
                member.national_id: member
                for member in Member.objects.filter(national_id__in=numbers).select_related(
                    "household__ward"
                )
                if member.national_id
            }
            if numbers
            else {}
        )
        holder_households = {member.household_id for member in self.holders.values()}
        if user is not None and holder_households:
            self.named = set(
                Household.objects.within(scope_for(user))
                .filter(pk__in=holder_households)
                .values_list("pk", flat=True)
            )
        else:
            self.named = holder_households

        # Households whose head has a name the file gives a head (a possible duplicate is one
        # of these with the same year of birth).
        heads = {
            fold_name(row.member.get("full_name", ""))
            for group in groups.values()
            for row in group
            if row.member.get("relation") == Member.Relation.HEAD
        }
        heads |= {fold_name(group[0].member.get("full_name", "")) for group in groups.values()}
        heads.discard("")
        self.same_head: dict[tuple[int, str, int], list[Household]] = {}
        if heads and ward_ids:
            for household in (
                Household.objects.filter(
                    ward_id__in=ward_ids,
                    head_name_folded__in=heads,
                    members__relation=Member.Relation.HEAD,
                )
                .select_related("ward", "quarter")
                .annotate(head_year=F("members__birth_year"))
                .order_by("code", "pk")
            ):
                year = household.head_year  # type: ignore[attr-defined]
                key = (household.ward_id, household.head_name_folded, year)
                self.same_head.setdefault(key, []).append(household)

        # The surveys the file's households have in the rounds it names, and the names its
        # changes are shown with.
        rounds = {row.survey[ROUND].pk for group in groups.values() for row in group if row.survey}
        self.assessments: dict[tuple[int, int], Assessment] = {}
        if rounds and self.stored:
            for assessment in Assessment.objects.filter(
                household_id__in=list(self.stored), round_id__in=rounds
            ).order_by():
                self.assessments[(assessment.household_id, assessment.round_id)] = assessment
        self.quarter_names = dict(Quarter.objects.order_by().values_list("pk", "name"))

        # What the households checked so far change for the ones after them.
        self.planned_ids: dict[str, Member] = {}
        self.planned_heads: dict[tuple[int, str, int], list[Household]] = {}
        self.replaced_members: set[int] = set()
        self.replaced_households: set[int] = set()

    def plans(self) -> list[_Plan]:
        plans = []
        for (ward_id, code), group in self.groups.items():
            pk = self.used.get((ward_id, code)) if ward_id is not None else None
            plan = self._plan(group, self.stored.get(pk) if pk is not None else None)
            if plan is not None:
                plans.append(plan)
        return plans

    def _plan(self, group: list[_Row], existing: Household | None) -> _Plan | None:
        result = self.result
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
            if row.survey != first.survey and not row.failed and not first.failed:
                result.problems.append(
                    Problem(
                        row.number,
                        str(ROUND_HEADER),
                        _("Rows of one household must agree: row %(row)s says otherwise.")
                        % {"row": first.number},
                    )
                )
                row.failed = True
        if any(row.failed for row in group) or first.ward is None:
            return None
        if existing is None and not self._may_register_in(first.ward, first):
            return None

        heads = [row for row in group if row.member.get("relation") == Member.Relation.HEAD]
        head_row = heads[0] if heads else first
        stored: dict[str, Any] | None = None
        stored_members: dict[int, dict[str, Any]] = {}
        if existing is None:
            household = Household(
                ward=first.ward, head_name=head_row.member.get("full_name", ""), **first.household
            )
            members = [Member(**row.member) for row in group]
        else:
            if existing.archived_at is not None:
                result.problems.append(
                    Problem(
                        first.number,
                        str(BY_FIELD["code"].header),
                        archived_message(existing.archived_at, existing.archive_reason),
                    )
                )
                return None
            household = existing
            stored = _values(household, HOUSEHOLD_ATTNAMES)
            current = self.stored_members.get(household.pk, [])
            stored_members = {m.pk: _values(m, MEMBER_ATTNAMES) for m in current}
            for name, value in first.household.items():
                setattr(household, name, value)
            household.ward = first.ward
            household.head_name = head_row.member.get("full_name", "")
            household.version += 1  # the row is locked: as `check_and_bump_version` does
            members = _matched_members(household, current, group)
        problems = self._problems(household, members, stored, stored_members)
        if problems.messages_found():
            _add_register_problems(problems, group, head_row, result)
            return None
        survey, survey_text = self._survey(group, household, members, existing)
        if survey_text is None:
            return None
        self._changes(group, household, members, stored, stored_members, survey_text)

        result.households.append(
            PlannedHousehold(
                row=first.number,
                code=household.code,
                head_name=household.head_name,
                ward=str(first.ward),
                quarter=household.quarter.name,
                members=len(members),
                updated=existing is not None,
            )
        )
        # From here on the file's later households see this one as saved.
        if existing is not None:
            self.replaced_households.add(household.pk)
            self.replaced_members.update(stored_members)
        for member in members:
            if member.national_id:
                self.planned_ids[member.national_id] = member
        head = _the_head(members)
        if head is not None:
            key = (household.ward_id, household.head_name_folded, head.birth_year)
            self.planned_heads.setdefault(key, []).append(household)
        if survey is not None:
            result.surveys += 1
        return _Plan(group, household, members, stored, stored_members, survey=survey)

    def _labels(self) -> dict[int, str]:
        if self.labels is None:
            self.labels = unit_labels(Ward.objects.select_related("district"))
        return self.labels

    def _may_register_in(self, unit: Ward, row: _Row) -> bool:
        """A new household is registered in the ward of the import, as the household form
        registers a merged unit's new households: not in a unit that has been merged into it
        (an administrator's import without a ward registers it where the row says)."""
        merged = units.part_of(unit, self.today) if self.ward not in (None, unit) else None
        if merged is None:
            return True
        successor, since = merged
        self.result.problems.append(
            Problem(
                row.number,
                str(BY_FIELD["ward"].header),
                _(
                    "%(unit)s ended on %(day)s and was merged into %(successor)s: a new "
                    "household is registered in %(successor)s. Write “%(label)s” in this column."
                )
                % {
                    "unit": unit,
                    "day": (unit.valid_to or since - datetime.timedelta(days=1)).strftime(
                        "%d/%m/%Y"
                    ),
                    "successor": successor,
                    "label": self._labels()[successor.pk],
                },
            )
        )
        row.failed = True
        return False

    def _survey(
        self,
        group: list[_Row],
        household: Household,
        members: list[Member],
        existing: Household | None,
    ) -> tuple[_PlannedSurvey | None, str | None]:
        """The survey the household's rows record, if they change it, and how the dry run
        says so ("" when nothing is recorded; None, with the problem listed, when it cannot
        be)."""
        data = group[0].survey
        if not data:
            return None, ""
        review_round: ReviewRound = data[ROUND]
        income: int | None = data.get(INCOME)
        deprived = {k: v for k, v in data.items() if k not in (ROUND, INCOME)}
        current = (
            self.assessments.get((existing.pk, review_round.pk)) if existing is not None else None
        )
        if current is not None and all(getattr(current, k) == v for k, v in deprived.items()):
            typed = current.income_route == IncomeRoute.TYPED
            if income is None or (typed and current.income_per_capita == income):
                return None, ""  # as recorded (a blank income keeps a B1 or A result)
        if income is None:
            if current is None and not any(deprived.values()):
                return None, ""  # the round named, nothing surveyed
            self._problem(
                group[0], INCOME_HEADER, _("Enter the income per person to record the survey.")
            )
            return None, None
        trial = Assessment(
            household=household,
            round=review_round,
            income_route=IncomeRoute.TYPED,
            income_per_capita=income,
            **deprived,
        )
        try:
            if current is not None:
                ensure_editable(current)
                trial.ward_id, trial.created_at = current.ward_id, current.created_at
            # The engine's result on the roster as the file leaves it: what the save records.
            assessment_apply_result(trial, [roster_member(member) for member in members])
        except ValidationError as exc:
            self._problem(group[0], ROUND_HEADER, " ".join(exc.messages))
            return None, None
        named = [str(i.label) for i in typed_indicators(review_round) if deprived.get(i.key)]
        text = _("%(round)s: %(income)s per person, deprived: %(indicators)s → %(result)s") % {
            "round": review_round,
            "income": format_vnd(income),
            "indicators": ", ".join(named) or _("none"),
            "result": _result_text(trial),
        }
        if current is not None:
            text += " " + _("(was: %(result)s)") % {"result": _result_text(current)}
        return _PlannedSurvey(review_round, income, deprived, current), text

    def _problem(self, row: _Row, header: Any, message: str) -> None:
        self.result.problems.append(Problem(row.number, str(header), message))

    def _changes(
        self,
        group: list[_Row],
        household: Household,
        members: list[Member],
        stored: dict[str, Any] | None,
        stored_members: dict[int, dict[str, Any]],
        survey: str,
    ) -> None:
        """Each row's line in the dry run: its household new, its member new, the values it
        changes (old → new), the survey it records; else no change."""
        code = household.code
        for index, row in enumerate(group):
            member = members[index]
            change = RowChange(row.number, code, member.full_name, RowChange.UNCHANGED)
            if stored is None:
                change.kind = RowChange.NEW_HOUSEHOLD if index == 0 else RowChange.NEW_MEMBER
            elif member.pk is None:
                change.kind = RowChange.NEW_MEMBER
            else:
                if index == 0:
                    change.fields += self._diff(Household, stored, household, HOUSEHOLD_ATTNAMES)
                old = stored_members[member.pk]
                change.fields += self._diff(Member, old, member, MEMBER_ATTNAMES)
            if index == 0 and survey:
                change.survey = survey
            if change.kind == RowChange.UNCHANGED and (change.fields or change.survey):
                change.kind = RowChange.CHANGED
            self.result.changes.append(change)

    def _diff(
        self, model: Any, old: dict[str, Any], instance: Any, names: list[str]
    ) -> list[FieldChange]:
        found = []
        for name in names:
            new = getattr(instance, name)
            if name == "head_name" or old[name] == new:
                continue  # the head's name shows as the head's own row
            found.append(
                FieldChange(
                    _label(model, name),
                    self._shown(model, name, old[name]),
                    self._shown(model, name, new),
                )
            )
        return found

    def _shown(self, model: Any, name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if name == "quarter_id":
            return str(self.quarter_names.get(value, value))
        if name == "ward_id":
            return str(Ward.objects.get(pk=value))  # never: a row of another ward is refused
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        choices = dict(model._meta.get_field(name).flatchoices)
        return str(choices.get(value, value))

    def _problems(
        self,
        household: Household,
        members: list[Member],
        stored: dict[str, Any] | None,
        stored_members: dict[int, dict[str, Any]],
    ) -> HouseholdRegisterError:
        """What `household_register` would refuse, read from the lookups made once."""
        problems = HouseholdRegisterError()
        try:
            # The ward and quarter were looked up above (no query each); the one constraint,
            # the code unique in the ward, holds by construction: a code already in the ward
            # updates that household.
            household.full_clean(
                exclude={"ward", "quarter"}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            problems.household_errors = exc.message_dict
        for index, member in enumerate(members):
            member.household = household
            try:
                # The roster checks below see every row at once; the database has the old rows.
                member.full_clean(
                    exclude={"household"}, validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                problems.member_errors[index] = exc.message_dict
        rows = [
            _values(member, ("full_name", "birth_year", "date_of_birth", "national_id", "relation"))
            for member in members
        ]
        row_errors, problems.roster_errors = roster_problems(rows, require_head=True)
        for index, errors in row_errors.items():
            for name, message in errors.items():
                problems.add_member_error(index, name, message)
        head = _the_head(members)
        if (
            head is not None
            and household.head_name_folded
            and fold_name(head.full_name) != household.head_name_folded
        ):
            problems.add_member_error(
                members.index(head),
                "full_name",
                _("The head of household is “%(name)s” above: enter the same name on this row.")
                % {"name": household.head_name},
            )
        own = {member.pk for member in members if member.pk is not None}
        for index, member in enumerate(members):
            holder, named = self._holder(member.national_id, own)
            if holder is not None:
                problems.add_member_error(
                    index, "national_id", national_id_taken_message(holder, named=named)
                )
        if head is not None and _identity_changed(household, head, stored, stored_members):
            problems.possible_duplicates = self._same_head(household, head)
        return problems

    def _holder(self, number: str | None, own: set[int]) -> tuple[Member | None, bool]:
        """Who else holds the ID number `number`: a household checked earlier in the file, or
        one in the registry (unless the file has given that member another number)."""
        if not number:
            return None, False
        planned = self.planned_ids.get(number)
        if planned is not None:
            # Of the file's ward, which the importer may edit: it is named.
            return planned, True
        holder = self.holders.get(number)
        if holder is None or holder.pk in own or holder.pk in self.replaced_members:
            return None, False
        return holder, holder.household_id in self.named

    def _same_head(self, household: Household, head: Member) -> list[Household]:
        """As `possible_duplicate_households`, with the file's earlier households."""
        if not household.head_name_folded or not head.birth_year:
            return []
        key = (household.ward_id, household.head_name_folded, head.birth_year)
        found = [
            other
            for other in self.same_head.get(key, [])
            if other.pk != household.pk and other.pk not in self.replaced_households
        ]
        found += [other for other in self.planned_heads.get(key, []) if other is not household]
        return sorted(found, key=lambda other: other.code)


def _label(model: Any, attname: str) -> str:
    """A changed value's name: its column's header, else the model's field name."""
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    column = BY_FIELD.get(field.name)
    if column is not None:
        return str(column.header)
    return capfirst(str(field.verbose_name))


def _result_text(assessment: Assessment) -> str:
    status = assessment.get_status_display()
    if assessment.poor_group:
        return f"{status} – {assessment.get_poor_group_display()}"
    return str(status)


def _matched_members(household: Household, stored: list[Member], group: list[_Row]) -> list[Member]:
    """The roster after the import: each row updates the member it matches (by national ID
    number, else by name and year of birth) or adds a new one; members the file does not
    list are kept as they are (an import never deletes anyone)."""
    by_id = {m.national_id: m for m in stored if m.national_id}
    by_name: dict[tuple[str, int | None], Member] = {
        (fold_text(m.full_name), m.birth_year): m for m in stored
    }
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


# --- Saving, in bulk ---------------------------------------------------------------------------


def _save(plans: list[_Plan], result: ImportResult, *, user: User | None) -> None:
    """Write every checked household: new ones and their members in bulk inserts, changed ones
    in bulk updates, each with its audit-trail row (`simple_history`) naming `user`; drafts of
    a changed roster classified again, as `household_register` does."""
    now = timezone.now()
    try:
        with transaction.atomic():
            _write(plans, user=user, now=now)
    except IntegrityError:
        # Checked a moment ago; another officer saved the same code or ID number since.
        if not _taken_meanwhile(plans, result):
            raise
        return
    changed_rosters = [plan for plan in plans if plan.stored is not None and plan.roster_changed]
    if not changed_rosters:
        return
    households = {plan.household.pk: plan for plan in changed_rosters}
    editable = Assessment.objects.filter(
        household_id__in=list(households), state__in=EDITABLE_STATES
    ).select_related("round")
    for assessment in editable:
        plan = households[assessment.household_id]
        # A fresh instance: the roster is read as just saved.
        assessment.household = Household.objects.get(pk=plan.household.pk)
        try:
            assessment_reclassify(assessment=assessment)
        except ValidationError as exc:
            for message in exc.messages:
                result.problems.append(Problem(plan.group[0].number, "", message))


def _record_surveys(plans: list[_Plan], result: ImportResult, *, user: User | None) -> None:
    """Record each changed survey through `assessment_save`, the survey form's own service (its
    classification, history and review event); what the file does not carry (the household's
    type, causes, needs, notes) is kept as the survey had it."""
    for plan in plans:
        survey = plan.survey
        if survey is None:
            continue
        current = survey.current
        kept: dict[str, Any] = {}
        if current is not None:
            kept = {
                "household_type": current.household_type,
                "causes": list(current.causes.all()),
                "needs": list(current.needs.all()),
                "expected_to_escape": current.expected_to_escape,
                "notes": current.notes,
            }
        try:
            assessment_save(
                household=Household.objects.get(pk=plan.household.pk),
                round=survey.round,
                income_per_capita=survey.income,
                deprivations=survey.deprived,
                by=user,
                **kept,
            )
        except ValidationError as exc:
            result.problems.append(
                Problem(plan.group[0].number, str(ROUND_HEADER), " ".join(exc.messages))
            )


def _write(plans: list[_Plan], *, user: User | None, now: datetime.datetime) -> None:
    new_households = [plan.household for plan in plans if plan.stored is None]
    if new_households:
        bulk_create_with_history(
            new_households, Household, batch_size=BATCH, default_user=user, default_date=now
        )
    changed_households: list[Household] = []
    roster_only: list[int] = []
    new_members: list[Member] = []
    changed_members: list[Member] = []
    changed_heads: list[Member] = []
    # Only the columns some row changes are updated: each is a CASE over the batch's rows.
    household_fields: set[str] = set()
    member_fields: set[str] = set()
    for plan in plans:
        household = plan.household
        roster = []
        for member in plan.members:
            if member.pk is None:
                roster.append(member)
                continue
            stored = plan.stored_members[member.pk]
            changed = {n for n, v in _values(member, MEMBER_ATTNAMES).items() if stored[n] != v}
            if changed:
                member_fields |= changed
                roster.append(member)
        plan.roster_changed = bool(roster)
        for member in roster:
            member.household = household  # now with its id, for a new household
            if member.pk is None:
                new_members.append(member)
            elif member.relation == Member.Relation.HEAD:
                changed_heads.append(member)  # after the old head's row has changed
            else:
                changed_members.append(member)
        if plan.stored is None:
            continue
        values = _values(household, HOUSEHOLD_ATTNAMES)
        changed = {name for name, value in values.items() if plan.stored[name] != value}
        if changed:
            household_fields |= changed
            household.updated_at = now
            changed_households.append(household)
        elif roster:
            roster_only.append(household.pk)
    if changed_households:
        folded = ["head_name_folded"] if "head_name" in household_fields else []
        bulk_update_with_history(
            changed_households,
            Household,
            [*sorted(household_fields), *folded, "version", "updated_at"],
            batch_size=UPDATE_BATCH,
            default_user=user,
            default_date=now,
        )
    if roster_only:
        # The household row is the roster's lock: a change to members alone bumps its version.
        Household.objects.filter(pk__in=roster_only).update(
            version=F("version") + 1, updated_at=now
        )
    folded = ["full_name_folded"] if "full_name" in member_fields else []
    for members in (changed_members, changed_heads):
        if members:
            bulk_update_with_history(
                members,
                Member,
                [*sorted(member_fields), *folded],
                batch_size=UPDATE_BATCH,
                default_user=user,
                default_date=now,
            )
    if new_members:
        bulk_create_with_history(
            new_members, Member, batch_size=BATCH, default_user=user, default_date=now
        )


def _taken_meanwhile(plans: list[_Plan], result: ImportResult) -> bool:
    """After a refused insert: the household codes and ID numbers saved by someone else since
    the check, each on its row with the registry's own message. False if none is found."""
    found = False
    new = [plan for plan in plans if plan.stored is None]
    taken = set(
        Household.objects.filter(
            reduce(
                operator.or_,
                (Q(ward_id=p.household.ward_id, code=p.household.code) for p in new),
                Q(pk__in=[]),
            )
        ).values_list("ward_id", "code")
    )
    for plan in new:
        if (plan.household.ward_id, plan.household.code) in taken:
            found = True
            result.problems.append(
                Problem(plan.group[0].number, str(BY_FIELD["code"].header), _code_taken())
            )
    rows = {
        member.national_id: (plan, index)
        for plan in plans
        for index, member in enumerate(plan.members)
        if member.national_id
    }
    own = {member.pk for plan in plans for member in plan.members if member.pk is not None}
    held = Member.objects.filter(national_id__in=list(rows)).exclude(pk__in=own)
    message = str(Member._meta.get_field("national_id").error_messages["unique"])
    for number in held.values_list("national_id", flat=True):
        plan, index = rows[number or ""]
        found = True
        row = plan.group[index] if index < len(plan.group) else plan.group[0]
        result.problems.append(Problem(row.number, str(BY_FIELD["national_id"].header), message))
    # What was inserted before the refusal was rolled back: it looks unsaved again.
    for plan in plans:
        inserted: list[Household | Member] = [
            m for m in plan.members if m.pk not in plan.stored_members
        ]
        if plan.stored is None:
            inserted.append(plan.household)
        for instance in inserted:
            instance.pk = None
            instance._state.adding = True
    return found


def _code_taken() -> str:
    constraint = next(
        c for c in Household._meta.constraints if c.name == "household_code_unique_in_ward"
    )
    return str(constraint.violation_error_message)
