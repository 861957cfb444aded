"""The printed documents of issue 5 §2, rendered by WeasyPrint: A4, "Trang X/Y", fonts embedded.

Every figure of the periodic report comes from `reports.selectors.report_data`; the lists are
read through the households' own selectors. This module only lays them out: it takes what the
views (or the commands) already scoped to the user, renders a template and returns PDF bytes.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import F, QuerySet
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from weasyprint import HTML

from giamngheo.formatting import fold_text
from households import standing, units
from households.models import (
    Assessment,
    Household,
    Member,
    PoorGroupChoice,
    PovertyStatus,
    Ward,
    income_text,
)
from households.privacy import mask_national_id
from households.selectors import assessment_dimensions
from reports import pdf_grid
from reports.authorities import authority_on, plan_of
from reports.selectors import SUBTOTAL, TOTAL, FormTable, period_text

if TYPE_CHECKING:
    from reports.selectors import ReportData

# Shown in the header of every periodic report of the city (REFERENCE §3.6).
CITY_PLACE = "Phan Thiết"


def ascii_filename(*parts: Any, extension: str = "pdf") -> str:
    """An ASCII file name for Content-Disposition: ``("Đức Thắng", 2017)`` → ``duc-thang-2017``."""
    words = "-".join(slugify(fold_text(str(part))) for part in parts if str(part))
    return f"{words or 'report'}.{extension}"


def date_line(place: str, on: datetime.date) -> str:
    """The place-and-date line of an official document: "Phan Thiết, ngày 05 tháng 02 năm 2017".

    Days below 10 and the months January and February take a leading zero, as Vietnamese
    administrative documents write them.
    """
    day = f"{on.day:02d}"
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place,
        "day": day,
        "month": month,
        "year": on.year,
    }


def _render(template: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()


@dataclass(frozen=True)
class Issuer:
    """Who issues and signs a document: the header's left column and the signature block."""

    upper: str  # "UBND THÀNH PHỐ PHAN THIẾT"
    body: str  # "PHÒNG LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI" or "" for a ward
    number_suffix: str  # "BC-LĐTBXH"
    on_behalf: str  # "TM. ỦY BAN NHÂN DÂN" or ""
    signer: str  # "TRƯỞNG PHÒNG" / "CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)


def issuer_for(ward: Ward | None, day: datetime.date | None = None) -> Issuer:
    """Who issues a document dated `day` (today by default): the city-level authority of that
    day for a city-wide one (`reports.authorities`: the city's Labour department until
    30/06/2025, the province's department after, UNCONFIRMED), the ward's People's Committee
    otherwise."""
    authority = authority_on(day or timezone.localdate())
    if ward is None:
        return Issuer(
            upper=str(authority.upper),
            body=str(authority.body),
            number_suffix=str(authority.number_suffix),
            on_behalf="",
            signer=str(authority.signer),
            recipients=[str(r) for r in authority.recipients],
        )
    return Issuer(
        upper=_("PEOPLE'S COMMITTEE OF %(ward)s") % {"ward": str(ward).upper()},
        body="",
        number_suffix=_("BC-UBND"),
        on_behalf=_("ON BEHALF OF THE PEOPLE'S COMMITTEE"),
        signer=_("CHAIRMAN"),
        recipients=[
            str(authority.ward_reports_to),
            _("Party Committee and People's Council of the ward;"),
            _("Filed."),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The periodic report (sơ kết 6 tháng / tổng kết năm)
# ---------------------------------------------------------------------------------------------

PERIOD_ANNUAL = standing.ANNUAL
PERIOD_SIX_MONTH = standing.SIX_MONTH
PERIODS = standing.PERIOD_KINDS


@dataclass(frozen=True)
class DeprivationLine:
    label: str
    is_dimension: bool
    cells: list[Any]  # a `reports.selectors.Count` per group of `data.deprivation_groups`


def deprivation_table(data: ReportData) -> list[DeprivationLine]:
    """Each dimension followed by its indicators, one cell per group (N1, N2, near-poor; or
    poor, near-poor under a standard without N1/N2)."""
    lines: list[DeprivationLine] = []
    for dimension in data.dimensions:
        lines.append(
            DeprivationLine(
                label=dimension.label,
                is_dimension=True,
                cells=[dimension.by_group.get(g) for g in data.deprivation_groups],
            )
        )
        lines.extend(
            DeprivationLine(
                label=row.label,
                is_dimension=False,
                cells=[row.by_group.get(g) for g in data.deprivation_groups],
            )
            for row in data.deprivations
            if row.dimension == dimension.dimension
        )
    return lines


# The report forms (Biểu) on the report's landscape pages (A4 less 15 + 12 mm), in 7.5 pt type.
FORM_WIDTH_MM = 297 - 15 - 12
FORM_SIZE_PT = 7.5
# Flows into a list shaded green, flows out red, as on the dashboard.
_ROLE_SHADES = {
    "in": "#e6f0e6",
    "in_total": "#e6f0e6",
    "out": "#f3e6e6",
    "out_total": "#f3e6e6",
    "of_which": "#f3e6e6",
}


@dataclass(frozen=True)
class PrintedForm:
    """A report form laid out by `reports.pdf_grid`: a line a ward, as the household list."""

    code: str
    number: str
    title: str
    note: str
    width_mm: float
    rules: str  # the column rules (a data URL)
    shading: str  # the header's column shades (a data URL), "" for none
    header: str
    body: str  # HTML, escaped


def _form_cell(cell: Any) -> str:
    if cell is None or cell.value is None:
        return "—"
    return floatformat(cell.value, "2") if cell.rate else intcomma(cell.value)


def printed_form(table: FormTable) -> PrintedForm:
    """`table` as the periodic report prints it: the unit column as wide as its longest name,
    the figures sharing the rest; subtotals bold italic, the total bold."""
    unit_label = _("Ward / commune")
    unit_width = pdf_grid.width_mm(
        [unit_label, *(row.label for row in table.rows)], size_pt=FORM_SIZE_PT, bold=True
    )
    columns = [pdf_grid.Column(unit_label, unit_width)]
    columns += [pdf_grid.Column(column.label, 0, "right") for column in table.columns]
    grid = pdf_grid.Grid.build(columns, width_mm=FORM_WIDTH_MM, size_pt=FORM_SIZE_PT)
    shades = {
        index: _ROLE_SHADES[column.role]
        for index, column in enumerate(table.columns, start=1)
        if column.role in _ROLE_SHADES
    }
    body = "".join(
        f'<tr class="{escape(row.level)}"><td>'
        + escape(
            grid.lines(
                [row.label, *(_form_cell(cell) for cell in row.cells)],
                bold=row.level in (SUBTOTAL, TOTAL),
                italic=row.level == SUBTOTAL,
            )
        )
        + "</td></tr>"
        for row in table.rows
    )
    return PrintedForm(
        code=table.code,
        number=table.number,
        title=table.title,
        note=table.note,
        width_mm=grid.width_mm,
        rules=grid.rules(),
        shading=grid.shading(shades) if shades else "",
        header=grid.header(),
        body=mark_safe(body),  # every text in it went through html.escape
    )


def render_periodic_report(
    data: ReportData, *, place: str | None = None, number: str = ""
) -> bytes:
    """The six-month (sơ kết, 1 January – 30 June) or year-end (tổng kết) report of the plan
    for `data`'s unit and period, dated `data.report_date`, with the report forms of Circular
    17/2016 (Biểu 1–4; their annex layout is UNCONFIRMED, as the document's footnote says).
    Issued by the authority of the report's date (`issuer_for`), at its place unless `place`
    is given. The PDF's title (its metadata) is the Vietnamese title of the report."""
    ward = data.ward
    issuer = issuer_for(ward, data.report_date)
    if place is None:
        place = authority_on(data.report_date).place if ward is None else CITY_PLACE
    if data.is_six_month:
        title = _(
            "Preliminary review of the first six months of the %(year)s poverty reduction plan"
        ) % {"year": data.year}
    else:
        title = _("Results of the %(year)s poverty reduction plan") % {"year": data.year}
    unit = str(data.place)
    context = {
        "data": data,
        "issuer": issuer,
        "number": number,
        "date_line": date_line(place, data.report_date),
        "title": title,
        "unit": unit,
        "period_text": period_text(data.period),
        "plan": plan_of(data.year),
        "deprivation_groups": [
            (data.group_labels.get(group, group), data.group_sizes.get(group, 0))
            for group in data.deprivation_groups
        ],
        "deprivation_table": deprivation_table(data),
        "forms": {
            name: printed_form(getattr(data, name))
            for name in (
                "results",
                "poor_movements",
                "near_poor_movements",
                "poor_groups",
                "poor_deprivations",
                "near_poor_deprivations",
                "in_review",
            )
        },
        "document_title": f"{_('Report')}: {title} – {unit}",
    }
    return _render("reports/pdf/periodic_report.html", context)


# ---------------------------------------------------------------------------------------------
# The household list by status (landscape)
# ---------------------------------------------------------------------------------------------

# Landscape A4 less the list's margins (12 mm each side).
LIST_WIDTH_MM = 297 - 2 * 12
# Assessments read per query: a bounded IN list on every database.
_ASSESSMENTS_PER_QUERY = 2000


class TooManyHouseholds(Exception):
    """The list is longer than the caller's limit; nothing was read past it."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} households")
        self.limit = limit


@dataclass(frozen=True)
class ListRow:
    """What the list prints of one household, and of its assessment in the list's round (or
    its recognised result in effect, for official figures): blank when it has none."""

    code: str
    head_name: str
    address: str
    quarter: str
    ward: str
    members: int
    status: str = ""
    poor_group: str = ""
    income: str = "—"  # as `households.models.income_text` words it
    deprivations: int | None = None


@dataclass(frozen=True)
class StatusGroup:
    label: str
    rows: list[ListRow]


def _group_label(status: str, poor_group: str) -> str:
    if not status:
        return _("Not assessed in this round")
    label = str(PovertyStatus(status).label)
    return f"{label} – {poor_group}" if status == PovertyStatus.POOR and poor_group else label


_ASSESSMENT_COLUMNS = (
    "pk",
    "status",
    "poor_group",
    "deprivation_count",
    "income_per_capita",
    "income_route",
    "b1_score",
    "b1_band",
)


def _assessments(ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(ids), _ASSESSMENTS_PER_QUERY):
        batch = ids[start : start + _ASSESSMENTS_PER_QUERY]
        # order_by(): the model's ordering would join the round and the household.
        rows = Assessment.objects.filter(pk__in=batch).order_by().values_list(*_ASSESSMENT_COLUMNS)
        found.update((row[0], row[1:]) for row in rows)
    return found


def household_list_rows(
    households: QuerySet[Household] | Iterable[Household], *, limit: int | None = None
) -> list[ListRow]:
    """The rows of the list PDF, in the list's order, in two queries (one more per 2,000
    assessed households): the households' columns, then their assessments' four.

    `households` is `households.selectors.household_list(...)` — its queryset is best: only
    the printed columns are read, no model is built — or households already read from it (each
    with its `round_assessments`). Past `limit` households, `TooManyHouseholds` is raised after
    reading at most limit + 1 of them and no assessment.
    """
    if isinstance(households, QuerySet):
        columns = ["code", "head_name", "address", "quarter__name", "ward__name", "member_count"]
        # The list's assessment (its round's, or the result in effect) is an alias of the
        # selector; without a round there is none.
        if "round_assessment_id" in households.query.annotations:
            households = households.annotate(list_assessment=F("round_assessment_id"))
            columns.append("list_assessment")
        query = households.prefetch_related(None).values_list(*columns)
        read = list(query[: limit + 1] if limit is not None else query)
        records = [(*row[:6], row[6] if len(row) > 6 else None) for row in read]
    else:
        records = []
        for household in households if limit is None else itertools.islice(households, limit + 1):
            assessments = getattr(household, "round_assessments", [])
            records.append(
                (
                    household.code,
                    household.head_name,
                    household.address,
                    household.quarter.name if household.quarter_id else "",
                    household.ward.name,
                    getattr(household, "member_count", 0),
                    assessments[0].pk if assessments else None,
                )
            )
    if limit is not None and len(records) > limit:
        raise TooManyHouseholds(limit)
    assessments = _assessments([r[6] for r in records if r[6] is not None])
    rows = []
    for code, head_name, address, quarter, ward_name, members, assessment_id in records:
        status, poor_group, deprivations, income, route, b1_score, b1_band = assessments.get(
            assessment_id, ("", "", None, None, "", None, "")
        )
        rows.append(
            ListRow(
                code=code,
                head_name=head_name,
                address=address,
                quarter=quarter or "",
                ward=ward_name,
                members=members or 0,
                status=status,
                poor_group=poor_group,
                income=income_text(route=route, income=income, b1_score=b1_score, b1_band=b1_band),
                deprivations=deprivations,
            )
        )
    return rows


def group_by_status(rows: Iterable[ListRow]) -> list[StatusGroup]:
    """Consecutive households of the same status (and poor group) under one heading.

    The rows come sorted by status (`household_list(..., sort="status")`); numbering (STT)
    restarts in every group, as the printed lists do.
    """
    groups: list[StatusGroup] = []
    for row in rows:
        label = _group_label(row.status, row.poor_group)
        if not groups or groups[-1].label != label:
            groups.append(StatusGroup(label=label, rows=[]))
        groups[-1].rows.append(row)
    return groups


def _status_labels() -> list[str]:
    labels = [_group_label(s, "") for s in PovertyStatus.values]
    return [*labels, *(_group_label(PovertyStatus.POOR, g) for g in PoorGroupChoice.values)]


def _list_grid(rows: Sequence[ListRow], *, show_ward: bool) -> pdf_grid.Grid:
    """The list's columns: codes, names, quarters and wards as wide as this list's longest
    (within bounds), the address what is left, the figures fixed."""

    def fitting(texts: Iterable[str], low: float, high: float) -> float:
        return min(max(pdf_grid.width_mm(list(set(texts))), low), high)

    columns = [
        pdf_grid.Column(_("No."), 10, "right"),
        pdf_grid.Column(_("Household code"), fitting((r.code for r in rows), 14, 26)),
        pdf_grid.Column(_("Head of household"), fitting((r.head_name for r in rows), 26, 42)),
        pdf_grid.Column(_("Address"), 0),
        pdf_grid.Column(_("Quarter / hamlet"), fitting((r.quarter for r in rows), 16, 26)),
    ]
    if show_ward:
        columns.append(
            pdf_grid.Column(_("Ward / commune"), fitting((r.ward for r in rows), 16, 28))
        )
    columns += [
        pdf_grid.Column(pgettext("report", "Members"), 11, "right"),
        # As wide as the longest status ("Hộ có mức sống trung bình"), on one line.
        pdf_grid.Column(_("Status / group"), pdf_grid.width_mm(_status_labels())),
        pdf_grid.Column(_("Income per person per month"), 22, "right"),
        pdf_grid.Column(_("Deprived indicators"), 17, "right"),
    ]
    return pdf_grid.Grid.build(columns, width_mm=LIST_WIDTH_MM)


def _list_body(groups: Sequence[StatusGroup], grid: pdf_grid.Grid, *, show_ward: bool) -> str:
    """The table's rows as HTML: a heading row per group, then one cell per household."""
    out: list[str] = []
    for group in groups:
        count = ngettext("%(counter)s household", "%(counter)s households", len(group.rows)) % {
            "counter": len(group.rows)
        }
        out.append(f'<tr class="group"><td>{escape(group.label)}: {escape(count)}</td></tr>')
        for number, row in enumerate(group.rows, start=1):
            cells: list[object] = [number, row.code, row.head_name, row.address, row.quarter]
            if show_ward:
                cells.append(row.ward)
            cells += [
                row.members,
                _group_label(row.status, row.poor_group) if row.status else "—",
                row.income,
                row.deprivations if row.deprivations is not None else "—",
            ]
            out.append(f"<tr><td>{escape(grid.lines(cells))}</td></tr>")
    return "".join(out)


def render_household_list(
    households: QuerySet[Household] | Iterable[Household] | Sequence[ListRow],
    *,
    title: str,
    subtitle: str = "",
    ward: Ward | None = None,
    show_ward: bool = False,
    place: str = CITY_PLACE,
    on: datetime.date | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> bytes:
    """The households grouped by status as a compact table on landscape A4 (a line a
    household, `thead` on every page), with the preparer's and signer's lines.

    `households`: `household_list_rows`' rows, or what it reads them from. `progress(done,
    total)` is told the households laid out: 0 before WeasyPrint starts, all when the PDF is
    written (WeasyPrint lays the document out in one go).
    """
    if isinstance(households, QuerySet):
        rows = household_list_rows(households)
    else:
        given = list(households)
        rows = (
            household_list_rows(given)  # type: ignore[arg-type]
            if given and not isinstance(given[0], ListRow)
            else given  # type: ignore[assignment]
        )
    if progress:
        progress(0, len(rows))
    groups = group_by_status(rows)
    grid = _list_grid(rows, show_ward=show_ward)
    context = {
        "title": title,
        "subtitle": subtitle,
        "grid": grid,
        "header": grid.header(),
        "rules": grid.rules(),
        # Every text in it went through html.escape.
        "body": mark_safe(_list_body(groups, grid, show_ward=show_ward)),
        "total": len(rows),
        "issuer": issuer_for(ward, on),
        "date_line": date_line(place, on or timezone.localdate()),
        "document_title": title,
    }
    content = _render("reports/pdf/household_list.html", context)
    if progress:
        progress(len(rows), len(rows))
    return content


# ---------------------------------------------------------------------------------------------
# The public-posting list (danh sách niêm yết)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostingRow:
    number: int
    assessment: Assessment
    household: Household
    member_count: int
    head_id_masked: str


@dataclass(frozen=True)
class PostingGroup:
    label: str
    rows: list[PostingRow]


def posting_groups(assessments: Sequence[Assessment]) -> list[PostingGroup]:
    """Poor households first, then near-poor; each with its members and masked head's ID.

    The assessments carry `household` and its prefetched `members`.
    """
    groups: list[PostingGroup] = []
    for status in (PovertyStatus.POOR, PovertyStatus.NEAR_POOR):
        rows: list[PostingRow] = []
        for assessment in assessments:
            if assessment.status != status:
                continue
            members: list[Member] = list(assessment.household.members.all())
            head = next((m for m in members if m.relation == Member.Relation.HEAD), None)
            rows.append(
                PostingRow(
                    number=len(rows) + 1,
                    assessment=assessment,
                    household=assessment.household,
                    member_count=len(members),
                    head_id_masked=mask_national_id(head.national_id if head else None),
                )
            )
        label = _("Poor households") if status == PovertyStatus.POOR else _("Near-poor households")
        groups.append(PostingGroup(label=label, rows=rows))
    return groups


def posting_period(assessments: Sequence[Assessment]) -> tuple[datetime.date | None, ...]:
    """The posting dates when every household was posted over the same days, else blanks (each
    row then shows its own period)."""
    periods = {(a.posted_from, a.posted_to) for a in assessments}
    if len(periods) == 1:
        return periods.pop()
    return (None, None)


def not_posted(assessments: Iterable[Assessment]) -> int:
    """How many of the listed assessments have no public posting recorded yet: the posting list
    states each household's posting period, so it is not printed while one has none."""
    return sum(1 for a in assessments if a.posted_from is None or a.posted_to is None)


def render_posting_list(
    assessments: Sequence[Assessment],
    *,
    ward: Ward,
    round_name: str,
    year: int,
    on: datetime.date | None = None,
) -> bytes:
    """The list posted at the ward office and in the quarters for the community's comments,
    each household with its own posting period. Every assessment must have been posted
    (`not_posted` is 0): the view refuses the document otherwise."""
    if not_posted(assessments):
        raise ValueError("The posting list needs every household's posting period.")
    posted_from, posted_to = posting_period(assessments)
    context = {
        "groups": posting_groups(assessments),
        "issuer": issuer_for(ward, on),
        "ward": ward,
        "round_name": round_name,
        "year": year,
        "posted_from": posted_from,
        "posted_to": posted_to,
        "date_line": date_line(CITY_PLACE, on or timezone.localdate()),
        "document_title": _("Public posting list"),
    }
    return _render("reports/pdf/posting_list.html", context)


# ---------------------------------------------------------------------------------------------
# One household's profile sheet
# ---------------------------------------------------------------------------------------------


def _unit_on(ward: Ward, day: datetime.date) -> Ward:
    merged = units.part_of(ward, day)
    return ward if merged is None else merged[0]


def render_household_profile(
    household: Household,
    *,
    members: Sequence[Any],
    assessment: Assessment | None,
    benefits: Sequence[Any],
    assignment: Any,
    on: datetime.date | None = None,
    show_traits: bool = True,
) -> bytes:
    """The household's sheet for the officer's file, never posted publicly.

    `members` are `(member, age, national ID as the reader may see it)` triples, the members
    the reader may see (`households.privacy.shown_members`); `benefits` the household's
    benefits the reader may see, newest first; `show_traits` False leaves out the
    ethnic-minority flag (`households.privacy.can_see_traits`).
    """
    flags = [
        str(getattr(Household._meta.get_field(name), "verbose_name", name)).capitalize()
        for name in (
            "is_merit_family",
            "is_social_protection",
            "is_ethnic_minority",
            "is_female_headed",
            "has_no_working_age_labour",
        )
        if getattr(household, name) and (show_traits or name != "is_ethnic_minority")
    ]
    context = {
        "household": household,
        "flags": flags,
        "causes": [str(c) for c in assessment.causes.all()] if assessment else [],
        "needs": [str(n) for n in assessment.needs.all()] if assessment else [],
        "members": members,
        "assessment": assessment,
        "dimensions": assessment_dimensions(assessment) if assessment else [],
        "benefits": benefits,
        "assignment": assignment,
        # The unit the household belongs to on the sheet's day (its registered unit, or the
        # one that unit was merged into, issue 12).
        "issuer": issuer_for(_unit_on(household.ward, on or timezone.localdate()), on),
        "date_line": date_line(CITY_PLACE, on or timezone.localdate()),
        "document_title": _("Household profile"),
    }
    return _render("reports/pdf/household_profile.html", context)
