"""Every figure of the reports: the one place where an indicator is computed (issue 5).

The dashboard, the periodic PDF, the spreadsheets and `manage.py export_report` all read
`report_data()`; none of them counts anything itself, so a number is never computed twice.

A household's status in a year is that of its assessment in the year's periodic review round
(`ReviewRound.Kind.PERIODIC`), whatever its review state, as in `programs.worklists`. The
"previous round" is the periodic round of `year - 1`, the "next round" that of `year + 1`.

Every count is an aggregate in the database (conditional `Count`), so the number of queries
does not depend on the number of households. Every count carries `url`: the household list
(`households:list`) filtered to exactly the households counted, or the programmes worklist
for figures about members or officers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count as DbCount
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from households.classification import DEFAULT_STANDARD, get_standard
from households.models import (
    Assessment,
    Household,
    PovertyCause,
    PovertyStatus,
    ReviewRound,
    SupportNeed,
    User,
    Ward,
)
from households.selectors import (
    MOVEMENT_LABELS,
    MOVEMENTS,
    movement_condition,
    previous_periodic_status,
)
from programs import worklists
from programs.excel import Column, Sheet
from programs.models import WardTarget

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

# The groups the deprivation table is split by.
GROUP_N1 = "N1"
GROUP_N2 = "N2"
GROUP_NEAR_POOR = "near_poor"
DEPRIVATION_GROUPS = (GROUP_N1, GROUP_N2, GROUP_NEAR_POOR)

# Movements between the previous periodic round and this one: `households.selectors.MOVEMENTS`.


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
    - `target`: the target as a number in `unit` (e.g. Decimal("0.20") points, 100 percent,
      45 households); None when the indicator has no target (the start rate).
    - `unit`: "percent" (actual is a share in %), "points" (percentage points) or "households".
    - `actual`: what was achieved in `unit` (Decimal, 2 places); None when it cannot be known
      (no round, no denominator, next year's round not held yet).
    - `numerator` / `denominator`: the counts behind `actual` (both None for "points").
    - `met`: True / False against the target; None when there is no target or no actual.
    - `url`: the list of the households (or members, officers) counted in `numerator`.
    - `gap_url`: the worklist of those still missing (coverage indicators), else "".
    - `note`: how the figure was computed when it needs saying (e.g. which year's total
      households was the denominator), translated; "" otherwise.
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
class StatusRow:
    """Households by status and group in the year's round, for one ward or the total.

    `ward` is None on the total row. Each value is a `Count` with its list URL; `total` is
    the ward's total households (`WardTarget.total_households` of the year, None if not
    entered), `assessed` the households surveyed in the round. Poor households are split by
    group (N1, N2), by policy (people-with-merit, social-protection) and by the three household
    types of Plan 221 III.2.3; `poor_rate` is poor / total in percent (None without a total).
    """

    ward: Ward | None
    label: str
    total: int | None
    assessed: Count
    poor: Count
    poor_n1: Count
    poor_n2: Count
    near_poor: Count
    poor_merit: Count
    poor_social: Count
    type_social_assistance: Count
    type_lacks_means: Count
    type_needs_persuasion: Count
    poor_rate: Decimal | None


# The `StatusRow` fields shown as columns, in order, with their labels: see `STATUS_COLUMNS`.


@dataclass(frozen=True)
class DeprivationRow:
    """One deprivation indicator (or one dimension, `indicator` == "") and, for each group of
    `DEPRIVATION_GROUPS`, the households of that group deprived in it: `by_group[group]` is a
    `Count` whose `percent` is the share of the group's households. A household counts once
    under a dimension when deprived in any of its indicators."""

    dimension: str  # the dimension key of the standard
    dimension_label: str
    indicator: str  # the indicator key ("" on a dimension row)
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
class MovementRow:
    """One movement between the previous periodic round and this one (`MOVEMENTS`)."""

    key: str
    label: str
    count: Count


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows for one year, for the city or one ward, scoped to a user.

    - `year`, `ward` (None = every ward the user may see; for the command line: the city).
    - `wards`: the wards covered, in display order.
    - `review_round` / `previous_round` / `next_round`: the periodic rounds of year, year-1 and
      year+1 (None when not held).
    - `indicators`: section II of the plan, in order (`Indicator`); `indicator(key)` finds one.
    - `status_total`: the status row for everything covered; `status_by_ward`: one row per ward.
    - `status_columns`: (field name of `StatusRow`, translated header) in display order.
    - `deprivations`: one row per indicator; `dimensions`: one row per dimension.
    - `group_sizes`: households of each deprivation group (the base of the percentages).
    - `causes`, `needs`: every active cause / need with its counts.
    - `movements`: one row per `MOVEMENTS` key (all zero without a previous round).
    """

    year: int
    ward: Ward | None
    wards: list[Ward]
    review_round: ReviewRound | None
    previous_round: ReviewRound | None
    next_round: ReviewRound | None
    indicators: list[Indicator]
    status_total: StatusRow | None
    status_by_ward: list[StatusRow]
    status_columns: list[tuple[str, str]]
    deprivations: list[DeprivationRow]
    dimensions: list[DeprivationRow]
    group_sizes: dict[str, int]
    causes: list[CodeRow]
    needs: list[CodeRow]
    movements: list[MovementRow]
    # The ward's name ("Phường Đức Thắng"), or the city's ("Phan Thiết") for several wards.
    place: str = ""
    # Translated labels of `DEPRIVATION_GROUPS`.
    group_labels: dict[str, str] = field(default_factory=dict)

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


def available_years() -> list[int]:
    """Years with a periodic review round, newest first: the years a report can be made for."""
    return worklists.periodic_years()


class _AllWards:
    """The city as the command line sees it: every ward, no user (`ward_scope` → None)."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = User.Role.ADMIN
    pk = None
    ward_id = None
    agency_id = None


# `user` = ALL_WARDS: no scoping, every ward (the command line, run as the city).
ALL_WARDS: Any = _AllWards()

_POOR = PovertyStatus.POOR.value
_NEAR = PovertyStatus.NEAR_POOR.value
_TWO_PLACES = Decimal("0.01")


def percent(numerator: int, denominator: int | None) -> Decimal | None:
    """`numerator` as a share of `denominator` in percent, 2 places; None without a base."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        _TWO_PLACES, rounding=ROUND_HALF_UP
    )


def _list_url(review_round: ReviewRound | None, **params: Any) -> str:
    """The household list of `review_round` with `params` (empty ones left out)."""
    if review_round is None:
        return ""
    query = {"round": review_round.pk}
    query.update({k: v for k, v in params.items() if v not in (None, "", False)})
    return f"{reverse('households:list')}?{urlencode(query)}"


def _worklist_url(key: str, year: int, ward: Ward | None) -> str:
    query: dict[str, Any] = {"year": year}
    if ward is not None:
        query["ward"] = ward.pk
    return f"{reverse('programs:worklist', args=[key])}?{urlencode(query)}"


def _scope(user: Any, ward: Ward | None) -> tuple[list[Ward], QuerySet[Household]]:
    visible = Ward.objects.visible_to(user).select_related("district")
    wards = [visible.get(pk=ward.pk)] if ward is not None else list(visible)
    ids = [w.pk for w in wards]
    return wards, Household.objects.visible_to(user).filter(ward_id__in=ids)


# --- households by status ----------------------------------------------------------------


def status_columns() -> list[tuple[str, str]]:
    return [
        ("assessed", str(_("Surveyed"))),
        ("poor", str(_("Poor households"))),
        ("poor_n1", str(_("of which group N1"))),
        ("poor_n2", str(_("of which group N2"))),
        ("near_poor", str(_("Near-poor households"))),
        ("poor_merit", str(_("Poor, people-with-merit"))),
        ("poor_social", str(_("Poor, social-protection"))),
        # Short headers: the full wording of the three types (plan section III.2.3) is too
        # long for a table column on a tablet.
        ("type_social_assistance", str(pgettext("household type", "Social assistance"))),
        ("type_lacks_means", str(pgettext("household type", "Lacks means"))),
        ("type_needs_persuasion", str(pgettext("household type", "Needs persuasion"))),
    ]


# (StatusRow field, condition on the assessment, list filters)
def _status_buckets() -> list[tuple[str, Q, dict[str, Any]]]:
    poor = Q(status=_POOR)
    types = Assessment.HouseholdType
    return [
        ("assessed", Q(), {}),
        ("poor", poor, {"status": _POOR}),
        ("poor_n1", poor & Q(poor_group="N1"), {"status": _POOR, "group": "N1"}),
        ("poor_n2", poor & Q(poor_group="N2"), {"status": _POOR, "group": "N2"}),
        ("near_poor", Q(status=_NEAR), {"status": _NEAR}),
        ("poor_merit", poor & Q(household__is_merit_family=True), {"status": _POOR, "merit": 1}),
        (
            "poor_social",
            poor & Q(household__is_social_protection=True),
            {"status": _POOR, "social": 1},
        ),
        *(
            (
                f"type_{t.value}",
                poor & Q(household_type=t.value),
                {"status": _POOR, "type": t.value},
            )
            for t in types
        ),
    ]


def _status_counts(
    households: QuerySet[Household],
    review_round: ReviewRound | None,
    previous_round: ReviewRound | None,
) -> dict[int, dict[str, int]]:
    """Per ward id: every status bucket of the round, `expected` (poor, expected to escape)
    and `previous_poor` (poor in the previous round). One query."""
    rounds = [r.pk for r in (review_round, previous_round) if r is not None]
    if not rounds:
        return {}
    current = Q(round=review_round) if review_round is not None else Q(pk__in=[])
    aggregates: dict[str, Any] = {
        key: DbCount("pk", filter=current & condition)
        for key, condition, _params in _status_buckets()
    }
    aggregates["expected"] = DbCount(
        "pk", filter=current & Q(status=_POOR, expected_to_escape=True)
    )
    aggregates["previous_poor"] = DbCount(
        "pk",
        filter=(Q(round=previous_round) if previous_round else Q(pk__in=[])) & Q(status=_POOR),
    )
    rows = (
        Assessment.objects.filter(round__in=rounds, household__in=households.values("pk"))
        .order_by()
        .values("household__ward_id")
        .annotate(**aggregates)
    )
    return {row.pop("household__ward_id"): row for row in rows}


def _status_row(
    ward: Ward | None,
    label: str,
    counts: dict[str, int],
    total: int | None,
    review_round: ReviewRound | None,
) -> StatusRow:
    ward_param = ward.pk if ward is not None else None
    values: dict[str, Count] = {}
    for key, _condition, params in _status_buckets():
        value = counts.get(key, 0)
        values[key] = Count(
            value,
            _list_url(review_round, ward=ward_param, **params),
            percent(value, total) if key != "assessed" else None,
        )
    return StatusRow(
        ward=ward,
        label=label,
        total=total,
        poor_rate=percent(counts.get("poor", 0), total),
        **values,  # type: ignore[arg-type]
    )


# --- deprivations, causes and needs ------------------------------------------------------


def _group_conditions() -> dict[str, tuple[Q, dict[str, Any]]]:
    return {
        GROUP_N1: (Q(status=_POOR, poor_group="N1"), {"status": _POOR, "group": "N1"}),
        GROUP_N2: (Q(status=_POOR, poor_group="N2"), {"status": _POOR, "group": "N2"}),
        GROUP_NEAR_POOR: (Q(status=_NEAR), {"status": _NEAR}),
    }


def group_labels() -> dict[str, str]:
    return {
        GROUP_N1: str(_("Poor, group N1")),
        GROUP_N2: str(_("Poor, group N2")),
        GROUP_NEAR_POOR: str(PovertyStatus.NEAR_POOR.label),
    }


def _deprivation_tables(
    assessments: QuerySet[Assessment], review_round: ReviewRound | None, ward: Ward | None
) -> tuple[list[DeprivationRow], list[DeprivationRow], dict[str, int]]:
    """One row per indicator and per dimension of the round's standard. One query."""
    standard = get_standard(review_round.standard if review_round else DEFAULT_STANDARD)
    groups = _group_conditions()
    by_dimension = standard.indicators_by_dimension()
    aggregates: dict[str, Any] = {}
    for group, (condition, _params) in groups.items():
        aggregates[f"size_{group}"] = DbCount("pk", filter=condition)
        for indicator in standard.indicators:
            aggregates[f"{group}_{indicator.key}"] = DbCount(
                "pk", filter=condition & Q(**{indicator.key: True})
            )
        for dimension in standard.dimensions:
            any_of = Q(pk__in=[])
            for indicator in by_dimension[dimension.key]:
                any_of |= Q(**{indicator.key: True})
            aggregates[f"{group}_dim_{dimension.key}"] = DbCount("pk", filter=condition & any_of)
    totals = assessments.aggregate(**aggregates) if review_round is not None else {}
    sizes = {group: totals.get(f"size_{group}", 0) for group in groups}
    ward_param = ward.pk if ward is not None else None
    labels = {d.key: str(d.label) for d in standard.dimensions}

    def cells(suffix: str, filter_params: dict[str, str]) -> dict[str, Count]:
        result = {}
        for group, (_condition, params) in groups.items():
            value = totals.get(f"{group}_{suffix}", 0)
            result[group] = Count(
                value,
                _list_url(review_round, ward=ward_param, **params, **filter_params),
                percent(value, sizes[group]),
            )
        return result

    indicators = [
        DeprivationRow(
            dimension=i.dimension,
            dimension_label=labels[i.dimension],
            indicator=i.key,
            label=str(i.label),
            by_group=cells(i.key, {"deprived": i.key}),
        )
        for i in standard.indicators
    ]
    dimensions = [
        DeprivationRow(
            dimension=d.key,
            dimension_label=str(d.label),
            indicator="",
            label=str(d.label),
            by_group=cells(f"dim_{d.key}", {"dimension": d.key}),
        )
        for d in standard.dimensions
    ]
    return indicators, dimensions, sizes


def _code_rows(
    model: type[PovertyCause] | type[SupportNeed],
    param: str,
    households: QuerySet[Household],
    review_round: ReviewRound | None,
    ward: Ward | None,
) -> list[CodeRow]:
    """Each active cause (or need) and the poor / near-poor households citing it. One query."""
    if review_round is None:
        return []
    in_round = Q(
        assessments__round=review_round, assessments__household__in=households.values("pk")
    )
    rows = model.objects.filter(is_active=True).annotate(
        n_poor=DbCount("assessments", filter=in_round & Q(assessments__status=_POOR)),
        n_near=DbCount("assessments", filter=in_round & Q(assessments__status=_NEAR)),
    )
    ward_param = ward.pk if ward is not None else None
    return [
        CodeRow(
            code=row.code,
            label=str(row),
            poor=Count(
                row.n_poor,  # type: ignore[attr-defined]
                _list_url(review_round, ward=ward_param, status=_POOR, **{param: row.code}),
            ),
            near_poor=Count(
                row.n_near,  # type: ignore[attr-defined]
                _list_url(review_round, ward=ward_param, status=_NEAR, **{param: row.code}),
            ),
        )
        for row in rows
    ]


# --- movements ---------------------------------------------------------------------------


def _movement_counts(
    households: QuerySet[Household], review_round: ReviewRound | None
) -> dict[str, int]:
    """Households of each movement between the previous periodic round and `review_round`,
    by the household list's own conditions (`households.selectors.MOVEMENTS`). One query."""
    if review_round is None:
        return dict.fromkeys(MOVEMENTS, 0)
    return (
        Assessment.objects.filter(round=review_round, household__in=households.values("pk"))
        .order_by()
        .alias(previous_status=previous_periodic_status(review_round.pk, "household_id"))
        .aggregate(
            **{
                key: DbCount(
                    "pk",
                    filter=movement_condition(key, previous="previous_status", current="status"),
                )
                for key in MOVEMENTS
            }
        )
    )


# --- coverage (programmes) ---------------------------------------------------------------


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
    user: Any, review_round: ReviewRound, households: QuerySet[Household], ward_ids: list[int]
) -> _Coverage:
    """The coverage indicators from the programmes worklists, counted in bulk. Eight queries."""
    in_wards = Q(household__ward_id__in=ward_ids)
    card_gaps = worklists.health_insurance_gaps(user, review_round).filter(in_wards)
    school_gaps = worklists.school_support_gaps(user, review_round).filter(in_wards)
    credit_gaps = worklists.credit_gaps(user, review_round).filter(ward_id__in=ward_ids)
    unsupported = worklists.unsupported_households(user, review_round).filter(ward_id__in=ward_ids)
    any_gap = (
        Q(pk__in=card_gaps.values("household_id"))
        | Q(pk__in=school_gaps.values("household_id"))
        | Q(pk__in=credit_gaps.values("pk"))
        | Q(pk__in=unsupported.values("pk"))
    )
    listed = households.filter(
        Exists(
            Assessment.objects.filter(
                household=OuterRef("pk"), round=review_round, status__in=[_POOR, _NEAR]
            )
        )
    )
    household_totals = listed.aggregate(total=DbCount("pk"), covered=DbCount("pk", filter=~any_gap))
    pupil = Q(year_status=_POOR, attends_school=True) & worklists._age_between(
        review_round.reference_date, worklists.PUPIL_MIN_AGE, worklists.PUPIL_MAX_AGE
    )
    member_totals = (
        worklists._members(user, review_round)
        .filter(in_wards)
        .order_by()
        .aggregate(
            members=DbCount("pk", filter=Q(year_status__in=[_POOR, _NEAR])),
            pupils=DbCount("pk", filter=pupil),
        )
    )
    officers = User.objects.filter(
        role=User.Role.WARD_OFFICER, is_active=True, ward_id__in=ward_ids
    )
    return _Coverage(
        households=household_totals["total"],
        households_covered=household_totals["covered"],
        members=member_totals["members"],
        members_without_card=card_gaps.count(),
        pupils=member_totals["pupils"],
        pupils_unsupported=school_gaps.count(),
        credit_candidates=worklists.credit_candidates(user, review_round)
        .filter(ward_id__in=ward_ids)
        .count(),
        credit_without_loan=credit_gaps.count(),
        officers=officers.count(),
        officers_untrained=worklists.untrained_officers(user, review_round)
        .filter(ward_id__in=ward_ids)
        .count(),
    )


# --- the indicators of section II --------------------------------------------------------


def _share_indicator(
    key: str,
    label: Any,
    covered: int,
    base: int,
    *,
    url: str = "",
    gap_url: str = "",
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


def _totals(
    wards: list[Ward], targets: dict[tuple[int, int], WardTarget], year: int
) -> tuple[int | None, str]:
    """The wards' total households of `year` (a ward without one: of `year + 1`, if fetched),
    and a note saying which totals were used or which are missing."""
    total, fallback, missing = 0, [], []
    for ward in wards:
        target = targets.get((ward.pk, year)) or targets.get((ward.pk, year + 1))
        if target is None:
            missing.append(ward.name)
            continue
        if (ward.pk, year) not in targets:
            fallback.append(ward.name)
        total += target.total_households
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


def report_data(*, user: Any, year: int, ward: Ward | None = None) -> ReportData:
    """The report of `year` for `ward` (or every ward `user` may see), scoped by `user`.

    `user` is a request's user (scoped by `Ward.objects.visible_to`) or `ALL_WARDS`. A `ward`
    the user may not see raises `Ward.DoesNotExist` (a 404 in views). A fixed number of
    queries whatever the number of households.
    """
    wards, households = _scope(user, ward)
    ward_ids = [w.pk for w in wards]
    rounds = {
        r.year: r
        for r in ReviewRound.objects.filter(
            kind=ReviewRound.Kind.PERIODIC, year__in=[year - 1, year, year + 1]
        )
    }
    review_round, previous_round, next_round = (
        rounds.get(year),
        rounds.get(year - 1),
        rounds.get(year + 1),
    )
    targets = {
        (t.ward_id, t.year): t
        for t in WardTarget.objects.filter(ward_id__in=ward_ids, year__in=[year - 1, year])
    }
    ward_param = ward.pk if ward is not None else None

    # Households by status, per ward and in total.
    counts = _status_counts(households, review_round, previous_round)
    by_ward = []
    summed: dict[str, int] = {}
    for w in wards:
        row_counts = counts.get(w.pk, {})
        for key, value in row_counts.items():
            summed[key] = summed.get(key, 0) + value
        target = targets.get((w.pk, year))
        by_ward.append(
            _status_row(
                w, w.name, row_counts, target.total_households if target else None, review_round
            )
        )
    end_total, end_note = _totals(wards, targets, year)
    # An officer sees one ward: their reports are that ward's, not the city's.
    only = ward if ward is not None else (wards[0] if len(wards) == 1 else None)
    place = str(only) if only is not None else (wards[0].district.name if wards else "")
    status_total = _status_row(ward, place, summed, end_total, review_round)

    # Section II.
    start_total, start_note = _totals(wards, targets, year - 1)
    start_poor = summed.get("previous_poor", 0)
    start_rate = percent(start_poor, start_total) if previous_round else None
    end_poor = summed.get("poor", 0)
    end_rate = percent(end_poor, end_total) if review_round else None
    year_targets = [targets[(w.pk, year)] for w in wards if (w.pk, year) in targets]
    reduction_min = min((t.rate_reduction_min for t in year_targets), default=Decimal("0.20"))
    reduction_max = max((t.rate_reduction_max for t in year_targets), default=Decimal("0.30"))
    reduction = start_rate - end_rate if start_rate is not None and end_rate is not None else None
    indicators = [
        Indicator(
            key=POOR_RATE_START,
            label=str(_("Poor-household rate at the start of the year")),
            target_text="",
            target=None,
            unit="percent",
            actual=start_rate,
            numerator=start_poor if previous_round else None,
            denominator=start_total,
            met=None,
            url=_list_url(previous_round, ward=ward_param, status=_POOR),
            note=start_note
            if previous_round
            else str(_("No periodic review in %(year)s.") % {"year": year - 1}),
        ),
        Indicator(
            key=POOR_RATE_END,
            label=str(_("Poor-household rate at the end of the year")),
            target_text="",
            target=None,
            unit="percent",
            actual=end_rate,
            numerator=end_poor if review_round else None,
            denominator=end_total,
            met=None,
            url=_list_url(review_round, ward=ward_param, status=_POOR),
            note=end_note,
        ),
        Indicator(
            key=POOR_RATE_REDUCTION,
            label=str(_("Reduction of the poor-household rate")),
            target_text=str(
                _("%(min)s–%(max)s points")
                % {"min": _comma(reduction_min), "max": _comma(reduction_max)}
            ),
            target=reduction_min,
            unit="points",
            actual=reduction,
            numerator=None,
            denominator=None,
            met=None if reduction is None else reduction >= reduction_min,
            url=_list_url(review_round, ward=ward_param, movement="escaped"),
        ),
    ]
    if review_round is not None:
        coverage = _coverage(user, review_round, households, ward_ids)
        indicators += [
            _share_indicator(
                POLICIES,
                _("Poor and near-poor households receiving every policy they are entitled to"),
                coverage.households_covered,
                coverage.households,
                gap_url=reverse("programs:worklists"),
            ),
            _share_indicator(
                HEALTH_INSURANCE,
                _(
                    "Members of poor and near-poor households with a state-funded "
                    "health-insurance card"
                ),
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
                url=_list_url(review_round, ward=ward_param, need=worklists.CREDIT_NEED),
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
    planned = sum(t.households_to_escape for t in year_targets) if year_targets else None
    expected = summed.get("expected", 0)
    escaped = _movement_counts(households, next_round)["escaped"] if next_round else None
    indicators += [
        Indicator(
            key=ESCAPE_PLANNED,
            label=str(_("Poor households expected to escape poverty")),
            target_text=""
            if planned is None
            else str(_("%(count)s households") % {"count": planned}),
            target=None if planned is None else Decimal(planned),
            unit="households",
            actual=Decimal(expected) if review_round else None,
            numerator=expected if review_round else None,
            denominator=planned,
            met=None if planned is None or review_round is None else expected >= planned,
            url=_list_url(review_round, ward=ward_param, status=_POOR, escape=1),
        ),
        Indicator(
            key=ESCAPED,
            label=str(_("Households that escaped poverty")),
            target_text=""
            if planned is None
            else str(_("%(count)s households") % {"count": planned}),
            target=None if planned is None else Decimal(planned),
            unit="households",
            actual=None if escaped is None else Decimal(escaped),
            numerator=escaped,
            denominator=planned,
            met=None if planned is None or escaped is None else escaped >= planned,
            url=_list_url(next_round, ward=ward_param, movement="escaped"),
            note=""
            if next_round
            else str(_("Known after the periodic review of %(year)s.") % {"year": year + 1}),
        ),
    ]

    in_round = Assessment.objects.filter(
        round=review_round, household__in=households.values("pk")
    ).order_by()
    deprivations, dimensions, sizes = _deprivation_tables(in_round, review_round, ward)
    moved = _movement_counts(households, review_round if previous_round else None)
    movements = [
        MovementRow(
            key=key,
            label=str(MOVEMENT_LABELS[key]),
            count=Count(moved[key], _list_url(review_round, ward=ward_param, movement=key)),
        )
        for key in MOVEMENTS
    ]
    return ReportData(
        year=year,
        ward=ward,
        wards=wards,
        review_round=review_round,
        previous_round=previous_round,
        next_round=next_round,
        indicators=indicators,
        status_total=status_total,
        status_by_ward=by_ward,
        status_columns=status_columns(),
        deprivations=deprivations,
        dimensions=dimensions,
        group_sizes=sizes,
        causes=_code_rows(PovertyCause, "cause", households, review_round, ward),
        needs=_code_rows(SupportNeed, "need", households, review_round, ward),
        movements=movements,
        place=place,
        group_labels=group_labels(),
    )


def _comma(value: Decimal) -> str:
    """0.2 → "0,2": Vietnamese decimal comma."""
    return format(value.normalize(), "f").replace(".", ",")


# --- the report as tables (spreadsheets) ---------------------------------------------------


def report_sheets(data: ReportData) -> list[Sheet]:
    """Every table of the report as a spreadsheet sheet, titled with what, where and when."""
    where = f"{data.place} – {data.year}"
    indicator_rows = [
        (
            i.label,
            i.target_text,
            _number(i.actual, i.unit),
            i.numerator,
            i.denominator,
            _verdict(i.met),
            i.note,
        )
        for i in data.indicators
    ]
    status_header = [
        Column(str(_("Ward / commune")), 22),
        Column(str(_("Total households")), 12, "int"),
    ]
    status_header += [Column(label, 14, "int") for _key, label in data.status_columns]
    status_header.append(Column(str(_("Poor rate (%)")), 12))
    status_rows = [
        (
            row.label,
            row.total,
            *(getattr(row, key).value for key, _label in data.status_columns),
            _number(row.poor_rate, "percent"),
        )
        for row in [*data.status_by_ward, *([data.status_total] if data.status_total else [])]
    ]
    groups = list(DEPRIVATION_GROUPS)
    deprivation_header = [Column(str(_("Dimension")), 22), Column(str(_("Indicator")), 30)]
    for group in groups:
        deprivation_header += [
            Column(data.group_labels[group], 12, "int"),
            Column(f"{data.group_labels[group]} (%)", 10),
        ]
    deprivation_rows = [
        (
            row.dimension_label,
            row.label if row.indicator else str(_("Any indicator of the dimension")),
            *(
                cell
                for group in groups
                for cell in (
                    row.by_group[group].value,
                    _number(row.by_group[group].percent, "percent"),
                )
            ),
        )
        for row in [*data.deprivations, *data.dimensions]
    ]
    code_header = [
        Column(str(_("Name")), 36),
        Column(str(PovertyStatus.POOR.label), 12, "int"),
        Column(str(PovertyStatus.NEAR_POOR.label), 12, "int"),
    ]
    return [
        Sheet(
            str(_("Indicators")),
            str(_("Indicators of Plan 221/KH-UBND, %(where)s") % {"where": where}),
            [
                Column(str(_("Indicator")), 48),
                Column(str(_("Target")), 16),
                Column(str(_("Achieved")), 12),
                Column(str(_("Numerator")), 12, "int"),
                Column(str(_("Denominator")), 12, "int"),
                Column(str(_("Result")), 12),
                Column(str(_("Note")), 40),
            ],
            indicator_rows,
        ),
        Sheet(
            str(_("By ward")),
            str(_("Households by status and group, %(where)s") % {"where": where}),
            status_header,
            status_rows,
        ),
        Sheet(
            str(_("Deprivations")),
            str(_("Deprivations by indicator and dimension, %(where)s") % {"where": where}),
            deprivation_header,
            deprivation_rows,
        ),
        Sheet(
            str(_("Causes")),
            str(_("Causes of poverty, %(where)s") % {"where": where}),
            code_header,
            [(r.label, r.poor.value, r.near_poor.value) for r in data.causes],
        ),
        Sheet(
            str(_("Needs")),
            str(_("Support needs, %(where)s") % {"where": where}),
            code_header,
            [(r.label, r.poor.value, r.near_poor.value) for r in data.needs],
        ),
        Sheet(
            str(_("Movements")),
            str(_("Movements since the previous review, %(where)s") % {"where": where}),
            [Column(str(_("Movement")), 48), Column(str(_("Households")), 12, "int")],
            [(m.label, m.count.value) for m in data.movements],
        ),
    ]


def _number(value: Decimal | None, unit: str) -> str:
    """1.5 percent → "1,50%", 2 households → "2": as the dashboard shows it."""
    if value is None:
        return "–"
    if unit == "households":
        return str(int(value))
    text = format(value, "f").replace(".", ",")
    return f"{text}%" if unit == "percent" else text


def _verdict(met: bool | None) -> str:
    if met is None:
        return ""
    return str(_("Met")) if met else str(_("Not met"))
