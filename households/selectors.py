"""Reads of the household registry: what the pages list, already scoped, filtered and sorted.

Every selector starts from `Household.objects.within(scope)` (STYLE.md §3), so a page built
on one never shows another ward's household.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    ManyToManyField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from households import access, standing, units
from households.classification import dimensions_by_key, get_standard
from households.models import (
    Asker,
    Assessment,
    Household,
    HouseholdQuerySet,
    Member,
    PovertyCause,
    PovertyStatus,
    Quarter,
    ReviewEvent,
    ReviewRound,
    ReviewState,
    SupportNeed,
    User,
    Ward,
)
from households.scope import Scope

# ---------------------------------------------------------------------------------------------
# The household list (/households/)
# ---------------------------------------------------------------------------------------------

# `status` filter value for households without an assessment in the chosen round.
NOT_ASSESSED = "none"

HOUSEHOLDS_PER_PAGE = 50
# A search ("nguyen van" matches one household in five) counts at most this many matches; more
# are "more than 1,000", to be narrowed with another word or a filter.
SEARCH_COUNT_LIMIT = 1000

# The columns a list may be sorted by (the `sort` parameter, "-" for descending).
SORT_KEYS = ("code", "head", "quarter", "members", "income", "status")
DEFAULT_SORT = "code"

# Poorest first when sorting by status; households not assessed in the round come last
# (rank len(STATUS_ORDER)). `households.pagination` walks the same order through the indexes.
STATUS_ORDER = (
    PovertyStatus.POOR,
    PovertyStatus.NEAR_POOR,
    PovertyStatus.AVERAGE_LIVING,
    PovertyStatus.NOT_POOR,
)
_STATUS_RANK = Case(
    *(When(round_status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
    default=Value(len(STATUS_ORDER)),
)


# A correlated count: unlike Count("members") it needs no GROUP BY and stays out of COUNT(*).
_member_count = (
    Member.objects.filter(household=OuterRef("pk"))
    .order_by()
    .values("household")
    .annotate(n=Count("pk"))
    .values("n")
)


@dataclass(frozen=True)
class HouseholdFilters:
    """What the officer asked the list for; every field optional (empty = no filter).

    The assessment filters (status, group, household_type, escape, state) apply to the
    household's assessment in `review_round`.
    """

    q: str = ""
    ward: int | None = None
    quarter: int | None = None
    review_round: int | None = None
    status: str = ""
    group: str = ""
    merit: bool = False
    social: bool = False
    household_type: str = ""
    escape: bool = False
    state: str = ""
    minority: bool = False
    female: bool = False
    nolabour: bool = False
    # Reports: a deprivation indicator or dimension key, a cause or need code.
    deprived: str = ""
    dimension: str = ""
    cause: str = ""
    need: str = ""
    # Official figures (`households.standing`): with `on`, the assessment filters apply to the
    # recognised result in effect that day instead of the round's; `movement` (a key of
    # `standing.MOVEMENT_LABELS`) of the period `period_year`/`period_kind`, on the list
    # `movement_list` (poor / near_poor) when given, as the unit `ward` counts it.
    on: datetime.date | None = None
    movement: str = ""
    period_year: int | None = None
    period_kind: str = standing.ANNUAL
    movement_list: str = ""
    # Archived households (issue 10) are left out of the list; with `archived`, the list shows
    # only them, for those who keep the registry or oversee it (`access.can_see_reports`).
    archived: bool = False

    @property
    def movement_period(self) -> standing.Period | None:
        if self.movement and self.period_year is not None:
            return standing.period(self.period_year, self.period_kind)
        return None

    @property
    def standing_day(self) -> datetime.date | None:
        """The day whose recognised results the list shows, if not a round's."""
        period = self.movement_period
        return period.end if period is not None else self.on

    @property
    def on_assessment(self) -> bool:
        return bool(
            (self.status and self.status != NOT_ASSESSED)
            or self.group
            or self.household_type
            or self.escape
            or self.state
            or self.deprived
            or self.dimension
            or self.cause
            or self.need
            or self.movement
        )


# --- links to the list from official figures (reports, targets, home page) -----------------
#
# A figure counted by `households.standing` links to the list of exactly the households it
# counts: `on` (ISO date) filters by the standing on that day; `movement` with `year` and
# `period` by a movement (`standing.MOVEMENT_LABELS`; `list` = the list it is counted on for
# moved_in / moved_out / other_out); `state=in_review` with `round` lists the round's results
# not yet recognised.

IN_REVIEW = "in_review"


def _list_link(params: dict[str, Any]) -> str:
    query = {k: v for k, v in params.items() if v not in (None, "", False)}
    return f"{reverse('households:list')}?{urlencode(query)}"


def standing_list_url(day: datetime.date, *, ward: int | None = None, **filters: Any) -> str:
    """The households whose standing on `day` matches `filters` (status, group, merit, social,
    minority, female, nolabour, type, escape, deprived, dimension, cause, need)."""
    return _list_link({"on": day.isoformat(), "ward": ward, **filters})


def movement_list_url(
    period: standing.Period, key: str, *, ward: int | None = None, status: str = ""
) -> str:
    """The households that made movement `key` in `period` (as `ward` counts it, if given)."""
    return _list_link(
        {
            "movement": key,
            "year": period.year,
            "period": period.kind,
            "ward": ward,
            "list": status,
        }
    )


def in_review_list_url(
    review_round: ReviewRound, *, ward: int | None = None, status: str = ""
) -> str:
    """The round's results not yet recognised ("đang rà soát"), by the status they would give."""
    return _list_link(
        {"round": review_round.pk, "state": IN_REVIEW, "ward": ward, "status": status}
    )


def visible_wards(scope: Scope) -> list[Ward]:
    return list(
        Ward.objects.within(scope).only(
            "id", "name", "kind", "display_order", "valid_from", "valid_to"
        )
    )


def visible_quarters(scope: Scope) -> list[Quarter]:
    """Quarters and hamlets of the wards the user sees, grouped by ward in display order."""
    return list(
        Quarter.objects.filter(ward__in=Ward.objects.within(scope))
        .select_related("ward")
        .only("id", "name", "ward__id", "ward__name", "ward__kind", "ward__display_order")
    )


def review_rounds_for_list(scope: Scope) -> list[ReviewRound]:
    """Every review round, newest first; each with `has_visible_assessments` in `scope`."""
    visible = Household.objects.within(scope)
    return list(
        ReviewRound.objects.annotate(
            has_visible_assessments=Exists(
                Assessment.objects.filter(round=OuterRef("pk"), household__in=visible)
            )
        ).order_by("-year", "kind", "-starts_on")
    )


def default_review_round(rounds: list[ReviewRound]) -> ReviewRound | None:
    """The most recent periodic round in which the user's households were assessed.

    Without one (a new ward, a round only just opened), the most recent periodic round.
    `rounds` comes from `review_rounds_for_list`.
    """
    periodic = [r for r in rounds if r.kind == ReviewRound.Kind.PERIODIC]
    periodic.sort(key=lambda r: r.year, reverse=True)
    for review_round in periodic:
        if getattr(review_round, "has_visible_assessments", False):
            return review_round
    return periodic[0] if periodic else None


def parse_sort(value: str | None) -> str:
    """A whitelisted `sort` value; anything else is the default order."""
    if value and value.removeprefix("-") in SORT_KEYS:
        return value
    return DEFAULT_SORT


def _ordering(sort: str, *, by_round: bool) -> list[OrderBy]:
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key in ("income", "status") and not by_round:
        key = DEFAULT_SORT  # no round: no income or status to sort by
    expressions: dict[str, list[Any]] = {
        "code": [F("code")],
        "head": [F("head_name_folded")],
        "quarter": [F("unit_order"), F("quarter__display_order"), F("quarter__name")],
        "members": [F("member_count")],
        "income": [F("round_income")],
        "status": [F("status_rank"), F("round_group")],
    }
    # Only the round's columns can be empty (not assessed): they go last either way. The
    # others are never NULL, and a plain ASC/DESC is what their indexes hold, read either way.
    nulls_last = True if key in ("income", "status") else None
    ordering = [
        e.desc(nulls_last=nulls_last) if descending else e.asc(nulls_last=nulls_last)
        for e in expressions[key]
    ]
    # A fixed tie-break keeps the pages stable: no household on two pages or on none.
    # Units in their display order (`Household.unit_order`), then codes.
    return [*ordering, F("unit_order").asc(), F("code").asc(), F("pk").asc()]


def household_list(
    *, user: Asker, scope: Scope, filters: HouseholdFilters, sort: str
) -> HouseholdQuerySet:
    """The households of `scope` that match `filters`, in `sort` order (archived ones only
    when `user` may see reports).

    Each row carries `member_count` and `round_assessments`: a list whose first item is the
    household's assessment in `filters.review_round` — or, for official figures
    (`filters.standing_day`), its recognised result in effect that day — or empty. A page costs
    the same number of queries whatever its length (`households.pagination`).
    """
    households = Household.objects.within(scope)
    period = filters.movement_period
    day = filters.standing_day
    if filters.archived and access.can_see_reports(user):
        households = households.filter(archived_at__isnull=False)
    elif period is None:
        # A movement's list shows the households it counts, archived ones among its outflows;
        # a day's list leaves out those archived by then, as `households.standing` does.
        households = households.filter(
            standing.not_archived_on(day) if day is not None else Q(archived_at__isnull=True)
        )
    if filters.q:
        # Members are searched in a subquery: no join, no DISTINCT, one row per household.
        households = households.search(filters.q)
    # A unit's households are those registered in it or in a unit merged into it (issue 12).
    unit_ids = sorted(units.lineage(filters.ward)) if filters.ward is not None else []
    if filters.ward is not None and day is None:
        # Official figures count a household in the unit its result in effect was made in
        # (`Assessment.ward`), not today's ward: see below.
        households = households.filter(ward_id__in=unit_ids)
    if filters.quarter is not None:
        households = households.filter(quarter_id=filters.quarter)
    for flag, field_name in (
        (filters.merit, "is_merit_family"),
        (filters.social, "is_social_protection"),
        (filters.minority, "is_ethnic_minority"),
        (filters.female, "is_female_headed"),
        (filters.nolabour, "has_no_working_age_labour"),
    ):
        if flag:
            households = households.filter(**{field_name: True})

    round_id = filters.review_round
    if period is not None:
        # Annotated in place: still the households' own QuerySet class.
        households = cast(HouseholdQuerySet, standing.with_movement(households, period))
        condition = (
            standing.list_movement_q(filters.movement_list, filters.movement, ward_id=filters.ward)
            if filters.movement_list
            else standing.movement_q(filters.movement, ward_id=filters.ward)
        )
        households = households.filter(condition)
    if day is not None:
        # Official figures: the recognised result in effect on `day` (households.standing).
        households = (
            standing.with_standing(households, day, prefix="shown")
            .alias(
                round_assessment_id=F("shown_id"),
                round_status=F("shown_status"),
                round_group=F("shown_group"),
                round_income=F("shown_income"),
            )
            .alias(status_rank=_STATUS_RANK)
        )
        if filters.ward is not None and period is None:
            # Without a recognised result, a household belongs to the unit it is in today.
            households = households.filter(
                Q(shown_ward__in=unit_ids) | Q(shown_id__isnull=True, ward_id__in=unit_ids)
            )
        round_assessments = standing.recognised_by(day).only(*_ROW_FIELDS, "effective_from")
        by_row = True
    elif round_id is None:
        # No round at all yet: nobody is assessed, so an assessment filter matches nothing.
        if filters.on_assessment:
            households = households.none()
        round_assessments = Assessment.objects.none()
        by_row = False
    else:
        # The assessment fields are read through aliases of one LEFT JOIN: filtering on
        # `round_assessment__…` in separate filter() calls would add a join for each filter.
        households = (
            households.alias(
                round_assessment=FilteredRelation(
                    "assessments", condition=Q(assessments__round_id=round_id)
                )
            )
            .alias(
                round_assessment_id=F("round_assessment__id"),
                round_status=F("round_assessment__status"),
                round_group=F("round_assessment__poor_group"),
                round_state=F("round_assessment__state"),
                round_income=F("round_assessment__income_per_capita"),
            )
            .alias(status_rank=_STATUS_RANK)
        )
        round_assessments = (
            Assessment.objects.filter(round_id=round_id)
            .only(*_ROW_FIELDS)
            .order_by()  # the model's ordering would join the round and the household
        )
        by_row = True
        if filters.state == IN_REVIEW:
            households = households.filter(
                Q(round_assessment_id__isnull=False) & ~Q(round_state=ReviewState.RECOGNISED)
            )
        elif filters.state:
            households = households.filter(Q(round_state=filters.state))

    if by_row:
        # Q(): the aliases are not model fields, which django-stubs cannot know.
        if filters.status == NOT_ASSESSED:
            households = households.filter(Q(round_assessment_id__isnull=True))
        elif filters.status:
            households = households.filter(Q(round_status=filters.status))
        if filters.group:
            households = households.filter(Q(round_group=filters.group))
        shown: dict[str, Any] = {}
        if filters.household_type:
            shown["household_type"] = filters.household_type
        if filters.escape:
            shown["expected_to_escape"] = True
        if filters.deprived:
            shown[filters.deprived] = True
        if filters.cause:
            shown["causes__code"] = filters.cause
        if filters.need:
            shown["needs__code"] = filters.need
        condition = _deprived_in_dimension(filters.dimension) if filters.dimension else Q()
        if shown or filters.dimension:
            households = households.filter(
                Exists(
                    Assessment.objects.filter(
                        condition, pk=OuterRef("round_assessment_id"), **shown
                    )
                )
            )

    return (
        households.select_related("ward", "quarter")
        .annotate(member_count=Coalesce(Subquery(_member_count), 0))
        .prefetch_related(
            Prefetch("assessments", queryset=round_assessments, to_attr="round_assessments")
        )
        .order_by(*_ordering(sort, by_round=by_row))
    )


# What a row of the list shows of its assessment.
_ROW_FIELDS = (
    "id",
    "household_id",
    "status",
    "poor_group",
    "state",
    # The income as shown (`Assessment.income_text`): typed, or the route and band that placed it.
    "income_per_capita",
    "income_route",
    "b1_score",
    "b1_band",
)


def _deprived_in_dimension(dimension: str) -> Q:
    """An assessment deprived in any indicator of `dimension` under any standard (a column a
    standard does not have stays False: `Assessment`); nothing if unknown."""
    _dimension, keys = dimensions_by_key().get(dimension, (None, ()))
    condition = Q(pk__in=[])
    for key in keys:
        condition |= Q(**{key: True})
    return condition


@dataclass(frozen=True)
class SortColumn:
    """A sortable column header: the `sort` value its link sets and the arrow it shows."""

    key: str
    link_sort: str
    direction: str  # "ascending", "descending" or "" (aria-sort)


def sort_columns(sort: str) -> dict[str, SortColumn]:
    """Header links: a click sorts by the column, a second click reverses it."""
    columns = {}
    for key in SORT_KEYS:
        if sort == key:
            columns[key] = SortColumn(key, f"-{key}", "ascending")
        elif sort == f"-{key}":
            columns[key] = SortColumn(key, key, "descending")
        else:
            columns[key] = SortColumn(key, key, "")
    return columns


# --- The home page's numbers (section owned by the home page, giamngheo/views.py) ----------


@dataclass(frozen=True)
class HomeStatusCount:
    """One number on the home page: households of one standing, and the list showing them."""

    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class HomeNumbers:
    """What the home page shows one user: households by their recognised standing today
    (`households.standing`), the results of the latest periodic round still in review, the
    review steps under way and (for officers) the drafts and returned assessments."""

    round: ReviewRound | None
    day: datetime.date
    households: int
    by_status: list[HomeStatusCount]
    states: dict[str, int]
    in_review: int
    in_review_url: str
    drafts: list[Assessment] = field(default_factory=list)
    returned: list[Assessment] = field(default_factory=list)


# Officers see at most this many drafts and returned assessments; the rest are in the list.
HOME_QUEUE_LENGTH = 10


def _standing_buckets() -> list[tuple[str, Any, Q, dict[str, str]]]:
    """(key, label, condition on `with_standing`, list filters) of the home page's numbers."""
    poor = PovertyStatus.POOR
    return [
        (
            "poor_n1",
            _("Poor household – group N1"),
            standing.status_q(poor, group="N1"),
            {"status": poor, "group": "N1"},
        ),
        (
            "poor_n2",
            _("Poor household – group N2"),
            standing.status_q(poor, group="N2"),
            {"status": poor, "group": "N2"},
        ),
        *(
            (status.value, status.label, standing.status_q(status.value), {"status": status.value})
            for status in (
                PovertyStatus.NEAR_POOR,
                PovertyStatus.AVERAGE_LIVING,
                PovertyStatus.NOT_POOR,
            )
        ),
        ("none", _("No recognised result"), Q(standing_id__isnull=True), {"status": NOT_ASSESSED}),
    ]


def home_numbers(*, scope: Scope, with_queues: bool) -> HomeNumbers:
    """The user's households by their recognised standing today, and their review under way.

    A fixed number of queries whatever the number of households: one for the rounds, one
    aggregate for the standings, one for the review states, and one each for the drafts and
    the returned assessments.
    """
    # The round the household list opens on: its unrecognised results are "in review".
    review_round = default_review_round(review_rounds_for_list(scope))
    day = timezone.localdate()
    households = Household.objects.within(scope).in_register()
    buckets = _standing_buckets()
    totals = standing.with_standing(households, day).aggregate(
        households=Count("pk"),
        **{key: Count("pk", filter=condition) for key, _label, condition, _p in buckets},
    )
    by_status = [
        HomeStatusCount(key, str(label), totals[key], standing_list_url(day, ward=None, **params))
        for key, label, _condition, params in buckets
    ]
    in_round = Q(round=review_round) if review_round is not None else Q(pk__in=[])
    states = Assessment.objects.filter(household__in=households).aggregate(
        in_review=Count("pk", filter=in_round & ~Q(state=ReviewState.RECOGNISED)),
        **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in ReviewState.values},
    )
    numbers = HomeNumbers(
        round=review_round,
        day=day,
        households=totals["households"],
        by_status=by_status,
        states={state: states[f"state_{state}"] for state in ReviewState.values},
        in_review=states["in_review"],
        in_review_url=in_review_list_url(review_round) if review_round is not None else "",
    )
    if not with_queues:
        return numbers
    queue = (
        Assessment.objects.filter(household__in=households)
        .select_related("household", "household__quarter", "round")
        .order_by("-updated_at", "-pk")
    )
    return replace(
        numbers,
        drafts=list(queue.filter(state=ReviewState.DRAFT)[:HOME_QUEUE_LENGTH]),
        returned=list(queue.filter(state=ReviewState.RETURNED)[:HOME_QUEUE_LENGTH]),
    )


@dataclass(frozen=True)
class HomeWardRow:
    """One ward's line on the city's home page, with the lists its numbers link to."""

    ward: Ward
    households: int
    poor: int
    near_poor: int
    not_recognised: int
    in_review: int
    posted: int
    poor_url: str
    near_poor_url: str
    not_recognised_url: str
    in_review_url: str


def home_ward_rows(*, scope: Scope, review_round: ReviewRound | None) -> list[HomeWardRow]:
    """Each visible ward in force today (`households.units.offered`) with its households
    (registered in it or in a unit merged into it: issue 12) on the poor and near-poor lists
    in force today, those with no recognised result, the round's results in review and those
    posted and waiting for the chairman's decision. Two queries for all the wards."""
    day = timezone.localdate()
    wards = units.offered(Ward.objects.within(scope).order_by("display_order", "name"), day)
    rows_of = units.row_of(ward.pk for ward in wards)

    def row_of(unit: int) -> int | None:
        # The unit it is part of today, or itself when that one is not shown.
        return rows_of.get(units.unit_on(unit, day), rows_of.get(unit))

    households = Household.objects.within(scope).in_register()
    listed = _summed_by(
        row_of,
        standing.with_standing(households, day)
        .order_by()
        .values("ward_id")
        .annotate(
            n=Count("pk"),
            poor=Count("pk", filter=standing.status_q(PovertyStatus.POOR)),
            near_poor=Count("pk", filter=standing.status_q(PovertyStatus.NEAR_POOR)),
            none=Count("pk", filter=Q(standing_id__isnull=True)),
        ),
        "ward_id",
    )
    in_round = Q(round=review_round) if review_round is not None else Q(pk__in=[])
    reviewing = _summed_by(
        row_of,
        Assessment.objects.filter(household__in=households)
        .order_by()
        .values("household__ward_id")
        .annotate(
            in_review=Count("pk", filter=in_round & ~Q(state=ReviewState.RECOGNISED)),
            posted=Count("pk", filter=Q(state=ReviewState.POSTED)),
        ),
        "household__ward_id",
    )
    rows = []
    for ward in wards:
        counts = listed.get(ward.pk, {})
        review = reviewing.get(ward.pk, {})
        rows.append(
            HomeWardRow(
                ward=ward,
                households=counts.get("n", 0),
                poor=counts.get("poor", 0),
                near_poor=counts.get("near_poor", 0),
                not_recognised=counts.get("none", 0),
                in_review=review.get("in_review", 0),
                posted=review.get("posted", 0),
                poor_url=standing_list_url(day, ward=ward.pk, status=PovertyStatus.POOR),
                near_poor_url=standing_list_url(day, ward=ward.pk, status=PovertyStatus.NEAR_POOR),
                not_recognised_url=standing_list_url(day, ward=ward.pk, status=NOT_ASSESSED),
                in_review_url=in_review_list_url(review_round, ward=ward.pk)
                if review_round is not None
                else "",
            )
        )
    return rows


def _summed_by(row_of: Any, rows: Any, key: str) -> dict[int, dict[str, int]]:
    """`rows` (counts by `key`, a unit) summed by the row `row_of` gives each unit."""
    summed: dict[int, dict[str, int]] = {}
    for row in rows:
        at = row_of(row.pop(key))
        if at is None:
            continue
        into = summed.setdefault(at, {})
        for name, value in row.items():
            into[name] = into.get(name, 0) + value
    return summed


# --- One assessment's deprivations ---------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    label: str
    deprived: bool
    reason: str  # why the roster decided it; empty for indicators the officer ticks


@dataclass(frozen=True)
class DimensionRow:
    label: str
    indicators: list[IndicatorRow]


def review_events(assessment_ids: list[int]) -> dict[int, list[ReviewEvent]]:
    """The review steps of each assessment, oldest first, with who took them, by assessment
    id: what `prefetch_related("events")` reads, without its machinery. One query."""
    found: dict[int, list[ReviewEvent]] = {pk: [] for pk in assessment_ids}
    for event in (
        ReviewEvent.objects.filter(assessment_id__in=assessment_ids)
        .select_related("by")
        .defer(*User.unshown_fields_of("by"))
        .order_by("at", "id")
    ):
        found[event.assessment_id].append(event)
    return found


def review_step_counts(assessment_ids: list[int]) -> dict[int, int]:
    """How many review steps each assessment has, by assessment id: what the household page's
    cards show before their steps are opened (`review_events`). One statement, written out:
    the ORM's count, grouped, costs about 20,000 Python steps to build, more than the rows it
    replaced (issue 11)."""
    counts = dict.fromkeys(assessment_ids, 0)
    if not assessment_ids:
        return counts
    ids = [int(pk) for pk in assessment_ids]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT assessment_id, count(*) FROM {ReviewEvent._meta.db_table} "
            f"WHERE assessment_id IN ({marks}) GROUP BY assessment_id",
            ids,
        )
        counts.update({int(pk): int(n) for pk, n in cursor.fetchall()})
    return counts


def causes_and_needs(
    assessment_ids: list[int],
) -> tuple[dict[int, list[PovertyCause]], dict[int, list[SupportNeed]]]:
    """The causes of poverty and the support needs of each assessment, in their lists' order,
    by assessment id: what `prefetch_related("causes", "needs")` reads, from the link tables
    directly, both in one statement (the household page; the ORM's two queries cost about 1 ms
    of Python to build, ten times the database's work)."""
    causes: dict[int, list[PovertyCause]] = {pk: [] for pk in assessment_ids}
    needs: dict[int, list[SupportNeed]] = {pk: [] for pk in assessment_ids}
    if not assessment_ids:
        return causes, needs
    ids = [int(pk) for pk in assessment_ids]
    marks = ", ".join(["%s"] * len(ids))
    parts = []
    for kind, field_name in ((0, "causes"), (1, "needs")):
        field = Assessment._meta.get_field(field_name)
        if not isinstance(field, ManyToManyField):
            raise TypeError(f"Assessment.{field_name} is not a many-to-many field")
        link, column = field.m2m_db_table(), field.m2m_reverse_name()  # the link to the target
        target = (PovertyCause, SupportNeed)[kind]._meta
        parts.append(
            f"SELECT {kind} AS kind, l.assessment_id, t.id, t.code, t.name, t.name_en, "
            f"t.display_order, t.is_active FROM {link} l "
            f"JOIN {target.db_table} t ON t.id = l.{column} WHERE l.assessment_id IN ({marks})"
        )
    sql = " UNION ALL ".join(parts) + " ORDER BY kind, display_order, code"
    found: tuple[dict[int, list[Any]], ...] = (causes, needs)
    models = (PovertyCause, SupportNeed)
    with connection.cursor() as cursor:
        cursor.execute(sql, ids + ids)
        for kind, assessment_id, pk, code, name, name_en, order, active in cursor.fetchall():
            found[kind][assessment_id].append(
                models[kind](
                    id=pk,
                    code=code,
                    name=name,
                    name_en=name_en,
                    display_order=order,
                    is_active=active,
                )
            )
    return causes, needs


def assessment_dimensions(assessment: Assessment) -> list[DimensionRow]:
    """The indicators of the round's standard under its dimensions, in the official order:
    the household page and the household's profile sheet show the same grouping."""
    standard = get_standard(assessment.round.standard)
    reasons = assessment.derived_reasons or {}
    grouped = standard.indicators_by_dimension()
    return [
        DimensionRow(
            label=str(dimension.label),
            indicators=[
                IndicatorRow(
                    label=str(indicator.label),
                    deprived=bool(getattr(assessment, indicator.key)),
                    reason=reasons.get(indicator.key, ""),
                )
                for indicator in grouped[dimension.key]
            ],
        )
        for dimension in standard.dimensions
    ]
