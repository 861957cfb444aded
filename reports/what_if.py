"""What-if (issue 12 item 4): a round's recognised results reclassified under another standard.

Read-only: nothing is saved. Each household of the round whose result was RECOGNISED (a result
still in review or returned is no list yet) is classified again by `classify` under the target
standard, from the income and the deprivation columns the assessment recorded and the area the
result was made for (`Assessment.area`). An indicator of the target standard that the round's
standard did not have was never surveyed: its column is False, so it counts as not deprived,
and the page says which indicators those are (`WhatIf.not_surveyed`).

One query reads the needed columns of the round's results in scope; the rest is Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from households.classification import (
    Classification,
    Label,
    PovertyStandard,
    Status,
    classify,
    get_standard,
)
from households.models import Assessment, IncomeRoute, ReviewRound, ReviewState

# The three rows a status falls in on the page: the listed poor, the listed near-poor, and
# everyone else (average living and not poor are both "not listed").
POOR = "poor"
NEAR_POOR = "near_poor"
OTHER = "other"
BUCKETS = (POOR, NEAR_POOR, OTHER)
BUCKET_LABELS = {
    POOR: _("Poor"),
    NEAR_POOR: _("Near-poor"),
    OTHER: _("Not poor or near-poor"),
}

# The transitions the table counts, in its column order; "unchanged" keeps the bucket.
TRANSITIONS = (
    (POOR, NEAR_POOR),
    (POOR, OTHER),
    (NEAR_POOR, POOR),
    (NEAR_POOR, OTHER),
    (OTHER, POOR),
    (OTHER, NEAR_POOR),
)

# The changed households shown on the page at most; the count says how many there are.
CHANGED_SHOWN = 500


def bucket(status: str) -> str:
    if status == Status.POOR:
        return POOR
    if status == Status.NEAR_POOR:
        return NEAR_POOR
    return OTHER


@dataclass
class UnitRow:
    """One unit's counts (or the total's, `ward_id` None)."""

    ward_id: int | None
    label: str
    assessed: int = 0
    now: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    then: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    moves: dict[tuple[str, str], int] = field(default_factory=lambda: dict.fromkeys(TRANSITIONS, 0))
    unchanged: int = 0

    def add(self, before: str, after: str) -> None:
        self.assessed += 1
        self.now[before] += 1
        self.then[after] += 1
        if before == after:
            self.unchanged += 1
        else:
            self.moves[(before, after)] += 1

    @property
    def changed(self) -> int:
        return self.assessed - self.unchanged

    @property
    def move_counts(self) -> list[int]:
        """The transitions' counts in the order of `TRANSITIONS` (for the template)."""
        return [self.moves[t] for t in TRANSITIONS]


@dataclass(frozen=True)
class ChangedHousehold:
    household_id: int
    code: str
    head_name: str
    unit: str
    income_per_capita: int
    count_now: int
    count_then: int
    status_now: Status
    status_then: Status
    # The poor group under the round's standard (N1/N2 from 2016–2020), "" otherwise.
    poor_group_now: str


@dataclass
class WhatIf:
    review_round: ReviewRound
    source: PovertyStandard
    target: PovertyStandard
    # The target's indicators the round's standard did not survey (counted as not deprived).
    not_surveyed: list[Label]
    rows: list[UnitRow]
    total: UnitRow
    changed: list[ChangedHousehold]
    changed_count: int
    # Results whose income was not typed (Phiếu B1 score or Phiếu A screening): their income
    # is placed against the round's standard only, so they are left out of the counts.
    not_reclassified: int = 0

    @property
    def changed_shown(self) -> list[ChangedHousehold]:
        return self.changed[:CHANGED_SHOWN]


def what_if(
    *,
    review_round: ReviewRound,
    target: str | PovertyStandard,
    wards: Iterable[int] | None,
) -> WhatIf:
    """Reclassify `review_round`'s recognised results under `target` (a standard or its code).

    `wards` is the scope: the ids of the units whose results are read (the units the results
    were made in, `Assessment.ward`), None for every unit; the caller takes it from
    `households.scope.Scope.wards` or a unit chosen within it. Raises ``ValueError``
    for an unknown standard code. Writes nothing.
    """
    target_std = target if isinstance(target, PovertyStandard) else get_standard(target)
    source_std = get_standard(review_round.standard)
    keys = target_std.indicator_keys
    source_keys = set(source_std.indicator_keys)
    not_surveyed = [i.label for i in target_std.indicators if i.key not in source_keys]

    results = Assessment.objects.filter(round=review_round, state=ReviewState.RECOGNISED)
    if wards is not None:
        results = results.filter(ward_id__in=list(wards))
    ordered = results.order_by("ward__display_order", "ward__name", "household__code")
    rows_read = ordered.values_list(
        "household_id",
        "household__code",
        "household__head_name",
        "ward_id",
        "ward__name",
        "area",
        "income_per_capita",
        "status",
        "poor_group",
        "deprivation_count",
        "income_route",
        *keys,
    )

    units: dict[int, UnitRow] = {}
    total = UnitRow(ward_id=None, label="")
    changed: list[ChangedHousehold] = []
    seen: dict[tuple[Any, ...], Classification] = {}
    not_reclassified = 0
    for row in rows_read:
        hh_id, code, head, ward_id, ward_name, area, income, status, group, count = row[:10]
        if row[10] != IncomeRoute.TYPED:
            not_reclassified += 1
            continue
        answers = row[11:]
        # classify is pure: households with the same area, income and deprivations (typed
        # incomes are mostly round figures) share one call, most of the time a city takes.
        memo_key = (area, income, answers)
        result = seen.get(memo_key)
        if result is None:
            result = seen[memo_key] = classify(
                area=area,
                income_per_capita=income,
                deprivations=dict(zip(keys, answers, strict=True)),
                standard=target_std,
            )
        unit = units.get(ward_id)
        if unit is None:
            unit = units[ward_id] = UnitRow(ward_id=ward_id, label=ward_name)
        before, after = bucket(status), bucket(result.status)
        unit.add(before, after)
        total.add(before, after)
        if before != after:
            changed.append(
                ChangedHousehold(
                    household_id=hh_id,
                    code=code,
                    head_name=head,
                    unit=ward_name,
                    income_per_capita=income,
                    count_now=count,
                    count_then=result.deprivation_count,
                    status_now=Status(status),
                    status_then=result.status,
                    poor_group_now=group,
                )
            )
    return WhatIf(
        review_round=review_round,
        source=source_std,
        target=target_std,
        not_surveyed=not_surveyed,
        rows=list(units.values()),
        total=total,
        changed=changed,
        changed_count=len(changed),
        not_reclassified=not_reclassified,
    )
