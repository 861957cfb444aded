"""Every figure of the reports: the one place where an indicator is computed (issues 5 and 9).

The dashboard, the periodic PDF, the spreadsheets, `manage.py export_report` and the targets
page all read `report_data()` (or `target_figures()`, built from the same counts); none of them
counts anything itself, so a number is never computed twice.

Official figures count **recognised results only**, through `households.standing`: a household's
status on a day is the recognised result in effect that day (the year-end review of year Y from
1 January Y+1, an ad-hoc decision from its date). A report covers a `standing.Period`: the year
(start balance on 1/1/Y, end balance on 1/1/Y+1, i.e. the result of the year's review) or its
first half (1/1/Y to 30/6/Y: the start-of-year list plus the half-year's ad-hoc decisions).
Results not yet recognised are never counted in them: they are shown apart, "đang rà soát"
(`ReportData.in_review`).

The tables follow the report forms of Circular 17/2016/TT-BLĐTBXH Art. 9 (REFERENCE.md §3.5–3.6):
Biểu 1 results, Biểu 2 movements, Biểu 3 poor households by group, Biểu 4 deprivations, each
by ward / commune with a subtotal for the wards (urban), one for the communes (rural) and the
total. UNCONFIRMED: the annex forms themselves could not be read; the columns are those the
Circular's reporting duties and local reports name, not a copy of the official layout.

Every count is an aggregate in the database (conditional `Count`), so the number of queries does
not depend on the number of households. Every count carries `url`: the household list filtered
to exactly the households counted (`households.selectors.standing_list_url`,
`movement_list_url`, `in_review_list_url`), or the programmes worklist for coverage figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import Case, F, ManyToManyField, Q, QuerySet, Sum, Value, When
from django.db.models import Count as DbCount
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from households import standing, units
from households.classification import DEFAULT_STANDARD, Area, get_standard, standard_for_date
from households.models import (
    Assessment,
    Household,
    Member,
    PovertyCause,
    PovertyStatus,
    ReviewRound,
    StandingSpan,
    SupportNeed,
    Ward,
)
from households.scope import Scope
from households.selectors import in_review_list_url, movement_list_url, standing_list_url
from programs import worklists
from programs.models import Benefit, Programme, WardTarget
from reports.authorities import authority_on

# The keys of `ReportData.indicators`, in the order of section II of Plan 221/KH-UBND (2017).
POOR_RATE_START = "poor_rate_start"
POOR_RATE_END = "poor_rate_end"
POOR_RATE_REDUCTION = "poor_rate_reduction"
POLICIES = "policies"
HEALTH_INSURANCE = "health_insurance"
SCHOOL_SUPPORT = "school_support"
CREDIT = "credit"
OFFICERS_TRAINED = "officers_trained"
ESCAPE_PLANNED = "escape_planned"
ESCAPED = "escaped"

# The groups the city's deprivation table is split by: N1, N2 and near-poor under a standard
# that splits the poor (Decision 59/2015), the poor and the near-poor under one that does not
# (Decree 07/2021 on): `deprivation_groups`.
GROUP_N1 = "N1"
GROUP_N2 = "N2"
GROUP_POOR = "poor"
GROUP_NEAR_POOR = "near_poor"
DEPRIVATION_GROUPS = (GROUP_N1, GROUP_N2, GROUP_NEAR_POOR)


def deprivation_groups(standard_code: str) -> tuple[str, ...]:
    """The groups of the deprivation table under the standard of the year reported."""
    if get_standard(standard_code).has_poor_groups:
        return DEPRIVATION_GROUPS
    return (GROUP_POOR, GROUP_NEAR_POOR)


POOR = standing.POOR
NEAR_POOR = standing.NEAR_POOR

# Rows of the form tables.
UNIT, SUBTOTAL, TOTAL = "unit", "subtotal", "total"


# --- the one rounding of every rate ----------------------------------------------------------

_TWO_PLACES = Decimal("0.01")


def percent(numerator: int, denominator: int | None) -> Decimal | None:
    """`numerator` as a share of `denominator` in percent, rounded half up to 2 places (the
    rounding of every rate of the dashboard, the PDF, the spreadsheets and the targets page);
    None without a base."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        _TWO_PLACES, rounding=ROUND_HALF_UP
    )


# --- what a report holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One number and the list of what it counts (`url`, "" when there is no such list)."""

    value: int
    url: str = ""
    # The share of `value` in the row's base, in percent rounded to 2 places; None if no base.
    percent: Decimal | None = None


@dataclass(frozen=True)
class Indicator:
    """One indicator of section II of the plan, with its target and what was achieved.

    - `key`: one of the constants above (POOR_RATE_START …).
    - `label`: what it measures, translated ("Tỷ lệ hộ nghèo đầu năm").
    - `target_text`: the plan's target as words ("Giảm 0,2–0,3 điểm %", "100%").
    - `target`: the target as a number in `unit`; None when the indicator has no target.
    - `unit`: "percent" (actual is a share in %), "points" (percentage points) or "households".
    - `actual`: what was achieved in `unit` (Decimal, 2 places); None when it cannot be known.
    - `numerator` / `denominator`: the counts behind `actual` (both None for "points").
    - `met`: True / False against the target; None when there is no target or no actual.
    - `url`: the list of the households (or members, officers) counted in `numerator`.
    - `gap_url`: the worklist of those still missing (coverage indicators), else "".
    - `note`: how the figure was computed when it needs saying, translated; "" otherwise.
    """

    key: str
    label: str
    target_text: str
    target: Decimal | None
    unit: str
    actual: Decimal | None
    numerator: int | None
    denominator: int | None
    met: bool | None
    url: str = ""
    gap_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Cell:
    """One cell of a form table: a count of households or persons (`rate` False) or a rate in
    percent (`rate` True, 2 places); `value` None when unknown (no total households)."""

    value: int | Decimal | None
    url: str = ""
    rate: bool = False


@dataclass(frozen=True)
class FormColumn:
    """A column of a form table. `role` places it in a movement table: "start", "in",
    "in_total", "out", "of_which" (a part of the previous flow, not summed), "out_total",
    "end"; "" elsewhere. `rate_of` = (numerator key, denominator key) for a rate column."""

    key: str
    label: str
    role: str = ""
    rate_of: tuple[str, str] | None = None


@dataclass(frozen=True)
class FormRow:
    """A ward / commune (`level` UNIT), the subtotal of the wards or of the communes
    (SUBTOTAL) or the total (TOTAL); `values` by column key, in column order."""

    label: str
    level: str
    ward: Ward | None
    values: dict[str, Cell]

    @property
    def cells(self) -> list[Cell]:
        return list(self.values.values())

    def value(self, key: str) -> int | Decimal | None:
        return self.values[key].value


@dataclass(frozen=True)
class FormTable:
    """One report form (Biểu): its columns and its rows, the total last."""

    code: str  # "bieu-1" …: a stable id for pages, sheets and tests
    number: str  # "Biểu 1"
    title: str
    columns: list[FormColumn]
    rows: list[FormRow]
    note: str = ""

    @property
    def total(self) -> FormRow | None:
        return self.rows[-1] if self.rows else None

    def row(self, ward: Ward) -> FormRow:
        return next(r for r in self.rows if r.level == UNIT and r.ward == ward)


@dataclass(frozen=True)
class DeprivationRow:
    """One deprivation indicator (or one dimension, `indicator` == "") and, for each group of
    `DEPRIVATION_GROUPS`, the households of that group deprived in it: `by_group[group]` is a
    `Count` whose `percent` is the share of the group's households. A household counts once
    under a dimension when deprived in any of its indicators."""

    dimension: str
    dimension_label: str
    indicator: str
    label: str
    by_group: dict[str, Count]


@dataclass(frozen=True)
class CodeRow:
    """A cause of poverty or a support need and the poor and near-poor households citing it."""

    code: str
    label: str
    poor: Count
    near_poor: Count


@dataclass(frozen=True)
class SupportRow:
    """A programme and what it delivered in the period (benefits dated in it)."""

    code: str
    label: str
    households: int
    benefits: int
    amount: int


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows for one period, for the city or one ward, scoped to a user.

    - `period` (`standing.Period`), `year`, `ward` (None = every ward the user may see),
      `wards`, `place` (the ward's name, or the city's), `report_date` (the date line).
    - `review_round`: the year's periodic round (None when not held); `in_review_rounds`: the
      rounds whose unrecognised results `in_review` counts (the periodic round of the year for
      the year-end report, the year's ad-hoc rounds for the six-month one).
    - `indicators`: section II of the plan, in order; `indicator(key)` finds one.
    - `results` (Biểu 1), `poor_movements` / `near_poor_movements` (Biểu 2), `poor_groups`
      (Biểu 3), `poor_deprivations` / `near_poor_deprivations` (Biểu 4), `in_review`: the form
      tables (`FormTable`), all on recognised standings but `in_review`.
    - `deprivations` / `dimensions` / `group_sizes` / `group_labels`: the city's deprivation
      table by group, `deprivation_groups` (N1, N2, near-poor; or poor, near-poor under a
      standard without N1/N2), with the indicators of the year's standard, `standard`;
      `causes`, `needs`: every active cause / need.
    - `supports`: the benefits dated in the period, by programme.
    - `notes`: what the reader must know about the figures, translated.
    """

    year: int
    period: standing.Period
    ward: Ward | None
    wards: list[Ward]
    place: str
    report_date: datetime.date
    review_round: ReviewRound | None
    in_review_rounds: list[ReviewRound]
    indicators: list[Indicator]
    results: FormTable
    poor_movements: FormTable
    near_poor_movements: FormTable
    poor_groups: FormTable
    poor_deprivations: FormTable
    near_poor_deprivations: FormTable
    in_review: FormTable
    deprivations: list[DeprivationRow]
    dimensions: list[DeprivationRow]
    group_sizes: dict[str, int]
    causes: list[CodeRow]
    needs: list[CodeRow]
    supports: list[SupportRow]
    group_labels: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    deprivation_groups: tuple[str, ...] = DEPRIVATION_GROUPS
    standard: str = DEFAULT_STANDARD

    @property
    def is_six_month(self) -> bool:
        return self.period.kind == standing.SIX_MONTH

    @property
    def form_tables(self) -> list[FormTable]:
        return [
            self.results,
            self.poor_movements,
            self.near_poor_movements,
            self.poor_groups,
            self.poor_deprivations,
            self.near_poor_deprivations,
        ]

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def available_years() -> list[int]:
    """Years with a periodic review round, newest first: the years a report can be made for."""
    return standing.periodic_years()


# --- the report's date --------------------------------------------------------------------


def default_report_date(period: standing.Period) -> datetime.date:
    """Today for the period under way; else the period's last day (30/06 or 31/12)."""
    return timezone.localdate() if period.is_current else period.last_day


def check_report_date(period: standing.Period, day: datetime.date | None) -> datetime.date:
    """The date the report is dated with: `day`, or the default. A report cannot be dated
    before the period it reports on starts (ValidationError, in Vietnamese)."""
    if day is None:
        return default_report_date(period)
    if day < period.start:
        raise ValidationError(
            _("The report date cannot be before the start of the period it reports on (%(start)s).")
            % {"start": period.start.strftime("%d/%m/%Y")},
            code="before_period",
        )
    return day


# --- scope and denominators -------------------------------------------------------------


@dataclass(frozen=True)
class _Covered:
    """The units a report counts in (issue 12; `households.units`).

    - `wards`: its rows, the units the user sees in force on `day` (the period's last day: a
      2017 report has the 18 units of then, a 2026 one the units of the 2025 merger), urban
      ones first (the form's order); a report of one unit has that unit.
    - `ids`: the rows and every unit merged into them: whose registered households are in
      scope, and whose results and benefits are read.
    - `to_row`: each of `ids` → the row that counts a result made in it: the row it had
      become part of on `day` (a result of Phú Trinh in a 2026 report counts in P. Phan
      Thiết; a unit that had not become a row's by then counts nowhere).
    """

    day: datetime.date
    wards: list[Ward]
    ids: list[int]
    to_row: dict[int, int]
    areas: dict[int, Area]  # each row's area on `day` (`Ward.area_on`)

    def fold(self, by_unit: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
        """Counts by the unit a result was made in, summed by the row that counts them."""
        folded: dict[int, dict[str, int]] = {}
        for unit, counts in by_unit.items():
            row = self.to_row.get(unit)
            if row is None:
                continue
            into = folded.setdefault(row, {})
            for key, value in counts.items():
                into[key] = into.get(key, 0) + value
        return folded


def _scope(
    scope: Scope, ward: Ward | None, day: datetime.date
) -> tuple[_Covered, QuerySet[Household]]:
    """The units covered on `day` (`_Covered`) and the visible households registered in them."""
    visible = Ward.objects.within(scope).select_related("district")
    wards = [visible.get(pk=ward.pk)] if ward is not None else list(visible.in_force(day))
    areas = {w.pk: w.area_on(day) for w in wards}
    wards.sort(key=lambda w: (areas[w.pk] != Area.URBAN, w.display_order, w.name))
    rows = units.row_of(w.pk for w in wards)
    to_row = {}
    for unit in rows:
        row = rows.get(units.unit_on(unit, day))
        if row is not None:
            to_row[unit] = row
    covered = _Covered(
        day=day,
        wards=wards,
        ids=sorted(rows),
        to_row=to_row,
        areas=areas,
    )
    return covered, Household.objects.within(scope).filter(ward_id__in=covered.ids)


def _ward_total(ward: Ward, targets: dict[tuple[int, int], WardTarget], year: int) -> int | None:
    """The ward's total households of `year` (WardTarget), else of `year + 1`, else None."""
    return _unit_total(ward.pk, targets, year)


def _unit_total(unit: int, targets: dict[tuple[int, int], WardTarget], year: int) -> int | None:
    """`_ward_total` of the unit `unit`; a unit with neither, merged from others (a year before
    its first, issue 12), has the sum of theirs when each has one."""
    target = targets.get((unit, year)) or targets.get((unit, year + 1))
    if target is not None:
        return target.total_households
    merged = units.successions().predecessors.get(unit, ())
    parts = [_unit_total(pk, targets, year) for pk in merged]
    if not parts or None in parts:
        return None
    return sum(part or 0 for part in parts)


def _totals(
    wards: list[Ward], targets: dict[tuple[int, int], WardTarget], year: int
) -> tuple[int | None, str]:
    """The wards' total households of `year` (a ward without one: of `year + 1`), and a note
    saying which totals were used or which are missing."""
    total, fallback, missing = 0, [], []
    for ward in wards:
        value = _ward_total(ward, targets, year)
        if value is None:
            missing.append(ward.name)
            continue
        if (ward.pk, year) not in targets and (ward.pk, year + 1) in targets:
            fallback.append(ward.name)
        total += value
    if missing:
        return None, str(
            _("No total number of households entered for: %(wards)s.")
            % {"wards": ", ".join(missing)}
        )
    if fallback:
        return total, str(
            _("Total households of %(year)s used for %(wards)s (none entered for %(previous)s).")
            % {"year": year + 1, "wards": ", ".join(fallback), "previous": year}
        )
    return total, ""


# --- counting on standings --------------------------------------------------------------------


def _in_scope_q(scope_wards: list[int] | None, prefix: str = "household__") -> Q:
    """The households of `_scope` (through `prefix`): those of the wards covered, as the wards
    covered are among those the scope sees (`within` then adds nothing); `scope_wards`
    None: every ward, no condition. A condition on the row's household, not a second join to
    the households (each join is 0.1–0.2 s of a count at 300,000 households)."""
    if scope_wards is None:
        return Q()
    return Q(**{f"{prefix}ward_id__in": scope_wards})


def _standing_assessments(
    scope_wards: list[int] | None, day: datetime.date, ward_ids: list[int]
) -> QuerySet[Assessment]:
    """The recognised results in effect on `day` (`households.standing`) of the households in
    scope (`_in_scope_q`), made in the wards covered: one per household at most. Grouped by
    `ward_id`, they count each household in the unit of its result, as the movement table
    does."""
    return Assessment.objects.filter(
        standing.in_force_q(day, "standing_span__"),
        _in_scope_q(scope_wards),
        ward_id__in=ward_ids,
    ).order_by()


def _standing_spans(
    scope_wards: list[int] | None, day: datetime.date, ward_ids: list[int]
) -> QuerySet[StandingSpan]:
    """The stored spans of the same results (`_standing_assessments`): the counts that read
    only the status and the unit of a result (persons, causes, needs) read them without the
    assessments' wide rows. `ward_id` is the unit the result was made in."""
    return StandingSpan.objects.filter(
        standing.in_force_q(day), _in_scope_q(scope_wards), ward_id__in=ward_ids
    ).order_by()


def _standing_buckets(standard_code: str) -> list[tuple[str, Q, dict[str, Any]]]:
    """(key, condition on a standing assessment, list filters) of every household count."""
    poor, near = Q(status=POOR), Q(status=NEAR_POOR)
    standard = get_standard(standard_code)
    by_dimension = standard.indicators_by_dimension()
    buckets: list[tuple[str, Q, dict[str, Any]]] = [
        ("poor", poor, {"status": POOR}),
        ("poor_n1", poor & Q(poor_group="N1"), {"status": POOR, "group": "N1"}),
        ("poor_n2", poor & Q(poor_group="N2"), {"status": POOR, "group": "N2"}),
        ("near_poor", near, {"status": NEAR_POOR}),
        ("poor_merit", poor & Q(household__is_merit_family=True), {"status": POOR, "merit": 1}),
        (
            "poor_social",
            poor & Q(household__is_social_protection=True),
            {"status": POOR, "social": 1},
        ),
        (
            "poor_minority",
            poor & Q(household__is_ethnic_minority=True),
            {"status": POOR, "minority": 1},
        ),
        ("poor_female", poor & Q(household__is_female_headed=True), {"status": POOR, "female": 1}),
        (
            "poor_nolabour",
            poor & Q(household__has_no_working_age_labour=True),
            {"status": POOR, "nolabour": 1},
        ),
        *(
            (f"type_{t.value}", poor & Q(household_type=t.value), {"status": POOR, "type": t.value})
            for t in Assessment.HouseholdType
        ),
        ("expected", poor & Q(expected_to_escape=True), {"status": POOR, "escape": 1}),
    ]
    groups = {
        "poor": (poor, {"status": POOR}),
        GROUP_N1: (poor & Q(poor_group="N1"), {"status": POOR, "group": "N1"}),
        GROUP_N2: (poor & Q(poor_group="N2"), {"status": POOR, "group": "N2"}),
        GROUP_NEAR_POOR: (near, {"status": NEAR_POOR}),
    }
    for group, (condition, params) in groups.items():
        for indicator in standard.indicators:
            buckets.append(
                (
                    f"{group}:{indicator.key}",
                    condition & Q(**{indicator.key: True}),
                    {**params, "deprived": indicator.key},
                )
            )
        for dimension in standard.dimensions:
            any_of = Q(pk__in=[])
            for indicator in by_dimension[dimension.key]:
                any_of |= Q(**{indicator.key: True})
            buckets.append(
                (
                    f"{group}:dim:{dimension.key}",
                    condition & any_of,
                    {**params, "dimension": dimension.key},
                )
            )
    return buckets


def _counts_by_ward(
    assessments: QuerySet[Assessment], buckets: list[tuple[str, Q, dict[str, Any]]]
) -> dict[int, dict[str, int]]:
    """Per ward id, every bucket counted over `assessments`. One query."""
    rows = assessments.values("ward_id").annotate(
        **{key: DbCount("pk", filter=condition) for key, condition, _params in buckets}
    )
    return {row.pop("ward_id"): row for row in rows}


def _listed_counts(
    spans: QuerySet[StandingSpan], key: str, table: str, column: str, group: str
) -> dict[Any, tuple[int, int]]:
    """Per value of `group`, the rows of `table` whose `column` is the `key` of a listed span
    (poor, near-poor), counted by the span's status: (poor, near-poor). One query, the spans
    joined to `table` alone: through the ORM, the spans reached another table through the
    household or the assessment row, which it joined as well (0.1–0.25 s a count at 300,000
    households)."""
    listed = spans.filter(status__in=standing.LISTED).values(key, "ward_id", "status")
    try:
        source, params = listed.query.sql_with_params()
    except EmptyResultSet:  # nothing by construction (a scope without a ward): nothing counted
        return {}
    quote = connection.ops.quote_name
    by = f"s.{quote(group)}" if group == "ward_id" else f"t.{quote(group)}"
    status = f"s.{quote('status')}"
    sql = (
        f"SELECT {by}, COUNT(CASE WHEN {status} = %s THEN 1 END), "
        f"COUNT(CASE WHEN {status} = %s THEN 1 END) "
        f"FROM ({source}) s INNER JOIN {quote(table)} t ON t.{quote(column)} = s.{quote(key)} "
        f"GROUP BY {by}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [POOR, NEAR_POOR, *params])
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _persons_by_ward(spans: QuerySet[StandingSpan]) -> dict[int, dict[str, int]]:
    """Per ward id, the members (nhân khẩu) of the poor and of the near-poor households. The
    member roster is today's: a household's members are not kept by date. One query: the
    listed spans joined to the members (no household or assessment row is read)."""
    members = Member._meta
    counts = _listed_counts(
        spans,
        "household_id",
        members.db_table,
        members.get_field("household").column,
        "ward_id",
    )
    return {
        ward_id: {"poor_persons": poor, "near_poor_persons": near}
        for ward_id, (poor, near) in counts.items()
    }


# --- the movement table (Biểu 2) ------------------------------------------------------------

# (list status, flows in, flows out): the columns of Biểu 2, `households.standing`'s tables.
# The poor list shows "of which to near-poor" after the escapes (not summed).
_MOVEMENT_LISTS = (
    (POOR, standing.POOR_FLOWS_IN, standing.POOR_FLOWS_OUT),
    (NEAR_POOR, standing.NEAR_POOR_FLOWS_IN, standing.NEAR_POOR_FLOWS_OUT),
)


def _movement_columns(status: str) -> list[FormColumn]:
    flows_in, flows_out = next((i, o) for s, i, o in _MOVEMENT_LISTS if s == status)
    label = _("Poor households") if status == POOR else _("Near-poor households")
    columns = [FormColumn("start", str(_("%(list)s at the start") % {"list": label}), "start")]
    columns += [FormColumn(key, str(standing.MOVEMENT_LABELS[key]), "in") for key in flows_in]
    columns.append(FormColumn("in_total", str(_("Total in")), "in_total"))
    for key in flows_out:
        columns.append(FormColumn(key, str(standing.MOVEMENT_LABELS[key]), "out"))
        if key == standing.ESCAPED_POVERTY:
            columns.append(
                FormColumn(
                    standing.ESCAPED_TO_NEAR_POOR,
                    str(standing.MOVEMENT_LABELS[standing.ESCAPED_TO_NEAR_POOR]),
                    "of_which",
                )
            )
    columns.append(FormColumn("out_total", str(_("Total out")), "out_total"))
    columns.append(FormColumn("end", str(_("%(list)s at the end") % {"list": label}), "end"))
    return columns


def _movement_counts(
    households: QuerySet[Household],
    period: standing.Period,
    covered: _Covered,
    *,
    whole_city: bool,
) -> dict[int | None, dict[str, int]]:
    """Per ward id (and None: the city, when `whole_city`), for each list the start and end
    balances and every flow of Biểu 2, as `standing.list_movement_q` counts them: at a ward,
    by the unit each result was made in, as it stands on the period's last day (a result of
    a unit merged since counts in its successor: a merger moves nothing, `covered.to_row`);
    for the city, units ignored.

    One query: the households grouped by what the flows read (status and unit at both ends,
    poor before: a few hundred groups), each group with a flag per flow, the flow as the
    group's own unit counts it (`standing.movement_unit`) and as the city does; the groups
    are then summed by unit here. Counting each flow of each unit in SQL would compile
    thousands of conditional aggregates (a second of Python at every report)."""
    rows: list[int | None] = [*(w.pk for w in covered.wards), *([None] if whole_city else [])]
    flags: dict[str, Any] = {}
    # (flag, the count it adds to, the annotation naming the unit; None: the city's count)
    plan: list[tuple[str, str, str | None]] = []
    for status, flows_in, flows_out in _MOVEMENT_LISTS:
        balances = (("start", Q(start_status=status)), ("end", Q(end_status=status)))
        for end, condition in balances:
            flag = f"f{len(flags)}"
            flags[flag] = _flag(condition)
            plan.append((flag, f"{status}:{end}", f"{end}_ward"))
            if whole_city:
                plan.append((flag, f"{status}:{end}", None))
        keys = [*flows_in, *flows_out]
        if status == POOR:
            keys.append(standing.ESCAPED_TO_NEAR_POOR)
        for key in keys:
            unit_of = standing.movement_unit(key)
            flag = f"f{len(flags)}"
            flags[flag] = _flag(standing.list_movement_q(status, key, ward_id=F(unit_of)))
            plan.append((flag, f"{status}:{key}", unit_of))
            if whole_city:
                flag = f"f{len(flags)}"
                flags[flag] = _flag(standing.list_movement_q(status, key))
                plan.append((flag, f"{status}:{key}", None))
    groups = (
        standing.with_movement(households.order_by(), period)
        .filter(Q(start_status__isnull=False) | Q(end_status__isnull=False))
        .values("start_status", "start_ward", "end_status", "end_ward", "was_poor_before")
        .annotate(households=DbCount("pk"))
        .annotate(**flags)
    )
    counts: dict[int | None, dict[str, int]] = {
        row: {name: 0 for _flag_name, name, _unit in plan} for row in rows
    }
    known_start = known_end = 0
    for group in groups:
        n = group["households"]
        known_start += n if group["start_status"] is not None else 0
        known_end += n if group["end_status"] is not None else 0
        for flag, name, side in plan:
            if not group[flag]:
                continue
            where = None if side is None else covered.to_row.get(group[side], _NOWHERE)
            if where in counts:
                counts[where][name] += n
    counts.setdefault(None, {})
    counts[None]["known_start"] = known_start
    counts[None]["known_end"] = known_end
    return counts


# A unit no row counts in (never a key of the counts, unlike None: the city).
_NOWHERE = -1


class _GroupFlag(Case):
    """A CASE on the grouped columns alone, left out of the GROUP BY: the database evaluates
    it once per group (a few hundred) instead of on every household and sorting by it (70
    flags grouped on 300,000 rows spilled the sort to disk: 1.3 s)."""

    def get_group_by_cols(self) -> list[Any]:
        return []


def _flag(condition: Q) -> Case:
    """True on the groups matching `condition`, which may match nothing by construction (the
    city has no moves in or out: Django then compiles the CASE to its default)."""
    return _GroupFlag(When(condition, then=Value(True)), default=Value(False))


def _check_reconciles(table: FormTable) -> None:
    """Start + flows in − flows out = end, on every row: an official table that does not add
    up must never go out (a failure here is a bug in the standing rules, not bad data)."""
    for row in table.rows:
        flows_in = sum(int(row.values[c.key].value or 0) for c in table.columns if c.role == "in")
        flows_out = sum(int(row.values[c.key].value or 0) for c in table.columns if c.role == "out")
        start, end = row.value("start"), row.value("end")
        if start is None or end is None or start + flows_in - flows_out != end:
            raise AssertionError(
                f"{table.number}, {row.label}: {start} + {flows_in} - {flows_out} != {end}"
            )


# --- building the form tables ---------------------------------------------------------------


def _unit_groups(wards: list[Ward], areas: dict[int, Area]) -> list[tuple[str, list[Ward]]]:
    """The wards (urban lines) and the communes (rural lines) covered, by their area on the
    report's day (`areas`, `_Covered.areas`), with their subtotal's label; a group without
    units is left out."""
    urban = [w for w in wards if areas[w.pk] == Area.URBAN]
    rural = [w for w in wards if areas[w.pk] != Area.URBAN]
    groups = [(str(_("Subtotal: wards")), urban), (str(_("Subtotal: communes")), rural)]
    return [(label, members) for label, members in groups if members]


def _with_rates(columns: list[FormColumn], values: dict[str, Cell]) -> dict[str, Cell]:
    """`values` in column order, each rate column computed from its row's counts."""
    row: dict[str, Cell] = {}
    for column in columns:
        if column.rate_of is not None:
            numerator, denominator = (values[k].value for k in column.rate_of)
            rate = percent(int(numerator or 0), int(denominator) if denominator else None)
            row[column.key] = Cell(rate, rate=True)
        else:
            row[column.key] = values[column.key]
    return row


def _summed(columns: list[FormColumn], rows: list[FormRow]) -> dict[str, Cell]:
    """The sum of `rows` (a subtotal, or the total of units): no list link (the household list
    filters one ward or all); a total households column is None when one unit has none."""
    values: dict[str, Cell] = {}
    for column in columns:
        if column.rate_of is not None:
            continue
        parts = [r.values[column.key].value for r in rows]
        total = None if any(p is None for p in parts) else sum(int(p or 0) for p in parts)
        values[column.key] = Cell(total)
    return values


def _form_table(
    code: str,
    number: str,
    title: str,
    columns: list[FormColumn],
    covered: _Covered,
    unit_values: dict[int, dict[str, Cell]],
    total_values: dict[str, Cell] | None,
    *,
    note: str = "",
) -> FormTable:
    """Rows: each group's units and its subtotal, then the total (`total_values`, or the sum
    of the units). A report of one unit has that unit's row only."""
    wards, areas = covered.wards, covered.areas
    unit_rows = {
        w.pk: FormRow(str(w.name), UNIT, w, _with_rates(columns, unit_values[w.pk])) for w in wards
    }
    if len(wards) == 1:
        return FormTable(code, number, title, columns, [unit_rows[wards[0].pk]], note)
    rows: list[FormRow] = []
    for label, members in _unit_groups(wards, areas):
        group_rows = [unit_rows[w.pk] for w in members]
        rows += group_rows
        rows.append(
            FormRow(label, SUBTOTAL, None, _with_rates(columns, _summed(columns, group_rows)))
        )
    totals = (
        total_values if total_values is not None else _summed(columns, list(unit_rows.values()))
    )
    rows.append(FormRow(str(_("Total")), TOTAL, None, _with_rates(columns, totals)))
    return FormTable(code, number, title, columns, rows, note)


def _count_cell(counts: dict[str, int], key: str, url: str) -> Cell:
    return Cell(counts.get(key, 0), url)


# --- deprivations, causes, needs, supports (the city's tables) --------------------------------


def group_labels() -> dict[str, str]:
    return {
        GROUP_N1: str(_("Poor, group N1")),
        GROUP_N2: str(_("Poor, group N2")),
        GROUP_POOR: str(_("Poor households")),
        GROUP_NEAR_POOR: str(PovertyStatus.NEAR_POOR.label),
    }


def _deprivation_rows(
    summed: dict[str, int], standard_code: str, day: datetime.date, ward: int | None
) -> tuple[list[DeprivationRow], list[DeprivationRow], dict[str, int]]:
    """The city's (or the ward's) deprivation table by group, from the counts by ward."""
    standard = get_standard(standard_code)
    groups = deprivation_groups(standard_code)
    sizes = {
        GROUP_N1: summed.get("poor_n1", 0),
        GROUP_N2: summed.get("poor_n2", 0),
        GROUP_POOR: summed.get("poor", 0),
        GROUP_NEAR_POOR: summed.get("near_poor", 0),
    }
    sizes = {group: sizes[group] for group in groups}
    params = {
        GROUP_N1: {"status": POOR, "group": "N1"},
        GROUP_N2: {"status": POOR, "group": "N2"},
        GROUP_POOR: {"status": POOR},
        GROUP_NEAR_POOR: {"status": NEAR_POOR},
    }
    labels = {d.key: str(d.label) for d in standard.dimensions}

    def cells(suffix: str, extra: dict[str, str]) -> dict[str, Count]:
        return {
            group: Count(
                summed.get(f"{group}:{suffix}", 0),
                standing_list_url(day, ward=ward, **params[group], **extra),
                percent(summed.get(f"{group}:{suffix}", 0), sizes[group]),
            )
            for group in groups
        }

    indicators = [
        DeprivationRow(
            i.dimension, labels[i.dimension], i.key, str(i.label), cells(i.key, {"deprived": i.key})
        )
        for i in standard.indicators
    ]
    dimensions = [
        DeprivationRow(
            d.key, str(d.label), "", str(d.label), cells(f"dim:{d.key}", {"dimension": d.key})
        )
        for d in standard.dimensions
    ]
    return indicators, dimensions, sizes


def _code_rows(
    model: type[PovertyCause] | type[SupportNeed],
    param: str,
    spans: QuerySet[StandingSpan],
    day: datetime.date,
    ward: int | None,
) -> list[CodeRow]:
    """Each active cause (or need) and the poor / near-poor households whose result in effect
    cites it. Two queries: the codes, and the counts read from the listed results' spans and
    the link table (`_listed_counts`: the status is the span's)."""
    link = Assessment._meta.get_field("causes" if model is PovertyCause else "needs")
    assert isinstance(link, ManyToManyField)
    counts = _listed_counts(
        spans,
        "assessment_id",
        link.m2m_db_table(),
        link.m2m_column_name(),
        link.m2m_reverse_name(),
    )
    rows = []
    for code in model.objects.filter(is_active=True):
        n_poor, n_near = counts.get(code.pk, (0, 0))
        rows.append(
            CodeRow(
                code=code.code,
                label=str(code),
                poor=Count(
                    n_poor,
                    standing_list_url(day, ward=ward, status=POOR, **{param: code.code}),
                ),
                near_poor=Count(
                    n_near,
                    standing_list_url(day, ward=ward, status=NEAR_POOR, **{param: code.code}),
                ),
            )
        )
    return rows


def _supports(scope_wards: list[int] | None, period: standing.Period) -> list[SupportRow]:
    """What each programme delivered in the units covered (`scope_wards`, `_Covered.ids`; None:
    everywhere) in the period: the benefits dated from its first to its last day, by the unit
    each was given in (`Benefit.ward`). Two queries: the counts by programme id (sorting a
    million benefits by their programme's name to group them spilled to disk), then the
    programmes' names, in name order."""
    rows = (
        Benefit.objects.filter(
            _in_scope_q(scope_wards, prefix=""), date__range=(period.start, period.last_day)
        )
        .order_by()
        .values("programme_id")
        .annotate(
            households=DbCount("household", distinct=True),
            benefits=DbCount("pk"),
            amount=Sum("amount"),
        )
    )
    counts = {row["programme_id"]: row for row in rows}
    programmes = Programme.objects.filter(pk__in=counts).order_by("name", "code")
    return [
        SupportRow(
            code=programme.code,
            label=programme.name,
            households=counts[programme.pk]["households"],
            benefits=counts[programme.pk]["benefits"],
            amount=counts[programme.pk]["amount"] or 0,
        )
        for programme in programmes
    ]


# --- coverage (programmes), the year-end report only --------------------------------------


@dataclass(frozen=True)
class _Coverage:
    households: int  # poor and near-poor households
    households_covered: int  # ... with no gap in any worklist
    members: int  # members of poor and near-poor households
    members_without_card: int
    pupils: int  # pupils of poor households
    pupils_unsupported: int
    credit_candidates: int
    credit_without_loan: int
    officers: int
    officers_untrained: int


def _coverage(
    scope: Scope, year: int, households: QuerySet[Household], ward_ids: list[int]
) -> _Coverage:
    """The coverage indicators from the programmes worklists of `year` (the list in force in
    the year, deliveries dated in it), counted in bulk. Eight queries. `ward_ids`: the units
    covered and those merged into them (`_Covered.ids`).

    A listed household is covered when it is on none of the four household worklists. Each
    list is read once, as the households (and standing) of its rows: its length is the gap
    count and its households make the uncovered set. Counting "not in any list" in SQL ran
    every list a second time (2 s of a 9 s report at 300,000 households)."""
    in_wards = Q(household__ward_id__in=ward_ids)
    card_gaps = worklists.health_insurance_gaps(scope, year).filter(in_wards).order_by()
    school_gaps = worklists.school_support_gaps(scope, year).filter(in_wards).order_by()
    credit_gaps = worklists.credit_gaps(scope, year).filter(ward_id__in=ward_ids).order_by()
    unsupported = worklists.unsupported_households(scope, year).filter(ward_id__in=ward_ids)
    card_rows = list(card_gaps.values_list("household_id", "year_status"))
    school_rows = list(school_gaps.values_list("household_id", "year_status"))
    credit_rows = list(credit_gaps.values_list("pk", "year_status"))
    unsupported_rows = list(unsupported.order_by().values_list("pk", "year_status"))
    # Of the households on a list, those counted (a newly escaped one is in the credit list).
    uncovered = {
        pk
        for rows in (card_rows, school_rows, credit_rows, unsupported_rows)
        for pk, status in rows
        if status in standing.LISTED
    }
    listed = standing.with_standing(
        households.order_by(), standing.reference_day(year), prefix="year"
    ).filter(year_status__in=standing.LISTED)
    total = listed.count()
    member_totals = (
        worklists.members_in_year(scope, year)
        .filter(in_wards)
        .order_by()
        .aggregate(
            members=DbCount("pk", filter=Q(year_status__in=standing.LISTED)),
            pupils=DbCount("pk", filter=Q(year_status=POOR) & worklists.pupil_q(year)),
        )
    )
    officers = worklists.officers_in_year(scope, year).filter(ward_id__in=ward_ids)
    return _Coverage(
        households=total,
        households_covered=total - len(uncovered),
        members=member_totals["members"],
        members_without_card=len(card_rows),
        pupils=member_totals["pupils"],
        pupils_unsupported=len(school_rows),
        credit_candidates=worklists.credit_candidates(scope, year)
        .filter(ward_id__in=ward_ids)
        .count(),
        credit_without_loan=len(credit_rows),
        officers=officers.count(),
        officers_untrained=worklists.untrained_officers(scope, year)
        .filter(ward_id__in=ward_ids)
        .count(),
    )


def _worklist_url(key: str, year: int, ward: Ward | None) -> str:
    query: dict[str, Any] = {"year": year}
    if ward is not None:
        query["ward"] = ward.pk
    return f"{reverse('programs:worklist', args=[key])}?{urlencode(query)}"


def _share_indicator(
    key: str, label: Any, covered: int, base: int, *, url: str = "", gap_url: str = ""
) -> Indicator:
    actual = percent(covered, base)
    return Indicator(
        key=key,
        label=str(label),
        target_text="100%",
        target=Decimal(100),
        unit="percent",
        actual=actual,
        numerator=covered,
        denominator=base,
        met=None if actual is None else actual >= 100,
        url=url,
        gap_url=gap_url,
    )


def _coverage_indicators(
    scope: Scope, year: int, households: QuerySet[Household], ward_ids: list[int], ward: Ward | None
) -> list[Indicator]:
    coverage = _coverage(scope, year, households, ward_ids)
    return [
        _share_indicator(
            POLICIES,
            _("Poor and near-poor households receiving every policy they are entitled to"),
            coverage.households_covered,
            coverage.households,
            gap_url=reverse("programs:worklists"),
        ),
        _share_indicator(
            HEALTH_INSURANCE,
            _("Members of poor and near-poor households with a state-funded health-insurance card"),
            coverage.members - coverage.members_without_card,
            coverage.members,
            gap_url=_worklist_url("bhyt", year, ward),
        ),
        _share_indicator(
            SCHOOL_SUPPORT,
            _("Pupils of poor households with tuition exemption and study support"),
            coverage.pupils - coverage.pupils_unsupported,
            coverage.pupils,
            gap_url=_worklist_url("hoc-phi", year, ward),
        ),
        _share_indicator(
            CREDIT,
            _("Eligible households needing credit that got a Social Policy Bank loan"),
            coverage.credit_candidates - coverage.credit_without_loan,
            coverage.credit_candidates,
            gap_url=_worklist_url("tin-dung", year, ward),
        ),
        _share_indicator(
            OFFICERS_TRAINED,
            _("Ward and commune officers trained"),
            coverage.officers - coverage.officers_untrained,
            coverage.officers,
            url=reverse("programs:trainings"),
            gap_url=_worklist_url("tap-huan", year, ward),
        ),
    ]


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Standings:
    """The counts every table is read from: one set of queries per report."""

    period: standing.Period
    wards: list[Ward]
    households: QuerySet[Household]
    targets: dict[tuple[int, int], WardTarget]
    standard: str
    start: dict[int, dict[str, int]]  # by ward: poor, expected … on the start day
    end: dict[int, dict[str, int]]  # by ward: every bucket on the end day
    persons: dict[int, dict[str, int]]
    moved: dict[int | None, dict[str, int]]
    whole_city: bool
    end_spans: QuerySet[StandingSpan]
    scope_wards: list[int] | None  # `_in_scope_q`
    covered: _Covered


def year_standard(year: int) -> str:
    """The code of the standard of `year`'s review when it has no periodic round: the one in
    force on 1 January (Decision 59/2015's for a year no standard covers)."""
    try:
        return standard_for_date(datetime.date(year, 1, 1)).code
    except ValueError:
        return DEFAULT_STANDARD


def _standings(
    scope: Scope, year: int, ward: Ward | None, kind: str, review_round: ReviewRound | None
) -> _Standings:
    period = standing.period(year, kind)
    covered, households = _scope(scope, ward, period.last_day)
    wards, unit_ids = covered.wards, covered.ids
    # Every ward: every household is in scope, no condition on it.
    scope_wards = None if ward is None and scope.every_ward else unit_ids
    targets = {
        (t.ward_id, t.year): t
        for t in WardTarget.objects.filter(
            ward_id__in=unit_ids, year__in=[year - 1, year, year + 1]
        )
    }
    standard = review_round.standard if review_round is not None else year_standard(year)
    buckets = _standing_buckets(standard)
    start_buckets = [b for b in buckets if b[0] in ("poor", "expected")]
    end_spans = _standing_spans(scope_wards, period.end, unit_ids)
    # The whole city: its movements are counted once, units ignored (a household moving from a
    # ward to a commune has not moved for the city).
    whole_city = ward is None and scope.every_ward and len(wards) > 1
    return _Standings(
        period=period,
        wards=wards,
        households=households,
        targets=targets,
        standard=standard,
        start=covered.fold(
            _counts_by_ward(
                _standing_assessments(scope_wards, period.start, unit_ids), start_buckets
            )
        ),
        end=covered.fold(
            _counts_by_ward(_standing_assessments(scope_wards, period.end, unit_ids), buckets)
        ),
        persons=covered.fold(_persons_by_ward(end_spans)),
        moved=_movement_counts(households, period, covered, whole_city=whole_city),
        whole_city=whole_city,
        end_spans=end_spans,
        scope_wards=scope_wards,
        covered=covered,
    )


def _results_table(s: _Standings) -> FormTable:
    """Biểu 1: households and persons, poor and near-poor, with rates, on the end day."""
    year, day = s.period.year, s.period.end
    columns = [
        FormColumn("total", str(_("Total households"))),
        FormColumn("poor", str(_("Poor households"))),
        FormColumn("poor_persons", str(_("Poor persons"))),
        FormColumn("poor_rate", str(_("Poor rate (%)")), rate_of=("poor", "total")),
        # N1 and N2 only under a standard that splits the poor (Decision 59/2015).
        *(
            [
                FormColumn("poor_n1", str(_("of which group N1"))),
                FormColumn("poor_n2", str(_("of which group N2"))),
            ]
            if get_standard(s.standard).has_poor_groups
            else []
        ),
        FormColumn("near_poor", str(_("Near-poor households"))),
        FormColumn("near_poor_persons", str(_("Near-poor persons"))),
        FormColumn("near_poor_rate", str(_("Near-poor rate (%)")), rate_of=("near_poor", "total")),
    ]

    def values(
        counts: dict[str, int], persons: dict[str, int], ward: int | None, total: int | None
    ) -> dict[str, Cell]:
        poor_url = standing_list_url(day, ward=ward, status=POOR)
        near_url = standing_list_url(day, ward=ward, status=NEAR_POOR)
        return {
            "total": Cell(total),
            "poor": Cell(counts.get("poor", 0), poor_url),
            "poor_persons": Cell(persons.get("poor_persons", 0), poor_url),
            "poor_n1": Cell(
                counts.get("poor_n1", 0), standing_list_url(day, ward=ward, status=POOR, group="N1")
            ),
            "poor_n2": Cell(
                counts.get("poor_n2", 0), standing_list_url(day, ward=ward, status=POOR, group="N2")
            ),
            "near_poor": Cell(counts.get("near_poor", 0), near_url),
            "near_poor_persons": Cell(persons.get("near_poor_persons", 0), near_url),
        }

    units = {
        w.pk: values(
            s.end.get(w.pk, {}), s.persons.get(w.pk, {}), w.pk, _ward_total(w, s.targets, year)
        )
        for w in s.wards
    }
    total = None
    if s.whole_city:
        summed_counts = _sum_dicts(s.end.get(w.pk, {}) for w in s.wards)
        summed_persons = _sum_dicts(s.persons.get(w.pk, {}) for w in s.wards)
        total = values(summed_counts, summed_persons, None, _totals(s.wards, s.targets, year)[0])
    title = _("Poor and near-poor households and persons on %(day)s") % {
        "day": day.strftime("%d/%m/%Y")
    }
    note = _(
        "Recognised results in effect on %(day)s only. Persons are the members of the "
        "households as the roster stands today (the roster is not kept by date)."
    ) % {"day": day.strftime("%d/%m/%Y")}
    return _form_table(
        "bieu-1", str(_("Form 1")), str(title), columns, s.covered, units, total, note=str(note)
    )


def _sum_dicts(parts: Any) -> dict[str, int]:
    summed: dict[str, int] = {}
    for part in parts:
        for key, value in part.items():
            summed[key] = summed.get(key, 0) + value
    return summed


def _movement_table(s: _Standings, status: str) -> FormTable:
    """Biểu 2: the start balance, every flow in and out, the end balance of one list."""
    columns = _movement_columns(status)
    period = s.period

    def values(unit: int | None) -> dict[str, Cell]:
        counts = s.moved.get(unit, {})
        row: dict[str, Cell] = {}
        for column in columns:
            if column.role in ("in_total", "out_total"):
                continue
            value = counts.get(f"{status}:{column.key}", 0)
            if column.key == "start":
                url = standing_list_url(period.start, ward=unit, status=status)
            elif column.key == "end":
                url = standing_list_url(period.end, ward=unit, status=status)
            else:
                url = movement_list_url(period, column.key, ward=unit, status=status)
            row[column.key] = Cell(value, url)
        flows_in = sum(int(row[c.key].value or 0) for c in columns if c.role == "in")
        flows_out = sum(int(row[c.key].value or 0) for c in columns if c.role == "out")
        row["in_total"], row["out_total"] = Cell(flows_in), Cell(flows_out)
        return {c.key: row[c.key] for c in columns}

    units = {w.pk: values(w.pk) for w in s.wards}
    total = values(None) if s.whole_city else None
    if status == POOR:
        number, title = _("Form 2a"), _("Movements of the poor households, %(period)s")
    else:
        number, title = _("Form 2b"), _("Movements of the near-poor households, %(period)s")
    table = _form_table(
        "bieu-2a" if status == POOR else "bieu-2b",
        str(number),
        str(title % {"period": period_text(period)}),
        columns,
        s.covered,
        units,
        total,
        note=str(
            _(
                "A ward or commune counts a household in the unit that recognised its result; "
                "a household recognised in another unit at the start than at the end moved out "
                "of one and into the other. Start + in − out = end."
            )
        ),
    )
    _check_reconciles(table)
    return table


def _groups_table(s: _Standings) -> FormTable:
    """Biểu 3: poor households by group, on the end day."""
    day = s.period.end
    groups = [
        ("poor_n1", _("Group N1 (income)"), {"group": "N1"}),
        ("poor_n2", _("Group N2 (deprivations)"), {"group": "N2"}),
    ]
    keys: list[tuple[str, Any, dict[str, Any]]] = [
        ("poor", _("Poor households"), {}),
        # N1 and N2 only under a standard that splits the poor (Decision 59/2015).
        *(groups if get_standard(s.standard).has_poor_groups else []),
        ("poor_merit", _("People-with-merit households"), {"merit": 1}),
        ("poor_social", _("Social-protection households"), {"social": 1}),
        ("poor_minority", _("Ethnic-minority households"), {"minority": 1}),
        ("poor_female", _("Female-headed households"), {"female": 1}),
        ("poor_nolabour", _("Households without working-age labour"), {"nolabour": 1}),
        *((f"type_{t.value}", t.label, {"type": t.value}) for t in Assessment.HouseholdType),
    ]
    columns = [FormColumn(key, str(label)) for key, label, _params in keys]

    def values(counts: dict[str, int], ward: int | None) -> dict[str, Cell]:
        return {
            key: Cell(counts.get(key, 0), standing_list_url(day, ward=ward, status=POOR, **params))
            for key, _label, params in keys
        }

    units = {w.pk: values(s.end.get(w.pk, {}), w.pk) for w in s.wards}
    total = values(_sum_dicts(s.end.get(w.pk, {}) for w in s.wards), None) if s.whole_city else None
    title = _("Poor households by group on %(day)s") % {"day": day.strftime("%d/%m/%Y")}
    return _form_table("bieu-3", str(_("Form 3")), str(title), columns, s.covered, units, total)


def _deprivation_form(s: _Standings, status: str) -> FormTable:
    """Biểu 4: households of one list deprived in each indicator of the standard, by ward."""
    day = s.period.end
    standard = get_standard(s.standard)
    group = "poor" if status == POOR else GROUP_NEAR_POOR
    size_key = "poor" if status == POOR else "near_poor"
    columns = [FormColumn("households", str(_("Households")))]
    columns += [FormColumn(i.key, str(i.label)) for i in standard.indicators]

    def values(counts: dict[str, int], ward: int | None) -> dict[str, Cell]:
        row = {
            "households": Cell(
                counts.get(size_key, 0), standing_list_url(day, ward=ward, status=status)
            )
        }
        for i in standard.indicators:
            row[i.key] = Cell(
                counts.get(f"{group}:{i.key}", 0),
                standing_list_url(day, ward=ward, status=status, deprived=i.key),
            )
        return row

    units = {w.pk: values(s.end.get(w.pk, {}), w.pk) for w in s.wards}
    total = values(_sum_dicts(s.end.get(w.pk, {}) for w in s.wards), None) if s.whole_city else None
    if status == POOR:
        number, title = _("Form 4a"), _("Poor households deprived in each indicator on %(day)s")
    else:
        number, title = (
            _("Form 4b"),
            _("Near-poor households deprived in each indicator on %(day)s"),
        )
    return _form_table(
        "bieu-4a" if status == POOR else "bieu-4b",
        str(number),
        str(title % {"day": day.strftime("%d/%m/%Y")}),
        columns,
        s.covered,
        units,
        total,
    )


def _in_review_rounds(year: int, kind: str, review_round: ReviewRound | None) -> list[ReviewRound]:
    """The rounds whose unrecognised results the report shows apart: the year's periodic round
    (year-end), the year's ad-hoc rounds (six months)."""
    if kind == standing.ANNUAL:
        return [review_round] if review_round is not None else []
    return list(ReviewRound.objects.filter(year=year, kind=ReviewRound.Kind.AD_HOC).order_by("pk"))


def _in_review_table(s: _Standings, rounds: list[ReviewRound]) -> FormTable:
    """Results of `rounds` not yet recognised ("đang rà soát"), by the status they would give,
    by the unit they are made in. Never counted in the official figures. One query."""
    statuses = [POOR, NEAR_POOR, standing.AVERAGE_LIVING, standing.NOT_POOR]
    columns = [FormColumn("count", str(_("In review")))]
    columns += [FormColumn(status, str(PovertyStatus(status).label)) for status in statuses]
    rows = (
        standing.in_review(
            Assessment.objects.filter(
                round__in=rounds,
                household__in=s.households.values("pk"),
                ward_id__in=s.covered.ids,
            )
        )
        .order_by()
        .values("ward_id")
        .annotate(
            count=DbCount("pk"),
            **{status: DbCount("pk", filter=Q(status=status)) for status in statuses},
        )
        if rounds
        else []
    )
    counts = s.covered.fold({row.pop("ward_id"): row for row in rows})
    # The list shows one round: several ad-hoc rounds in a half-year have no single list.
    only = rounds[0] if len(rounds) == 1 else None

    def values(row: dict[str, int], ward: int | None) -> dict[str, Cell]:
        def url(status: str = "") -> str:
            return in_review_list_url(only, ward=ward, status=status) if only else ""

        cells = {"count": Cell(row.get("count", 0), url())}
        cells.update({status: Cell(row.get(status, 0), url(status)) for status in statuses})
        return cells

    units = {w.pk: values(counts.get(w.pk, {}), w.pk) for w in s.wards}
    total = (
        values(_sum_dicts(counts.get(w.pk, {}) for w in s.wards), None) if s.whole_city else None
    )
    names = ", ".join(r.name for r in rounds)
    title = _("Results in review, not counted above (%(rounds)s)") % {"rounds": names or "—"}
    return _form_table(
        "dang-ra-soat",
        str(_("In review")),
        str(title),
        columns,
        s.covered,
        units,
        total,
        note=str(
            _(
                "Drafts and results not yet recognised by the chairman's decision, by the status "
                "they would give: shown apart, never counted in the official figures."
            )
        ),
    )


def period_text(period: standing.Period) -> str:
    """ "năm 2017" or "6 tháng đầu năm 2017"."""
    if period.kind == standing.SIX_MONTH:
        return str(_("the first six months of %(year)s") % {"year": period.year})
    return str(_("the year %(year)s") % {"year": period.year})


def report_data(
    *,
    scope: Scope,
    year: int,
    ward: Ward | None = None,
    period: str = standing.ANNUAL,
    report_date: datetime.date | None = None,
) -> ReportData:
    """The report of `year` (`period`: the year, or its first six months) for `ward` (or
    every ward `scope` sees), within `scope`, dated `report_date` (default: today for the
    period under way, else its last day; a date before the period raises ValidationError).

    `scope` is a request's (`households.scope.scope_of`) or `Scope.EVERYTHING` (the command
    line, for the whole city). A `ward` outside the scope raises `Ward.DoesNotExist` (a 404 in
    views). A fixed number of queries whatever the number of households.

    Section II: the poor rate at the start (standings on `period.start` / total households of
    the previous year) and at the end (on `period.end` / of the year); "expected to escape" =
    poor at the start with `expected_to_escape` on the result in effect then (the forecast made
    with the list in force in the year); "escaped" = `standing.ESCAPED_POVERTY` in the period,
    the number Biểu 2 and the targets page show.
    """
    periodic = standing.periodic_round(year)
    s = _standings(scope, year, ward, period, periodic)
    kind = s.period.kind
    day = check_report_date(s.period, report_date)
    wards, ward_ids = s.wards, [w.pk for w in s.wards]
    ward_param = ward.pk if ward is not None else (wards[0].pk if len(wards) == 1 else None)
    only = ward if ward is not None else (wards[0] if len(wards) == 1 else None)
    # The whole area as the authority of the period's last day names it (reports.authorities:
    # "Thành phố Phan Thiết" until 30/06/2025, its former wards and communes after).
    place = str(only) if only is not None else str(authority_on(s.period.end).area)

    results = _results_table(s)
    poor_movements = _movement_table(s, POOR)
    near_poor_movements = _movement_table(s, NEAR_POOR)
    rounds = _in_review_rounds(year, kind, periodic)
    in_review = _in_review_table(s, rounds)

    # Section II, read from the tables so every figure is the one the tables show.
    assert results.total is not None and poor_movements.total is not None
    known_start = s.moved[None]["known_start"] > 0
    start_poor = int(poor_movements.total.value("start") or 0)
    end_poor = int(results.total.value("poor") or 0)
    if end_poor != poor_movements.total.value("end"):
        raise AssertionError(f"Form 1 counts {end_poor} poor, Form 2a ends with another number")
    start_total, start_note = _totals(wards, s.targets, year - 1)
    end_total, end_note = _totals(wards, s.targets, year)
    start_rate = percent(start_poor, start_total) if known_start else None
    end_rate = percent(end_poor, end_total)
    year_targets = [s.targets[(w.pk, year)] for w in wards if (w.pk, year) in s.targets]
    reduction_min = min((t.rate_reduction_min for t in year_targets), default=Decimal("0.20"))
    reduction_max = max((t.rate_reduction_max for t in year_targets), default=Decimal("0.30"))
    reduction = start_rate - end_rate if start_rate is not None and end_rate is not None else None
    six = kind == standing.SIX_MONTH
    end_label = (
        _("Poor-household rate on 30 June")
        if six
        else _("Poor-household rate at the end of the year")
    )
    indicators = [
        Indicator(
            key=POOR_RATE_START,
            label=str(_("Poor-household rate at the start of the year")),
            target_text="",
            target=None,
            unit="percent",
            actual=start_rate,
            numerator=start_poor if known_start else None,
            denominator=start_total,
            met=None,
            url=poor_movements.total.values["start"].url,
            note=start_note
            if known_start
            else str(
                _("No recognised list was in force on %(day)s.")
                % {"day": s.period.start.strftime("%d/%m/%Y")}
            ),
        ),
        Indicator(
            key=POOR_RATE_END,
            label=str(end_label),
            target_text="",
            target=None,
            unit="percent",
            actual=end_rate,
            numerator=end_poor,
            denominator=end_total,
            met=None,
            url=results.total.values["poor"].url,
            note=end_note,
        ),
        Indicator(
            key=POOR_RATE_REDUCTION,
            label=str(
                _("Reduction of the poor-household rate in the first six months")
                if six
                else _("Reduction of the poor-household rate")
            ),
            target_text=str(
                _("%(min)s–%(max)s points")
                % {"min": _comma(reduction_min), "max": _comma(reduction_max)}
            ),
            target=reduction_min,
            unit="points",
            actual=reduction,
            numerator=None,
            denominator=None,
            # The target is the year's: half a year is not judged against it.
            met=None if reduction is None or six else reduction >= reduction_min,
            url=poor_movements.total.values[standing.ESCAPED_POVERTY].url,
            note=str(_("The target is for the whole year.")) if six else "",
        ),
    ]
    notes: list[str] = []
    if six:
        notes.append(
            str(
                _(
                    "The coverage indicators (policies, health insurance, school support, credit, "
                    "training) are measured over the whole year: see the year-end report."
                )
            )
        )
    else:
        indicators += _coverage_indicators(scope, year, s.households, s.covered.ids, ward)
    planned = sum(t.households_to_escape for t in year_targets) if year_targets else None
    expected = sum(s.start.get(w, {}).get("expected", 0) for w in ward_ids)
    escaped_cell = poor_movements.total.values[standing.ESCAPED_POVERTY]
    escaped = int(escaped_cell.value or 0)
    planned_text = "" if planned is None else str(_("%(count)s households") % {"count": planned})
    indicators += [
        Indicator(
            key=ESCAPE_PLANNED,
            label=str(_("Poor households expected to escape poverty")),
            target_text=planned_text,
            target=None if planned is None else Decimal(planned),
            unit="households",
            actual=Decimal(expected),
            numerator=expected,
            denominator=planned,
            met=None if planned is None or six else expected >= planned,
            url=standing_list_url(s.period.start, ward=ward_param, status=POOR, escape=1),
        ),
        Indicator(
            key=ESCAPED,
            label=str(
                _("Households that escaped poverty in the first six months")
                if six
                else _("Households that escaped poverty")
            ),
            target_text=planned_text,
            target=None if planned is None else Decimal(planned),
            unit="households",
            actual=Decimal(escaped),
            numerator=escaped,
            denominator=planned,
            met=None if planned is None or six else escaped >= planned,
            url=escaped_cell.url,
            note=str(_("So far: the results recognised up to today."))
            if s.period.is_current
            else "",
        ),
    ]

    summed = _sum_dicts(s.end.get(w, {}) for w in ward_ids)
    deprivations, dimensions, sizes = _deprivation_rows(
        summed, s.standard, s.period.end, ward_param
    )
    return ReportData(
        year=year,
        period=s.period,
        ward=ward,
        wards=wards,
        place=place,
        report_date=day,
        review_round=periodic,
        in_review_rounds=rounds,
        indicators=indicators,
        results=results,
        poor_movements=poor_movements,
        near_poor_movements=near_poor_movements,
        poor_groups=_groups_table(s),
        poor_deprivations=_deprivation_form(s, POOR),
        near_poor_deprivations=_deprivation_form(s, NEAR_POOR),
        in_review=in_review,
        deprivations=deprivations,
        dimensions=dimensions,
        group_sizes=sizes,
        causes=_code_rows(PovertyCause, "cause", s.end_spans, s.period.end, ward_param),
        needs=_code_rows(SupportNeed, "need", s.end_spans, s.period.end, ward_param),
        supports=_supports(s.scope_wards, s.period),
        group_labels={
            group: label
            for group, label in group_labels().items()
            if group in deprivation_groups(s.standard) or group == GROUP_NEAR_POOR
        },
        notes=notes,
        deprivation_groups=deprivation_groups(s.standard),
        standard=s.standard,
    )


def _comma(value: Decimal) -> str:
    """0.2 → "0,2": Vietnamese decimal comma."""
    return format(value.normalize(), "f").replace(".", ",")


# --- the targets page -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetFigures:
    """What the targets page shows of one ward (or the total, `ward` None) for a year: the
    dashboard's own figures (`report_data`), so both pages always agree."""

    ward: Ward | None
    poor: Cell
    poor_rate: Decimal | None
    expected: Cell
    escaped: Cell


def target_figures(*, scope: Scope, year: int) -> tuple[list[TargetFigures], TargetFigures | None]:
    """Per ward the user sees, and in total: the poor households at the end of the year, the
    poor rate (the dashboard's rounding), those expected to escape and those that escaped,
    each with its list. The per-ward figures are those the dashboard shows for that ward."""
    s = _standings(scope, year, None, standing.ANNUAL, standing.periodic_round(year))
    if not s.wards:
        return [], None
    results, movements = _results_table(s), _movement_table(s, POOR)
    start = s.period.start

    def figures(row: FormRow, ward: Ward | None) -> TargetFigures:
        expected = (
            s.start.get(ward.pk, {}).get("expected", 0)
            if ward is not None
            else sum(s.start.get(w.pk, {}).get("expected", 0) for w in s.wards)
        )
        return TargetFigures(
            ward=ward,
            poor=row.values["poor"],
            poor_rate=row.values["poor_rate"].value,  # type: ignore[arg-type]
            expected=Cell(
                expected,
                standing_list_url(start, ward=ward.pk if ward else None, status=POOR, escape=1),
            ),
            escaped=movements.row(ward).values[standing.ESCAPED_POVERTY]
            if ward is not None
            else movements.total.values[standing.ESCAPED_POVERTY],  # type: ignore[union-attr]
        )

    rows = [figures(results.row(w), w) for w in s.wards]
    assert results.total is not None
    total = figures(results.total, None if len(s.wards) > 1 else s.wards[0])
    return rows, total
