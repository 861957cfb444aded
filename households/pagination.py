"""Pages of the household list that cost about the same on page 1 and on page 6,000.

A plain `Paginator` over the list's queryset reads a page with `OFFSET`: the database computes
every column of each row it skips (the member count, the assessment in the round), so the last
page of 300,000 households reads all of them. Here:

- the count runs on the filtered households alone (`count()` leaves out what only the rows show);
- a page is found by its households' ids first, a narrow query that only sorts, and then those
  50 ids are read with everything a row shows;
- a page past the middle is read from the other end in the reverse order, so the last page skips
  as few rows as the first;
- a search that matches many households ("nguyen van": one in five) is counted only up to
  `selectors.SEARCH_COUNT_LIMIT` ("more than 1,000"), looking households up one after another
  in the list's order (`HouseholdQuerySet.search(by_row=True)`), so that it stops early; a rarer
  search finds all its matches once, through the trigram indexes (`household_list_page`);
- sorted by status in a round (PostgreSQL), a page near either end is read by walking the
  order itself through the indexes (`StatusWalk`) instead of sorting every household joined to
  the round's assessments.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, QuerySet

from households import selectors
from households.models import Asker, Assessment, Household, Ward
from households.scope import Scope

# A search looks at up to this many of the listed households, one by one (after a sample of
# SEARCH_SAMPLE says the words look common): if more than the limit match, counting stops
# there; otherwise every match is found through the indexes and counted exactly.
SEARCH_SCAN = 10_000
SEARCH_SAMPLE = 500
# Sorts an index reads in order (`Household.Meta.indexes`): a common search walks that index
# and stops after the page, instead of finding every match first.
INDEXED_SORTS = frozenset({"code", "-code", "head", "-head"})


# A page of the status sort whose first household is at most this many rows from its nearer
# end is walked (`StatusWalk`); deeper pages sort the list as before: the walk looks at every
# household of a ward for each status it passes, the sort at each household once.
STATUS_WALK_ROWS = 1_000


@dataclass(frozen=True)
class StatusWalk:
    """The list sorted by status in round `round_id`, read from either end without a sort.

    That order is a sequence of runs: for each status bucket of the round in its sort order
    (`selectors.STATUS_ORDER` by rank, then poor group, not assessed last — reversed by
    "-status"), and within it for each ward in display order, that ward's households by code
    and id. One statement (PostgreSQL): the round's (status, poor group) pairs found by a skip
    scan of the index (round, status, poor_group); the runs in order; for each run, through
    LATERAL, the first households of the ward in the index (ward, code, id) of the register,
    their assessment looked up in (round, household) — only as many as the page needs. An
    incremental sort consumes the runs in order, so the walk stops after the page: the last
    page looks at a few thousand households, not 300,000.

    Counting the households of each bucket first would need the same join of every household
    to its assessment (about 180 ms at 300,000), so nothing is counted: a page is found by how
    far it is from the nearer end, as the other sorts do.
    """

    round_id: int
    descending: bool

    def ids(self, households: QuerySet[Any], *, skip: int, limit: int, from_end: bool) -> list[int]:
        """The ids of `limit` households after the first `skip` of `households` (the list's
        queryset), counted from its end when `from_end`: then in the reverse order."""
        inner, inner_params = (
            households.prefetch_related(None)
            .order_by()
            .values_list(
                "pk",
                "ward_id",
                "code",
                F("round_assessment__household_id"),
                F("round_status"),
                F("round_group"),
            )
            .query.sql_with_params()
        )

        def key(column: str, ascending: bool, nulls: str = "") -> str:
            if from_end:
                ascending = not ascending
                nulls = {"NULLS LAST": "NULLS FIRST", "NULLS FIRST": "NULLS LAST"}.get(nulls, "")
            return f"{column} {'ASC' if ascending else 'DESC'} {nulls}".strip()

        # The list's order (`selectors._ordering`): rank and poor group (empty last either
        # way), then ward, code and id ascending whichever way the status goes.
        def runs(rank: str, grp: str, display_order: str) -> str:
            return ", ".join(
                (
                    key(rank, not self.descending),
                    key(grp, not self.descending, "NULLS LAST"),
                    key(display_order, True),
                )
            )

        within = [key("x.code", True), key("x.id", True)]
        # OFFSET 0 keeps the runs a sorted subquery: the outer ORDER BY continues its order
        # (an incremental sort, run by run) and reads a run's LATERAL only when it gets there.
        sql = f"""
            WITH RECURSIVE found (status, grp) AS (
                (SELECT status, poor_group FROM {Assessment._meta.db_table}
                  WHERE round_id = %s ORDER BY status, poor_group LIMIT 1)
                UNION ALL
                SELECT step.status, step.poor_group FROM found, LATERAL (
                    SELECT status, poor_group FROM {Assessment._meta.db_table}
                     WHERE round_id = %s AND (status, poor_group) > (found.status, found.grp)
                     ORDER BY status, poor_group LIMIT 1
                ) step
            )
            SELECT page.id FROM (
                SELECT b.status, b.grp, b.rank, w.id AS ward_id, w.display_order
                  FROM (
                    SELECT status, grp,
                           COALESCE(array_position(%s::text[], status::text) - 1, %s) AS rank
                      FROM found
                    UNION ALL
                    SELECT NULL, NULL, %s
                  ) b CROSS JOIN {Ward._meta.db_table} w
                 ORDER BY {runs("b.rank", "b.grp", "w.display_order")}
                OFFSET 0
            ) u CROSS JOIN LATERAL (
                SELECT x.id, x.code
                  FROM ({inner}) x (id, ward_id, code, assessed, status, grp)
                 WHERE x.ward_id = u.ward_id
                   AND CASE WHEN u.status IS NULL THEN x.assessed IS NULL
                            ELSE x.status = u.status AND x.grp = u.grp END
                 ORDER BY {", ".join(within)}
                 LIMIT %s
            ) page
            ORDER BY {runs("u.rank", "u.grp", "u.display_order")},
                     {", ".join(within).replace("x.", "page.")}
            LIMIT %s OFFSET %s
        """
        not_assessed = len(selectors.STATUS_ORDER)
        params = [
            self.round_id,
            self.round_id,
            [str(status) for status in selectors.STATUS_ORDER],
            not_assessed,
            not_assessed,
            *inner_params,
            skip + limit,
            limit,
            skip,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]

    @classmethod
    def for_list(cls, filters: selectors.HouseholdFilters, sort: str) -> StatusWalk | None:
        """The walk of this list, if it is sorted by status in a round on PostgreSQL; the
        register only (the walk's index leaves archived households out)."""
        if (
            sort.removeprefix("-") != "status"
            or filters.review_round is None
            or filters.standing_day is not None
            or filters.movement_period is not None
            or filters.archived
            or filters.q
            or connection.vendor != "postgresql"
        ):
            return None
        return cls(round_id=filters.review_round, descending=sort.startswith("-"))


class HouseholdPaginator(Paginator):
    """`object_list` finds and orders the households; `rows` (default: the same) reads a
    page's households by id with what the table shows. `count` may be given already counted,
    with `truncated` when it is a limit rather than the total; or `ids`, every household of
    the list in order, already read; or `walk`, how to read a page near either end of the
    status sort."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        rows: QuerySet[Any] | None = None,
        count: int | None = None,
        truncated: bool = False,
        ids: list[int] | None = None,
        walk: StatusWalk | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.households = object_list  # typed: the base class knows only a sequence
        self.walk = walk
        self.rows = object_list if rows is None else rows
        self.known_count = len(ids) if ids is not None else count
        self.truncated = truncated
        self.ids = ids

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return self.households.order_by().count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return Page(self._page_rows(bottom, top), number, self)

    def _page_rows(self, bottom: int, top: int) -> list[Any]:
        if top <= bottom:
            return []
        if self.ids is not None:
            return self._read(self.ids[bottom:top])
        from_end = not self.truncated and bottom > self.count - top
        skip = self.count - top if from_end else bottom
        if self.walk is not None and skip + top - bottom <= STATUS_WALK_ROWS:
            pks = self.walk.ids(self.households, skip=skip, limit=top - bottom, from_end=from_end)
            return self._read(pks[::-1] if from_end else pks)
        ids = self.households.prefetch_related(None).values_list("pk", flat=True)
        if from_end:
            # Nearer the end: the same households, counted from the end in the reverse order.
            pks = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            pks = list(ids[bottom:top])
        return self._read(pks)

    def _read(self, pks: list[int]) -> list[Any]:
        found = {row.pk: row for row in self.rows.filter(pk__in=pks).order_by()}
        return [found[pk] for pk in pks if pk in found]


def household_list_page(
    *,
    user: Asker,
    scope: Scope,
    filters: selectors.HouseholdFilters,
    sort: str,
    number: Any,
) -> Page:
    """The page `number` of `selectors.household_list` (the last page if out of range)."""
    per_page = selectors.HOUSEHOLDS_PER_PAGE
    unsearched = selectors.household_list(
        user=user, scope=scope, filters=replace(filters, q=""), sort=sort
    )
    if not filters.q:
        walk = StatusWalk.for_list(filters, sort)
        return HouseholdPaginator(unsearched, per_page, walk=walk).get_page(number)

    # The list's own search (`household_list` with `q`), in each of its two shapes.
    listed = unsearched.search(filters.q)
    by_row = unsearched.search(filters.q, by_row=True)
    ids = unsearched.order_by("pk").values_list("pk", flat=True)
    # The SEARCH_SCAN-th listed household by id: counting looks no further.
    bound = list(ids[SEARCH_SCAN - 1 : SEARCH_SCAN])
    if not bound:
        # Few households to search (a ward, a filter): each is looked at, and counted exactly.
        return HouseholdPaginator(by_row, per_page).get_page(number)

    limit = selectors.SEARCH_COUNT_LIMIT
    sample = Household.objects.filter(pk__in=ids[:SEARCH_SAMPLE]).order_by()
    hits = sample.search(filters.q, by_row=True).count()
    # A glance at a few households tells common words from rare ones; a wrong guess only costs
    # time, never a wrong count.
    if hits * SEARCH_SCAN >= limit * SEARCH_SAMPLE:
        scanned = by_row.filter(pk__lte=bound[0]).order_by().values("pk")
        if scanned[: limit + 1].count() > limit:
            # Common words: count up to the limit and read the page in the index's order.
            in_order = by_row if sort in INDEXED_SORTS else listed
            return HouseholdPaginator(
                in_order, per_page, rows=by_row, count=limit, truncated=True
            ).get_page(number)
    # Rarer words: the indexes find every match, once, in the list's order.
    found = list(listed.prefetch_related(None).values_list("pk", flat=True))
    return HouseholdPaginator(listed, per_page, rows=by_row, ids=found).get_page(number)
