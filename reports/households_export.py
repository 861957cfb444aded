"""The household list as spreadsheet rows (issue 5 §3), for the download and the command.

Both read `households.selectors.household_list`, so a filter means what it means on
`/households/` and the rows are scoped to the user exactly like the page. Two layouts:

- the list: one row per household with its status in the chosen round (or its standing on the
  day the list shows, `households.standing`, through the selector's annotations);
- with members: one row per member in the import layout (`reports.imports.LAYOUT`), so an
  exported file can be corrected and imported again. The ward and quarter columns name the
  household's registered unit and its quarter so that the import reads them back across a
  merger of units (`reports.imports`: "Mũi Né (Thành phố Phan Thiết)", "Khu phố 1, Phú Trinh").

At city scale (issue 11: 100,000 households in ≤ 30 s) the rows are tuples from one query
(`values_list(...).iterator()`: a server-side cursor on PostgreSQL), labels are dictionary
look-ups, and `write_sheet` hands openpyxl's write-only sheet plain values: only the few cells
that need a number format or must be kept from becoming a formula are cell objects.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Case, F, FilteredRelation, Q, QuerySet, Value, When
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from households import privacy
from households.models import (
    Asker,
    Assessment,
    Household,
    IncomeRoute,
    Member,
    PovertyStatus,
    ReviewRound,
    ReviewState,
    Ward,
    income_text,
)
from households.scope import Scope
from households.selectors import HouseholdFilters, household_list
from programs.excel import (
    DATE_FORMAT,
    INTEGER_FORMAT,
    VND_FORMAT,
    XLSX_CONTENT_TYPE,
    Column,
)
from reports.imports import (
    HOUSEHOLD,
    LAYOUT,
    quarter_label,
    survey_columns,
    survey_round,
    typed_indicators,
    unit_labels,
    yes_no,
)

# Rows fetched per round trip: memory stays flat however many households are exported.
CHUNK = 2000
# Rows between two calls of `progress` (a background job's progress bar).
PROGRESS_EVERY = 500
# A download up to this size is built in memory, a larger one in a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024

HEAD_FIRST = Case(When(relation=Member.Relation.HEAD, then=Value(0)), default=Value(1))

# (rows done, rows in all): called every PROGRESS_EVERY rows, first with 0 and last with all.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Sheet:
    """A sheet still to be written: its rows are read as they are written, and `count()`
    says how many there will be (one query; asked only when progress is reported)."""

    filename: str
    sheet_title: str
    title: str
    columns: list[Column]
    rows: Iterator[list[Any]]
    count: Callable[[], int]


def household_columns() -> list[Column]:
    return [
        Column(_("Household code"), 12),
        Column(_("Head of household"), 24),
        Column(_("Address"), 28),
        Column(_("Quarter / hamlet"), 16),
        Column(_("Ward / commune"), 16),
        Column(_("Phone"), 13),
        Column(_("People-with-merit household"), 12),
        Column(_("Social-protection household"), 12),
        Column(_("Members"), 9, "int"),
        Column(_("Status"), 16),
        Column(_("Poor group"), 9),
        Column(_("Income per capita per month"), 16, "vnd"),
        Column(_("Review state"), 16),
    ]


def _labels(choices: Any) -> dict[Any, str]:
    return {value: str(label) for value, label in choices.choices}


_LIST_FIELDS = (
    "code",
    "head_name",
    "address",
    "quarter__name",
    "ward__name",
    "phone",
    "is_merit_family",
    "is_social_protection",
    "member_count",
)


def _household_rows(households: QuerySet[Household]) -> Iterator[list[Any]]:
    # The selector gives each row its assessment in the round (aliases `round_*`), or its
    # standing on the list's day (the same aliases, from `households.standing.with_standing`:
    # always a recognised result), or neither when there is no round.
    aliases = households.query.annotations
    shown: dict[str, Any] = {}
    if "round_status" in aliases:
        shown = {
            "export_id": F("round_assessment_id"),
            "export_status": F("round_status"),
            "export_group": F("round_group"),
            "export_income": F("round_income"),
        }
        if "round_state" in aliases:
            shown["export_state"] = F("round_state")
    rows = households.prefetch_related(None).annotate(**shown)
    statuses = _labels(PovertyStatus)
    states = _labels(ReviewState)
    recognised = states[ReviewState.RECOGNISED]
    not_assessed = _("Not assessed in this round")
    yes = yes_no(True)
    poor = PovertyStatus.POOR.value
    with_state = "export_state" in shown
    read = rows.values_list(*_LIST_FIELDS, *shown).iterator(chunk_size=CHUNK)
    for chunk in _chunks(read):
        # A result whose income was not typed (Phiếu B1, Phiếu A) shows how it was placed: read
        # for those rows only, one query per chunk that has any.
        untyped = [v[9] for v in chunk if shown and v[9] is not None and v[12] is None]
        placed = _income_placed(untyped)
        for values in chunk:
            row = list(values[:9])
            row[6] = yes if row[6] else None
            row[7] = yes if row[7] else None
            if not shown or values[9] is None:
                row += (not_assessed, None, None, None)
            else:
                status = values[10]
                row += (
                    statuses.get(status, status),
                    values[11] if status == poor else None,
                    values[12] if values[12] is not None else placed.get(values[9]),
                    states.get(values[13], values[13]) if with_state else recognised,
                )
            yield row


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _income_placed(assessment_ids: list[int]) -> dict[int, str]:
    """The income cell of results without a typed income: the route and band that placed it
    (`households.models.income_text`), by assessment id."""
    if not assessment_ids:
        return {}
    found = Assessment.objects.filter(pk__in=assessment_ids).order_by()
    return {
        pk: income_text(route=route, income=income, b1_score=b1_score, b1_band=b1_band)
        for pk, route, income, b1_score, b1_band in found.values_list(
            "pk", "income_route", "income_per_capita", "b1_score", "b1_band"
        )
    }


def _member_rows(
    households: QuerySet[Household],
    user: Asker,
    scope: Scope,
    review_round: ReviewRound | None,
) -> Iterator[list[Any]]:
    # The list's ordering, then the head first: the rows of a household stay together. A
    # partner agency gets the members its programmes concern, and nobody but the officers of
    # the ward and administrators gets full ID numbers (Decree 13/2023/NĐ-CP). Each row ends
    # with the household's survey in `review_round` (`survey_columns`), as the import reads it.
    members = _members(households, scope)
    traits = privacy.can_see_traits(user)
    full_by_ward: dict[int, bool] = {}
    paths: list[str] = []
    converters: list[Callable[[Any], Any]] = []
    national_id = quarter_at = -1
    # Labels that name one unit (`unit_labels`): a merged unit's households are registered in
    # the units merged into it, some of which share its name.
    labels = unit_labels(Ward.objects.select_related("district"))
    for index, column in enumerate(LAYOUT):
        if column.kind == "ward":
            paths.append("household__ward_id")
            converters.append(labels.__getitem__)
            continue
        if column.kind == "quarter":
            paths.append("household__quarter__name")
            quarter_at = index
        else:
            paths.append(f"household__{column.field}" if column.part == HOUSEHOLD else column.field)
        hidden = not traits and column.field in ("ethnicity", "disability", "is_ethnic_minority")
        if hidden:
            converters.append(_blank)
        elif column.kind == "bool":
            converters.append(_yes_or_blank(yes_no(True)))
        elif column.kind == "choice":
            converters.append(_labels(column.choices).get)
        elif column.kind == "year":
            converters.append(_year_text)
        else:
            converters.append(_as_is)
        if column.field == "national_id":
            national_id = index
    survey: list[str] = []
    if review_round is not None:
        # At most one survey per household and round (a named constraint): a join that adds no
        # row, so the rows stay one query.
        members = members.annotate(
            survey=FilteredRelation(
                "household__assessments",
                condition=Q(household__assessments__round_id=review_round.pk),
            )
        )
        keys = [indicator.key for indicator in typed_indicators(review_round)]
        survey = ["survey__income_route", "survey__income_per_capita"]
        survey += [f"survey__{key}" for key in keys]
    width = len(paths)
    typed = IncomeRoute.TYPED.value
    yes = yes_no(True)
    for values in members.values_list(
        *paths, "household__ward_id", "household__quarter__ward_id", *survey
    ).iterator(chunk_size=CHUNK):
        row = [convert(value) for convert, value in zip(converters, values, strict=False)]
        ward_id = values[width]
        if values[width + 1] != ward_id:
            row[quarter_at] = quarter_label(row[quarter_at], values[width + 1], ward_id, labels)
        full = full_by_ward.get(ward_id)
        if full is None:
            full = full_by_ward[ward_id] = privacy.can_see_national_id(
                user, Household(ward_id=ward_id)
            )
        if not full and row[national_id]:
            row[national_id] = privacy.mask_national_id(row[national_id])
        if review_round is not None:
            # An income placed by Phiếu B1 or A was not typed: its cell stays blank, and a
            # blank income keeps that result on import.
            route, income = values[width + 2], values[width + 3]
            row.append(review_round.name)
            row.append(income if route == typed else None)
            row += [yes if deprived else None for deprived in values[width + 4 :]]
        yield row


def _members(households: QuerySet[Household], scope: Scope) -> QuerySet[Member]:
    members = Member.objects.filter(household__in=households.order_by().values("pk"))
    if scope.members is not None:
        members = members.filter(scope.members)
    return members.order_by(
        "household__unit_order", "household__code", "household_id", HEAD_FIRST, "pk"
    )


def _yes_or_blank(yes: str) -> Callable[[Any], str | None]:
    def convert(value: Any) -> str | None:
        return yes if value else None

    return convert


def _blank(_value: Any) -> None:
    return None


def _as_is(value: Any) -> Any:
    return value


def _year_text(value: Any) -> str | None:
    # A year of birth reads back as the text it was typed as (the layout's "year" column).
    return None if value is None else str(value)


def where_label(ward: Ward | None) -> str:
    return str(ward) if ward is not None else _("Phan Thiết city")


def household_sheet(
    *,
    user: Asker,
    scope: Scope,
    filters: HouseholdFilters,
    sort: str,
    ward: Ward | None,
    review_round: ReviewRound | None,
    with_members: bool,
) -> Sheet:
    """The households `scope` sees that match `filters`, ready for `write_sheet`; what `user`
    may read of them (`households.privacy`)."""
    households = household_list(user=user, scope=scope, filters=filters, sort=sort)
    today = timezone.localdate().strftime("%d/%m/%Y")
    where = where_label(ward)
    if with_members:
        surveyed = survey_round(review_round)
        what = _("Households and members")
        title = _("%(what)s – %(where)s (exported %(date)s)") % {
            "what": what,
            "where": where,
            "date": today,
        }
        return Sheet(
            filename="ho-gia-dinh-thanh-vien.xlsx",
            sheet_title=what,
            title=title,
            columns=[*(column.column() for column in LAYOUT), *survey_columns(surveyed)],
            rows=_member_rows(households, user, scope, surveyed),
            count=lambda: _members(households, scope).order_by().count(),
        )
    title = _("%(what)s – %(where)s – %(round)s (exported %(date)s)") % {
        "what": _("Household list"),
        "where": where,
        "round": review_round.name if review_round else _("no review round"),
        "date": today,
    }
    return Sheet(
        filename="danh-sach-ho.xlsx",
        sheet_title=_("Household list"),
        title=title,
        columns=household_columns(),
        rows=_household_rows(households),
        count=lambda: households.order_by().values("pk").count(),
    )


# --- Writing -----------------------------------------------------------------------------------


def write_household_xlsx(
    target: str | os.PathLike[str] | IO[bytes],
    *,
    user: Asker,
    scope: Scope,
    filters: HouseholdFilters,
    sort: str,
    ward: Ward | None,
    review_round: ReviewRound | None,
    with_members: bool,
    progress: Progress | None = None,
) -> int:
    """Write the export `household_sheet` describes to `target` (a path or a binary file);
    return the number of rows. `progress(done, total)` is called every PROGRESS_EVERY rows."""
    sheet = household_sheet(
        user=user,
        scope=scope,
        filters=filters,
        sort=sort,
        ward=ward,
        review_round=review_round,
        with_members=with_members,
    )
    return write_sheet(target, sheet, progress=progress)


def write_sheet(
    target: str | os.PathLike[str] | IO[bytes], sheet: Sheet, *, progress: Progress | None = None
) -> int:
    """Write `sheet` as `programs.excel.write_xlsx` lays a sheet out (a bold title row, bold
    headers frozen under it, the column widths), its rows as plain values; return the number
    of rows.

    User data never becomes a formula or an error value: a text starting with "=" or "#" is
    written as the text it is (CSV/formula injection), and characters XML cannot hold are
    dropped.
    """
    total = sheet.count() if progress is not None else 0
    if progress is not None:
        progress(0, total)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(
        title="".join(c for c in sheet.sheet_title if c not in "[]:*?/\\")[:31]
    )
    for index, column in enumerate(sheet.columns, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = "A3"
    title = _text_cell(worksheet, sheet.title)
    title.font = Font(bold=True, size=13)
    worksheet.append([title])
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = []
    for column in sheet.columns:
        header = _text_cell(worksheet, str(column.header))
        header.font = bold
        header.alignment = wrap
        headers.append(header)
    worksheet.append(headers)

    cells = [_writer(worksheet, column) for column in sheet.columns]
    append = worksheet.append
    count = 0
    for row in sheet.rows:
        append([cell(value) for cell, value in zip(cells, row, strict=True)])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, max(total, count))
    workbook.save(target)
    if progress is not None:
        progress(count, count)
    return count


def _text_cell(worksheet: Any, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would read "=…" as a formula and "#N/A" as an error
    return cell


def _writer(worksheet: Any, column: Column) -> Callable[[Any], Any]:
    """How a value of `column` is handed to openpyxl: plain values where openpyxl's own typing
    is right, one reused cell per formatted column (a cell is written before the next row is
    made), a new cell only for the rare text that must be forced to stay text."""

    def text(value: Any) -> Any:
        if value is None or value == "":
            return None
        if type(value) is not str:
            value = str(value)
        if value[0] in "=#" or ILLEGAL_CHARACTERS_RE.search(value):
            return _text_cell(worksheet, value)
        return value

    formats = {"vnd": VND_FORMAT, "int": INTEGER_FORMAT, "date": DATE_FORMAT}
    if column.kind not in formats:
        return text
    formatted = WriteOnlyCell(worksheet)
    formatted.number_format = formats[column.kind]
    wanted: tuple[type, ...] = (datetime.date,) if column.kind == "date" else (int,)

    def number(value: Any) -> Any:
        if isinstance(value, wanted) and not isinstance(value, bool):
            if isinstance(value, datetime.datetime):
                value = value.date()
            formatted.value = value
            return formatted
        return text(value)

    return number


def xlsx_response(sheet: Sheet) -> FileResponse:
    """An attachment download of `sheet`, built in a temporary file (in memory while small)."""
    # A zip cannot be written to a socket as it goes: it is finished first, then streamed.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    write_sheet(spool, sheet)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=sheet.filename, content_type=XLSX_CONTENT_TYPE
    )
