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
  search finds all its matches once, through the trigram indexes (`household_list_page`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from households import selectors
from households.models import Household

# A search looks at up to this many of the listed households, one by one (after a sample of
# SEARCH_SAMPLE says the words look common): if more than the limit match, counting stops
# there; otherwise every match is found through the indexes and counted exactly.
SEARCH_SCAN = 10_000
SEARCH_SAMPLE = 500
# Sorts an index reads in order (`Household.Meta.indexes`): a common search walks that index
# and stops after the page, instead of finding every match first.
INDEXED_SORTS = frozenset({"code", "-code", "head", "-head"})


class HouseholdPaginator(Paginator):
    """`object_list` finds and orders the households; `rows` (default: the same) reads a
    page's households by id with what the table shows. `count` may be given already counted,
    with `truncated` when it is a limit rather than the total; or `ids`, every household of
    the list in order, already read."""

    def __init__(
        self,
        object_list: QuerySet[Any],
        per_page: int,
        *,
        rows: QuerySet[Any] | None = None,
        count: int | None = None,
        truncated: bool = False,
        ids: list[int] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list if rows is None else rows
        self.known_count = len(ids) if ids is not None else count
        self.truncated = truncated
        self.ids = ids

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        return self.object_list.order_by().count()

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        return self._get_page(self._page_rows(bottom, top), number, self)

    def _page_rows(self, bottom: int, top: int) -> list[Any]:
        if top <= bottom:
            return []
        if self.ids is not None:
            return self._read(self.ids[bottom:top])
        ids = self.object_list.prefetch_related(None).values_list("pk", flat=True)
        if not self.truncated and bottom > self.count - top:
            # Nearer the end: the same households, counted from the end in the reverse order.
            pks = list(ids.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            pks = list(ids[bottom:top])
        return self._read(pks)

    def _read(self, pks: list[int]) -> list[Any]:
        found = {row.pk: row for row in self.rows.filter(pk__in=pks).order_by()}
        return [found[pk] for pk in pks if pk in found]


def household_list_page(
    *, user: Any, filters: selectors.HouseholdFilters, sort: str, number: Any
) -> Page:
    """The page `number` of `selectors.household_list` (the last page if out of range)."""
    per_page = selectors.HOUSEHOLDS_PER_PAGE
    unsearched = selectors.household_list(user=user, filters=replace(filters, q=""), sort=sort)
    if not filters.q:
        return HouseholdPaginator(unsearched, per_page).get_page(number)

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
            walk = by_row if sort in INDEXED_SORTS else listed
            return HouseholdPaginator(
                walk, per_page, rows=by_row, count=limit, truncated=True
            ).get_page(number)
    # Rarer words: the indexes find every match, once, in the list's order.
    found = list(listed.prefetch_related(None).values_list("pk", flat=True))
    return HouseholdPaginator(listed, per_page, rows=by_row, ids=found).get_page(number)
