"""Administrative units over time: which unit a place is in on a day, and its area that day.

The one place these are decided (issue 12 item 3; REFERENCE.md §5 and §7):

- A unit (`Ward`) is in force from `valid_from` to `valid_to`, both days included.
- A unit that ended was merged into one successor from a day (`UnitMerger`); `unit_on` follows
  the successions up to a day (a successor merged again later is followed too), `lineage` goes
  the other way: a unit and every unit merged into it, however long ago.
- **Households stay in the unit they were registered in** (`Household.ward`): a merger changes
  no household row (codes are unique per unit and quarters belong to their unit, so moving
  them would clash and rewrite their history). The unit a household is in on a day is
  `unit_on(household.ward_id, day)`; everything that asks "the households of unit U" asks for
  those registered in `lineage(U)` (scoping, lists, worklists, reports).
- Every assessment and benefit keeps the unit it was made in (`Assessment.ward`,
  `Benefit.ward`): the household's unit on the day it was made (`made_in`). A report of a
  period counts a result under the unit in force on the period's last day that the result's
  unit has become (`unit_map`): a merger is not a movement in or out.
- The area (urban or rural lines) of a place on a day is `area_on`: the area, that day, of the
  unit the place is in then, with the kind that unit had then (`WardKindPeriod`, else its kind).

Successions and earlier kinds are facts that change by data migration (the 2025 merger:
`households/migrations/0015_merger_2025.py`) or `households.services.units`, so they are read
once per process (two small queries) and kept in memory: a scope or a report costs no query
more. The services forget them when they write; a deploy that migrates restarts the processes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from households.classification import Area

if TYPE_CHECKING:
    from households.models import ReviewRound, Ward


@dataclass(frozen=True)
class Successions:
    """What `households.units` keeps in memory: every merger and every earlier kind."""

    # predecessor id → (successor id, the day the merger takes effect)
    successor: dict[int, tuple[int, datetime.date]]
    # successor id → the ids merged into it
    predecessors: dict[int, tuple[int, ...]]
    # ward id → ((first day or None, last day, kind), ...)
    kinds: dict[int, tuple[tuple[datetime.date | None, datetime.date, str], ...]]
    # successor id → the unit (so the area and name of a merged place need no query)
    successor_units: dict[int, Ward]


_loaded: Successions | None = None


def successions() -> Successions:
    """The mergers and earlier kinds, read on first use (two queries) and kept."""
    global _loaded
    if _loaded is None:
        from households.models import UnitMerger, WardKindPeriod

        successor: dict[int, tuple[int, datetime.date]] = {}
        predecessors: dict[int, list[int]] = {}
        successor_units: dict[int, Ward] = {}
        for merger in UnitMerger.objects.select_related("successor").order_by("pk"):
            before, after = merger.predecessor_id, merger.successor_id
            successor[before] = (after, merger.effective_from)
            predecessors.setdefault(after, []).append(before)
            successor_units[after] = merger.successor
        kinds: dict[int, list[tuple[datetime.date | None, datetime.date, str]]] = {}
        for ward_id, first, last, kind in WardKindPeriod.objects.order_by(
            "ward_id", "valid_to"
        ).values_list("ward_id", "valid_from", "valid_to", "kind"):
            kinds.setdefault(ward_id, []).append((first, last, kind))
        _loaded = Successions(
            successor=successor,
            predecessors={k: tuple(v) for k, v in predecessors.items()},
            kinds={k: tuple(v) for k, v in kinds.items()},
            successor_units=successor_units,
        )
    return _loaded


def forget() -> None:
    """Read the successions again on next use (after a write; tests start from the database)."""
    global _loaded
    _loaded = None


def unit_on(ward_id: int, day: datetime.date) -> int:
    """The unit that the place of unit `ward_id` belongs to on `day`: the unit itself, or the
    one it had been merged into by then (followed up to `day`)."""
    graph = successions()
    seen = {ward_id}
    while ward_id in graph.successor:
        after, effective = graph.successor[ward_id]
        if effective > day or after in seen:
            break
        seen.add(after)
        ward_id = after
    return ward_id


def lineage(ward_id: int) -> frozenset[int]:
    """The unit and every unit merged into it, directly or through another, at any time: the
    units whose households and results are this unit's (from the day of each merger)."""
    graph = successions()
    found = {ward_id}
    todo = [ward_id]
    while todo:
        for before in graph.predecessors.get(todo.pop(), ()):
            if before not in found:
                found.add(before)
                todo.append(before)
    return frozenset(found)


def successors(ward_id: int) -> frozenset[int]:
    """The unit and every unit it was merged into, directly or through another, at any time:
    the units whose `lineage` holds it (the other way round)."""
    graph = successions()
    found = {ward_id}
    while ward_id in graph.successor:
        ward_id = graph.successor[ward_id][0]
        if ward_id in found:
            break
        found.add(ward_id)
    return frozenset(found)


def lineages(ward_ids: Iterable[int]) -> frozenset[int]:
    """`lineage` of every unit of `ward_ids`, together."""
    found: set[int] = set()
    for ward_id in ward_ids:
        found |= lineage(ward_id)
    return frozenset(found)


def unit_map(day: datetime.date) -> dict[int, int]:
    """Every unit merged into another by `day` → the unit it belongs to on `day`. Units not in
    it are themselves that day. Empty before the first merger, so figures of earlier periods
    are read exactly as before."""
    mapped = {}
    for before in successions().successor:
        after = unit_on(before, day)
        if after != before:
            mapped[before] = after
    return mapped


def row_of(rows: Iterable[int]) -> dict[int, int]:
    """Each unit of the `lineage` of each unit of `rows` → that row: where a report counts a
    household or a result registered or made in it."""
    found: dict[int, int] = {}
    for row in rows:
        for member in lineage(row):
            found.setdefault(member, row)
    return found


def offered(wards: Iterable[Ward], day: datetime.date, *, keep: int | None = None) -> list[Ward]:
    """The units a picker offers for `day` (reports, lists, worklists): those of `wards` (the
    units a user sees) in force that day, and `keep` (the unit asked for: a link across a
    merger may name one no longer, or not yet, in force). A user who sees none in force (an
    officer still attached to a former unit) is offered the units they see."""
    wards = list(wards)
    return [w for w in wards if w.is_in_force(day) or w.pk == keep] or wards


def area_on(ward: Ward, day: datetime.date) -> Area:
    """The area (urban or rural poverty lines) of `ward`'s place on `day`: the unit it is in
    that day (`unit_on`), with the kind that unit had that day (an earlier kind,
    `WardKindPeriod`, else its kind). A former commune merged into a ward is urban from the day
    of the merger (REFERENCE.md §7). No query: the successors' kinds are kept with the
    successions."""
    return area_of(ward.pk, ward.kind, day)


def area_of(ward_id: int, kind: str, day: datetime.date) -> Area:
    """`area_on` from a unit's id and kind (rows read with `values_list`)."""
    from households.models import Ward as WardModel

    graph = successions()
    target = unit_on(ward_id, day)
    if target != ward_id:
        kind = graph.successor_units[target].kind
    for first, last, earlier in graph.kinds.get(target, ()):
        if (first is None or first <= day) and day <= last:
            kind = earlier
            break
    return WardModel.AREA_BY_KIND[WardModel.Kind(kind)]


def part_of(ward: Ward, day: datetime.date) -> tuple[Ward, datetime.date] | None:
    """The unit `ward`'s place had been merged into by `day`, and from which day (the last
    step of the successions followed), or None while it is a unit of its own. No query."""
    graph = successions()
    target, since = ward.pk, None
    seen = {target}
    while target in graph.successor:
        after, effective = graph.successor[target]
        if effective > day or after in seen:
            break
        seen.add(after)
        target, since = after, effective
    if since is None:
        return None
    return graph.successor_units[target], since


def made_on(review_round: ReviewRound, today: datetime.date | None = None) -> datetime.date:
    """The day a survey of `review_round` is taken to be made for its unit: today, within the
    round's days (a survey typed in after its round closed belongs to the round's units, one
    typed in before it opened to its first day's)."""
    today = today or timezone.localdate()
    return min(max(today, review_round.starts_on), review_round.ends_on)


def made_in(ward_id: int, day: datetime.date) -> int:
    """The unit a household registered in `ward_id` is in on `day`: where an assessment or a
    benefit made that day is kept (`unit_on`)."""
    return unit_on(ward_id, day)
