"""A household's standing: the one definition of its poverty status on a day, and of how it moved.

Every page, worklist, eligibility check, PDF, spreadsheet and command reads a household's status
through this module; nothing else decides which survey counts.

The rules (Circular 17/2016/TT-BLĐTBXH Art. 2(1) and 4; REFERENCE.md §7):

- Only a **recognised** result counts: the ward/commune chairman's decision makes a household
  poor or near-poor. Drafts and results still in review ("đang rà soát") never do.
- A result **takes effect** (`Assessment.effective_from`, set when it is recognised) on
  `effective_date()`: the year-end periodic review of year Y applies from 1 January of Y+1
  (`PERIODIC_RESULT_TAKES_EFFECT`); an ad-hoc (thường xuyên) result from its decision date.
- The standing **on a day** is the latest recognised result in effect that day. A list stays in
  force until a later decision replaces it, so a household whose new survey is not yet
  recognised keeps the status it was last recognised with.
- **Movements** between two days compare the standings on both and, for the poor list, the
  household's history before the first day (`MOVEMENTS`).
- A household **archived** on day D (`Household.archived_at`, issue 10) has no standing on any
  day from D on: it leaves the lists, and a period in which it was archived counts it as an
  outflow ("other", `OTHER_OUT`, as it has no recognised result at the end), so start + in − out
  = end still holds. Standings before D, and so past figures, do not change.
- A household **escaped** poverty recently (Decision 28/2015/QĐ-TTg, preferential credit for
  three years) when it is above the near-poverty line now and was on the poor or near-poor list
  at some time in the last `ESCAPED_YEARS` years.

Everything is a queryset annotation (`with_standing`, `with_movement`), so pages and reports count
in the database in a fixed number of queries; `standing()` reads one household the same way.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from households import units
from households.models import (
    OPEN_END,
    Assessment,
    Household,
    PovertyStatus,
    ReviewRound,
    ReviewState,
    StandingSpan,
)

POOR = PovertyStatus.POOR.value
NEAR_POOR = PovertyStatus.NEAR_POOR.value
AVERAGE_LIVING = PovertyStatus.AVERAGE_LIVING.value
NOT_POOR = PovertyStatus.NOT_POOR.value
LISTED = (POOR, NEAR_POOR)
ABOVE = (AVERAGE_LIVING, NOT_POOR)
# The programme statuses (`programs.models.Programme.Status`): the two lists and "escaped".
ESCAPED = "escaped"

# REFERENCE.md §7: "The list recognised at the end-of-year review of year Y is the list in force
# from 1 January of Y+1." (month, day) of the year after the periodic round's year.
# UNCONFIRMED (secondary sources): change it here and nowhere else.
PERIODIC_RESULT_TAKES_EFFECT = (1, 1)
# Decision 28/2015/QĐ-TTg: "hộ mới thoát nghèo" keep preferential credit for 3 years.
ESCAPED_YEARS = 3


def effective_date(*, kind: str, year: int, decision_date: datetime.date) -> datetime.date:
    """The day a recognised result takes effect: the periodic review of year Y from
    1 January Y+1, an ad-hoc one from its decision date."""
    if kind == ReviewRound.Kind.PERIODIC:
        month, day = PERIODIC_RESULT_TAKES_EFFECT
        return datetime.date(year + 1, month, day)
    return decision_date


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The days a report compares: the standing on `start` (the start balance) and on `end`
    (the end balance). `kind` is ANNUAL or SIX_MONTH."""

    kind: str
    year: int
    start: datetime.date
    end: datetime.date
    # The last day the report covers (the end balance may be read on the day after: the
    # year-end review takes effect on 1 January of the next year).
    last_day: datetime.date

    @property
    def is_current(self) -> bool:
        return self.start <= timezone.localdate() <= self.last_day


ANNUAL = "annual"
SIX_MONTH = "six-month"
PERIOD_KINDS = (ANNUAL, SIX_MONTH)


def period(year: int, kind: str = ANNUAL) -> Period:
    """The year (1 January – 31 December, ending with the year-end review's result) or its first
    half (1 January – 30 June: the ad-hoc decisions of the half-year)."""
    start = datetime.date(year, 1, 1)
    if kind == SIX_MONTH:
        last = datetime.date(year, 6, 30)
        return Period(kind, year, start, last, last)
    month, day = PERIODIC_RESULT_TAKES_EFFECT
    return Period(
        ANNUAL, year, start, datetime.date(year + 1, month, day), datetime.date(year, 12, 31)
    )


def reference_day(year: int) -> datetime.date:
    """The day a year's list is read for programmes: today in the current year, else the last
    day of the year (the list in force during `year`, with that year's ad-hoc decisions)."""
    return min(timezone.localdate(), datetime.date(year, 12, 31))


# --- the standing on a day, in bulk ---------------------------------------------------------


# Of a household's recognised results in effect on a day, the first in this order counts.
IN_EFFECT_ORDER = ("-effective_from", "-decision_date", "-pk")


def recognised_by(day: datetime.date) -> QuerySet[Assessment]:
    """Every recognised result in effect on `day` (any household not archived by then), the one
    that counts first for each household: prefetch it, and take each household's first."""
    return Assessment.objects.filter(
        not_archived_on(day, "household__"),
        state=ReviewState.RECOGNISED,
        effective_from__lte=day,
    ).order_by(*IN_EFFECT_ORDER)


def not_archived_on(day: datetime.date, prefix: str = "") -> Q:
    """Households (through `prefix`, e.g. "household__") not archived on `day`: still there, or
    archived after it (the local day of `archived_at`)."""
    return Q(**{f"{prefix}archived_at__isnull": True}) | Q(
        **{f"{prefix}archived_at__date__gt": day}
    )


def in_effect(day: datetime.date, household_ref: str = "pk") -> QuerySet[Assessment]:
    """The recognised results of the household `household_ref` (an OuterRef) in effect on
    `day`, the one that counts first."""
    return recognised_by(day).filter(household=OuterRef(household_ref))


def _listed_since(day: datetime.date, household_ref: str) -> Exists:
    """A poor or near-poor result took effect in the `ESCAPED_YEARS` years before `day`."""
    return Exists(
        Assessment.objects.filter(
            household=OuterRef(household_ref),
            state=ReviewState.RECOGNISED,
            status__in=LISTED,
            effective_from__gt=_years_before(day, ESCAPED_YEARS),
            effective_from__lte=day,
        )
    )


def _span_path(household_ref: str) -> str:
    """The relation from the rows annotated to their household's stored spans."""
    if household_ref == "pk":
        return "standing_spans"
    return f"{household_ref.removesuffix('_id')}__standing_spans"


def in_force_q(day: datetime.date, prefix: str = "") -> Q:
    """Stored spans (`StandingSpan`, through `prefix`, e.g. "standing_span__") in force on
    `day`: the one test of which result counts on a day, once the spans are stored."""
    return Q(**{f"{prefix}valid_from__lte": day, f"{prefix}valid_until__gt": day})


def _span_on(day: datetime.date, household_ref: str) -> FilteredRelation:
    """The household's stored span in force on `day` (`StandingSpan`): at most one, so the
    join never repeats a row."""
    path = _span_path(household_ref)
    return FilteredRelation(path, condition=in_force_q(day, f"{path}__"))


def _status_on(day: datetime.date, household_ref: str) -> Subquery:
    """The household's status on `day` as a correlated subquery: computed only for the rows
    that read it (a join would be paid by every query of the annotated rows)."""
    return Subquery(
        StandingSpan.objects.filter(in_force_q(day), household=OuterRef(household_ref)).values(
            "status"
        )[:1]
    )


def _span_alias(prefix: str) -> str:
    """The join of `with_standing(prefix=prefix)`'s span: a name no model field has (an
    Assessment has a `standing_span`)."""
    return f"_{prefix}_span_in_force"


def with_standing(
    qs: QuerySet[Any],
    day: datetime.date,
    *,
    prefix: str = "standing",
    household_ref: str = "pk",
    units_on: datetime.date | None = None,
) -> QuerySet[Any]:
    """Annotate each row (a household, or anything with `household_ref` pointing to one) with
    its standing on `day`:

    - `<prefix>_id`: the assessment that counts (NULL: never recognised by then);
    - `<prefix>_status`, `<prefix>_group` (N1/N2), `<prefix>_area`, `<prefix>_ward` (the unit
      the result was made in; with `units_on`, the unit that one had become by that day,
      `households.units.unit_on`), `<prefix>_income`, `<prefix>_deprivations`,
      `<prefix>_standard`;
    - `<prefix>_escaped`: above the near-poverty line and on a list within `ESCAPED_YEARS`.

    Read from the stored spans (`StandingSpan`, kept by `refresh_spans`): one join per day.
    """
    span = _span_alias(prefix)
    qs = qs.annotate(**{span: _span_on(day, household_ref)})
    annotations: dict[str, Any] = {
        f"{prefix}_{name}": F(f"{span}__{field}")
        for name, field in (
            ("id", "assessment_id"),
            ("status", "status"),
            ("group", "poor_group"),
            ("area", "area"),
            ("ward", "ward_id"),
            ("income", "income_per_capita"),
            ("deprivations", "deprivation_count"),
            ("standard", "standard"),
        )
    }
    if units_on is not None:
        annotations[f"{prefix}_ward"] = _unit_on(f"{span}__ward_id", units_on)
    annotations[f"{prefix}_status_then"] = _status_on(
        _years_before(day, ESCAPED_YEARS), household_ref
    )
    qs = qs.annotate(**annotations)
    # Above the near-poverty line now, and on a list then or since.
    escaped = Q(**{f"{prefix}_status__in": ABOVE}) & (
        Q(**{f"{prefix}_status_then__in": LISTED}) | Q(_listed_since(day, household_ref))
    )
    return qs.annotate(
        **{f"{prefix}_escaped": ExpressionWrapper(escaped, output_field=BooleanField())}
    )


def _unit_on(field: str, day: datetime.date) -> Any:
    """The unit `field` (a unit's id) had become by `day` (`households.units.unit_map`): the
    column itself when no unit had been merged by then (every period before 2025)."""
    mapped = units.unit_map(day)
    if not mapped:
        return F(field)
    into: dict[int, list[int]] = {}
    for before, after in mapped.items():
        into.setdefault(after, []).append(before)
    return Case(
        *(
            When(**{f"{field}__in": sorted(befores)}, then=Value(after))
            for after, befores in sorted(into.items())
        ),
        default=F(field),
        output_field=IntegerField(),
    )


def status_q(status: str, *, prefix: str = "standing", group: str = "") -> Q:
    """Rows annotated by `with_standing` whose standing is `status` (and `group` N1/N2)."""
    condition = Q(**{f"{prefix}_status": status})
    if group:
        condition &= Q(**{f"{prefix}_group": group})
    return condition


def programme_statuses_q(statuses: list[str] | tuple[str, ...], *, prefix: str = "standing") -> Q:
    """Rows whose standing gives one of the programme `statuses` (poor, near-poor, escaped)."""
    condition = Q(pk__in=[])
    listed = [s for s in statuses if s in LISTED]
    if listed:
        condition |= Q(**{f"{prefix}_status__in": listed})
    if ESCAPED in statuses:
        condition |= Q(**{f"{prefix}_escaped": True})
    return condition


# --- the stored spans -------------------------------------------------------------------------

_SPAN_SOURCE = (
    "pk",
    "household_id",
    "effective_from",
    "status",
    "poor_group",
    "area",
    "ward_id",
    "income_per_capita",
    "deprivation_count",
    "round__standard",
    "household__archived_at",
)
_SPAN_BATCH = 5000


def _household_spans(rows: list[tuple[Any, ...]], span_model: Any) -> list[StandingSpan]:
    """One household's spans from its recognised results, in the order they count last
    (`IN_EFFECT_ORDER` reversed): each counts from its day until a later one takes effect, or
    the household is archived; of several taking effect the same day, the last counts."""
    archived_at = rows[0][-1]
    archived_on = timezone.localdate(archived_at) if archived_at is not None else OPEN_END
    poor_days = [row[2] for row in rows if row[3] == POOR]
    first_poor = min(poor_days) if poor_days else None
    spans: list[StandingSpan] = []
    for index, row in enumerate(rows):
        pk, household_id, start, status, group, area, ward_id, income, count, standard, _ = row
        later = [r[2] for r in rows[index + 1 :] if r[2] > start]
        if any(r[2] == start for r in rows[index + 1 :]):
            continue  # another result of the same day counts instead
        until = min(later[0] if later else OPEN_END, archived_on)
        if until <= start:
            continue
        spans.append(
            span_model(
                household_id=household_id,
                assessment_id=pk,
                valid_from=start,
                valid_until=until,
                status=status,
                poor_group=group,
                area=area,
                ward_id=ward_id,
                income_per_capita=income,
                deprivation_count=count,
                standard=standard,
                first_poor_from=first_poor,
            )
        )
    return spans


def refresh_spans(household_ids: Any = None, *, models: Any = None) -> int:
    """Rebuild the stored spans (`StandingSpan`) of `household_ids` (ids or a queryset), or of
    every household when None, from their recognised results and archive days. Every service
    that recognises a result, archives or restores a household calls it; so do bulk loaders.
    Returns the number of spans written. `models`: a migration's app registry."""
    span_model = models.get_model("households", "StandingSpan") if models else StandingSpan
    result_model = models.get_model("households", "Assessment") if models else Assessment
    spans = span_model.objects.all()
    results = result_model.objects.filter(state=ReviewState.RECOGNISED)
    if household_ids is not None:
        spans = spans.filter(household_id__in=household_ids)
        results = results.filter(household_id__in=household_ids)
    spans.delete()
    rows = results.order_by("household_id", "effective_from", "decision_date", "pk").values_list(
        *_SPAN_SOURCE
    )
    current: list[tuple[Any, ...]] = []
    written, batch, household = 0, [], None
    for row in rows.iterator(chunk_size=_SPAN_BATCH):
        if row[1] != household and current:
            batch += _household_spans(current, span_model)
            current = []
            if len(batch) >= _SPAN_BATCH:
                span_model.objects.bulk_create(batch)
                written, batch = written + len(batch), []
        household = row[1]
        current.append(row)
    if current:
        batch += _household_spans(current, span_model)
    span_model.objects.bulk_create(batch)
    return written + len(batch)


# --- one household ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """A household's standing on `day`: the recognised result that counts, or none."""

    household_id: int
    day: datetime.date
    assessment_id: int | None
    status: str | None
    poor_group: str
    area: str
    ward_id: int | None
    escaped: bool

    @property
    def is_known(self) -> bool:
        return self.status is not None

    @property
    def programme_statuses(self) -> frozenset[str]:
        """What a programme can ask for: {"poor"}, {"near_poor"}, {"escaped"} or nothing."""
        if self.status in LISTED:
            return frozenset({self.status})
        if self.escaped:
            return frozenset({ESCAPED})
        return frozenset()

    @property
    def label(self) -> str:
        if self.status is None:
            return str(_("No recognised result"))
        label = str(PovertyStatus(self.status).label)
        return f"{label} – {self.poor_group}" if self.poor_group else label


@functools.lru_cache(maxsize=32)
def _standings_of_day(day: datetime.date) -> QuerySet[Any]:
    """Every household with its standing on `day` (`with_standing`), never evaluated itself:
    `standings` filters a copy. Building the annotations costs about 1 ms of Python, more than
    running the query for one household (the household page, each benefit form); they depend on
    `day` alone, so they are built once per day a process asks for."""
    return with_standing(Household.objects.order_by(), day).values(
        "pk",
        "standing_id",
        "standing_status",
        "standing_group",
        "standing_area",
        "standing_ward",
        "standing_escaped",
    )


def standings(household_ids: list[int] | QuerySet[Any], day: datetime.date) -> dict[int, Standing]:
    """The standing on `day` of each household, in one query."""
    rows = _standings_of_day(day).filter(pk__in=household_ids)
    return {
        row["pk"]: Standing(
            household_id=row["pk"],
            day=day,
            assessment_id=row["standing_id"],
            status=row["standing_status"],
            poor_group=row["standing_group"] or "",
            area=row["standing_area"] or "",
            ward_id=row["standing_ward"],
            escaped=bool(row["standing_escaped"]),
        )
        for row in rows
    }


def standing(household: Household | int, day: datetime.date) -> Standing:
    """The household's standing on `day`. One query."""
    household_id = household if isinstance(household, int) else household.pk
    found = standings([household_id], day).get(household_id)
    if found is None:
        return Standing(household_id, day, None, None, "", "", None, False)
    return found


def latest_recognised(household: Household) -> Assessment | None:
    """The household's latest recognised result, in effect or about to be (a year-end decision
    of December takes effect on 1 January): what an ad-hoc review starts from and what the
    household page shows as its recognised status. One query."""
    return latest_recognised_of(
        household.assessments.filter(state=ReviewState.RECOGNISED).select_related("round")
    )


def latest_recognised_of(assessments: Iterable[Assessment]) -> Assessment | None:
    """`latest_recognised` of a household whose assessments are read already (the household
    page reads them all): the recognised one first in `IN_EFFECT_ORDER`. A recognised result
    always has its effective day and decision date (the model's check constraints)."""
    recognised = [a for a in assessments if a.state == ReviewState.RECOGNISED]
    return max(
        recognised,
        key=lambda a: (a.effective_from, a.decision_date, a.pk),
        default=None,
    )


# --- movements -------------------------------------------------------------------------------

# Keys of the movements between the standing at the start and at the end of a period. Each
# household moves at most once on each list; the poor list's flows in are exclusive, in this
# order of precedence: re-poor (it had been poor before and escaped), from near-poor, newly poor.
ESCAPED_POVERTY = "escaped"  # poor → near-poor or above
ESCAPED_TO_NEAR_POOR = "escaped_to_near_poor"  # of which: poor → near-poor
NEWLY_POOR = "newly_poor"  # → poor, never poor before, not near-poor at the start
RE_POOR = "re_poor"  # → poor again, after having escaped earlier (in the history kept)
NEAR_POOR_TO_POOR = "near_poor_to_poor"  # near-poor → poor, never poor before
ESCAPED_NEAR_POOR = "escaped_near_poor"  # near-poor → above near-poor
NEWLY_NEAR_POOR = "newly_near_poor"  # → near-poor from above, or never recognised before
POOR_TO_NEAR_POOR = "poor_to_near_poor"  # near-poor list, flow in from the poor list
NEAR_POOR_TO_POOR_OUT = "near_poor_to_poor_out"  # near-poor list, flow out to the poor list
MOVED_IN = "moved_in"  # on the list at both ends, recognised in another unit at the start
MOVED_OUT = "moved_out"
OTHER_OUT = "other_out"  # on the list at the start, no recognised result at the end

MOVEMENT_LABELS = {
    ESCAPED_POVERTY: _("Escaped poverty (poor → near-poor or above)"),
    ESCAPED_TO_NEAR_POOR: _("of which: to near-poor"),
    NEWLY_POOR: _("Newly poor"),
    RE_POOR: _("Re-poor (poor again after escaping)"),
    NEAR_POOR_TO_POOR: _("Fell back: near-poor → poor"),
    ESCAPED_NEAR_POOR: _("Escaped near-poverty (near-poor → above)"),
    NEWLY_NEAR_POOR: _("Newly near-poor"),
    POOR_TO_NEAR_POOR: _("From the poor list (poor → near-poor)"),
    NEAR_POOR_TO_POOR_OUT: _("To the poor list (near-poor → poor)"),
    MOVED_IN: _("Moved in from another ward / commune"),
    MOVED_OUT: _("Moved out to another ward / commune"),
    OTHER_OUT: _("Other (no longer on the list)"),
}


def with_movement(qs: QuerySet[Any], period: Period, *, household_ref: str = "pk") -> QuerySet[Any]:
    """Annotate rows with their standing at the start (`start_…`) and at the end (`end_…`) of
    `period`, and `was_poor_before`: recognised poor in a result in effect by the start.

    `start_ward` and `end_ward` are the units the results were made in as they stand on the
    period's last day (`households.units`): across a merger, a result of a former unit counts
    in the unit it became, so the merger itself is no movement in or out (issue 12)."""
    qs = with_standing(
        qs, period.start, prefix="start", household_ref=household_ref, units_on=period.last_day
    )
    qs = with_standing(
        qs, period.end, prefix="end", household_ref=household_ref, units_on=period.last_day
    )
    # Every span of a household carries its first "poor" day: read it from either end.
    qs = qs.alias(
        first_poor_from=Coalesce(
            F(f"{_span_alias('start')}__first_poor_from"),
            F(f"{_span_alias('end')}__first_poor_from"),
            Value(OPEN_END),
        )
    )
    return qs.annotate(
        was_poor_before=ExpressionWrapper(
            Q(first_poor_from__lte=period.start), output_field=BooleanField()
        )
    )


def _same_unit() -> Q:
    return Q(start_ward=F("end_ward"))


# Flows a unit counts where the household started (the others: where it ended).
_FLOWS_AT_START = (
    ESCAPED_POVERTY,
    ESCAPED_TO_NEAR_POOR,
    ESCAPED_NEAR_POOR,
    OTHER_OUT,
    NEAR_POOR_TO_POOR_OUT,
    MOVED_OUT,
)


def movement_unit(key: str) -> str:
    """The annotation ("start_ward" or "end_ward") naming the unit that counts movement `key`."""
    return "start_ward" if key in _FLOWS_AT_START else "end_ward"


def movement_q(key: str, *, ward_id: int | F | None = None) -> Q:
    """Rows annotated by `with_movement` that made movement `key`.

    With `ward_id`, the movement as that unit counts it: a household recognised in another unit
    at the start than at the end has moved out of one and into the other (on the list it is on
    at both ends) and makes no other flow there; without, units are ignored (the city).
    `ward_id=F(movement_unit(key))`: each row as its own unit counts it (to count every unit
    at once, grouped by that annotation).
    """
    start_poor, end_poor = Q(start_status=POOR), Q(end_status=POOR)
    start_near, end_near = Q(start_status=NEAR_POOR), Q(end_status=NEAR_POOR)
    end_above = Q(end_status__in=ABOVE)
    before = Q(was_poor_before=True)
    flows = {
        ESCAPED_POVERTY: start_poor & (end_near | end_above),
        ESCAPED_TO_NEAR_POOR: start_poor & end_near,
        RE_POOR: ~start_poor & end_poor & before,
        NEAR_POOR_TO_POOR: start_near & end_poor & ~before,
        NEWLY_POOR: (Q(start_status__isnull=True) | Q(start_status__in=ABOVE)) & end_poor & ~before,
        ESCAPED_NEAR_POOR: start_near & end_above,
        NEWLY_NEAR_POOR: (Q(start_status__isnull=True) | Q(start_status__in=ABOVE)) & end_near,
        POOR_TO_NEAR_POOR: start_poor & end_near,
        NEAR_POOR_TO_POOR_OUT: start_near & end_poor,
        OTHER_OUT: Q(start_status__in=LISTED) & Q(end_status__isnull=True),
    }
    if ward_id is None:
        if key in (MOVED_IN, MOVED_OUT):
            return Q(pk__in=[])
        return flows[key]
    # Counted where the household ends (flows in) or started (flows out).
    here = Q(**{movement_unit(key): ward_id})
    moved = Q(start_ward__isnull=False) & Q(end_ward__isnull=False) & ~_same_unit()
    if key in (MOVED_IN, MOVED_OUT):
        return here & moved
    unmoved = Q(start_ward__isnull=True) | Q(end_ward__isnull=True) | _same_unit()
    return here & unmoved & flows[key]


# The movement tables: (list, start status, flows in, flows out), as the report forms count them
# (start + in − out = end).
POOR_FLOWS_IN = (NEWLY_POOR, RE_POOR, NEAR_POOR_TO_POOR, MOVED_IN)
POOR_FLOWS_OUT = (ESCAPED_POVERTY, MOVED_OUT, OTHER_OUT)
NEAR_POOR_FLOWS_IN = (NEWLY_NEAR_POOR, POOR_TO_NEAR_POOR, MOVED_IN)
NEAR_POOR_FLOWS_OUT = (ESCAPED_NEAR_POOR, NEAR_POOR_TO_POOR_OUT, MOVED_OUT, OTHER_OUT)


def list_movement_q(status: str, key: str, *, ward_id: int | F | None = None) -> Q:
    """Movement `key` on the list of `status` (poor or near-poor): MOVED_IN, MOVED_OUT and
    OTHER_OUT are restricted to households on that list at the relevant end."""
    condition = movement_q(key, ward_id=ward_id)
    if key == MOVED_IN:
        return condition & Q(end_status=status)
    if key in (MOVED_OUT, OTHER_OUT):
        return condition & Q(start_status=status)
    return condition


# --- rounds -----------------------------------------------------------------------------------


def latest_periodic_round(*, recognised_only: bool = False) -> ReviewRound | None:
    """The most recent periodic review round (with `recognised_only`, the most recent one with
    a recognised result)."""
    rounds = ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC)
    if recognised_only:
        rounds = rounds.filter(assessments__state=ReviewState.RECOGNISED).distinct()
    return rounds.order_by("-year").first()


def periodic_round(year: int) -> ReviewRound | None:
    return ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC, year=year).first()


def periodic_years() -> list[int]:
    """Years with a periodic review round, newest first."""
    return list(
        ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC)
        .order_by("-year")
        .values_list("year", flat=True)
    )


def in_review(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Assessments not (yet) recognised: drafts, submitted, at the meeting, posted, returned —
    "đang rà soát", shown beside official figures and never counted in them."""
    return qs.exclude(state=ReviewState.RECOGNISED)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
