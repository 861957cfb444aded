"""Phiếu A (quick screening) and Phiếu B1 (income score) of the review: the one place they are
scored. Pure code: no ORM; `households.standards` reads the tables from the database.

Circular 17/2016/TT-BLĐTBXH (REFERENCE.md §3.3–3.4, every figure UNCONFIRMED):

- **Phiếu A** (Phụ lục 2a) screens out households that are clearly not poor: a household with
  any of the criteria is left out of the review (not poor, not near-poor), the criteria ticked
  being its reason.
- **Phiếu B1** (Phụ lục 3b) estimates income from household characteristics and assets: each
  item of the region's table gives points for the option that applies; the total B1 is compared
  with the table's thresholds (rural NT3 120 / 150, urban 140 / 175 for 2016–2020) to place the
  income at or below the poverty line, between the lines, or above. B2 is 10 points per
  deprivation, shown beside; the rule on deprivations stays the standard's count.

A table may be partial (`ScoreCard.complete` False: REFERENCE.md gives only part of the B1
items). Its points are never negative, so a partial score is a lower bound of the full one:
"above the lines" is then certain, anything lower only an estimate. A partial table therefore
places the income only above its top threshold; below, the band is `UNDETERMINED` and the
income must be typed (`ScoreCard.band`, the one place this is decided). A partial table whose
best answers cannot exceed the top threshold can never place an income (`ScoreCard.can_decide`):
the survey does not offer it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from households.classification import Area, Label


class IncomeBand(enum.StrEnum):
    """Where a B1 score places the household's income, against the standard's lines."""

    AT_OR_BELOW_POVERTY_LINE = "at_or_below_poverty_line"
    BETWEEN_LINES = "between_lines"
    ABOVE = "above"
    # A partial table's score at or below its top threshold: the missing items could lift it
    # into any band, so it places nothing (never stored: the survey refuses it).
    UNDETERMINED = "undetermined"

    @property
    def label(self) -> Label:
        return _BAND_LABELS[self]

    @property
    def short_label(self) -> Label:
        """The band in a few words, after a score ("165 points – above the lines")."""
        return _BAND_SHORT_LABELS[self]


_BAND_LABELS: dict[IncomeBand, Label] = {
    IncomeBand.AT_OR_BELOW_POVERTY_LINE: _("Income at or below the poverty line"),
    IncomeBand.BETWEEN_LINES: _("Income between the poverty and near-poverty lines"),
    IncomeBand.ABOVE: _("Income above the lines"),
    IncomeBand.UNDETERMINED: _("Income not determined (partial B1 table)"),
}
_BAND_SHORT_LABELS: dict[IncomeBand, Label] = {
    IncomeBand.AT_OR_BELOW_POVERTY_LINE: _("at or below the poverty line"),
    IncomeBand.BETWEEN_LINES: _("between the lines"),
    IncomeBand.ABOVE: _("above the lines"),
    IncomeBand.UNDETERMINED: _("not determined"),
}


@dataclass(frozen=True)
class ScoreOption:
    """One answer to a B1 item and the points it gives (never negative)."""

    key: str
    label: Label = field(compare=False)
    points: int

    def __post_init__(self) -> None:
        if isinstance(self.points, bool) or not isinstance(self.points, int) or self.points < 0:
            raise ValueError(f"B1 option {self.key}: points must be a whole number ≥ 0")


@dataclass(frozen=True)
class ScoreItem:
    """One characteristic of the B1 table (household size, dependants …) with its options."""

    key: str
    label: Label = field(compare=False)
    options: tuple[ScoreOption, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        keys = [o.key for o in self.options]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError(f"B1 item {self.key}: needs options with distinct keys")

    def option(self, key: str) -> ScoreOption | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class ScoreCard:
    """A standard's B1 table for one area (its region's form, e.g. PL3b.3 rural NT3) with the
    score thresholds: B1 ≤ `poor_max` → income at or below the poverty line; ≤ `near_poor_max`
    → between the lines (a standard with one line has none); above → above the lines.

    On a partial table (`complete` False) only "above the lines" can be proved: see `band`."""

    standard_code: str
    area: Area
    region: str
    name: Label = field(compare=False)
    items: tuple[ScoreItem, ...]
    poor_max: int
    near_poor_max: int | None
    deprivation_points: int
    complete: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        keys = [i.key for i in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"B1 table {self.standard_code}/{self.area}: duplicate item keys")
        if self.near_poor_max is not None and self.near_poor_max <= self.poor_max:
            raise ValueError(f"B1 table {self.standard_code}/{self.area}: thresholds must increase")
        if self.deprivation_points < 1:
            raise ValueError(f"B1 table {self.standard_code}/{self.area}: B2 points must be ≥ 1")

    @property
    def max_score(self) -> int:
        return sum(max(o.points for o in item.options) for item in self.items)

    @property
    def top_threshold(self) -> int:
        """The score above which the income is above every line the table measures."""
        return self.poor_max if self.near_poor_max is None else self.near_poor_max

    @property
    def can_decide(self) -> bool:
        """Whether some answers on this table place an income: always on a complete table; on a
        partial one only if its best answers exceed the top threshold (the 2016–2020 urban table
        of 0017 tops out at 135, below even its 140: it can never place an income)."""
        return self.complete or self.max_score > self.top_threshold

    def band(self, score: int) -> IncomeBand:
        """The income band of a B1 total (thresholds inclusive).

        A partial table's score is a lower bound of the full table's (points are never
        negative): above the top threshold the income is above the lines whatever the missing
        items give; at or below it, they could lift it into any band: `UNDETERMINED`.
        """
        if not self.complete:
            return IncomeBand.ABOVE if score > self.top_threshold else IncomeBand.UNDETERMINED
        if score <= self.poor_max:
            return IncomeBand.AT_OR_BELOW_POVERTY_LINE
        if self.near_poor_max is not None and score <= self.near_poor_max:
            return IncomeBand.BETWEEN_LINES
        return IncomeBand.ABOVE


@dataclass(frozen=True)
class ItemScore:
    item: ScoreItem
    option: ScoreOption


@dataclass(frozen=True)
class B1Score:
    """A household's B1: the option chosen for each item, the total and its income band."""

    card: ScoreCard
    lines: tuple[ItemScore, ...]
    total: int
    band: IncomeBand

    @property
    def answers(self) -> dict[str, str]:
        return {line.item.key: line.option.key for line in self.lines}

    @property
    def decided(self) -> bool:
        return self.band is not IncomeBand.UNDETERMINED

    def undetermined_reason(self) -> str:
        """Why this score places no income, and what the officer does instead."""
        from households.classification import gettext

        return gettext(
            "The Phiếu B1 table is incomplete (UNCONFIRMED): %(score)s points are not above "
            "%(top)s, and the items still missing could add points, so the score cannot place "
            "the income. Choose “Income typed by the officer” and enter the income per person."
        ) % {"score": self.total, "top": self.card.top_threshold}


class UnansweredItems(ValueError):
    """B1 items without an answer; `keys` names them in the table's order."""

    def __init__(self, message: str, keys: tuple[str, ...]) -> None:
        super().__init__(message)
        self.keys = keys


@dataclass(frozen=True)
class Tally:
    """The answers given so far: the items answered with their points, and those left blank."""

    lines: tuple[ItemScore, ...]
    missing: tuple[ScoreItem, ...]

    @property
    def points(self) -> int:
        return sum(line.option.points for line in self.lines)


def tally(card: ScoreCard, answers: Mapping[str, str]) -> Tally:
    """Read the answers {item key: option key} against `card`, blanks allowed (the live
    preview's running total); an item or answer the table does not have raises ValueError."""
    from households.classification import gettext

    unknown = sorted(set(answers) - {item.key for item in card.items})
    if unknown:
        raise ValueError(
            gettext("Unknown B1 items: %(keys)s.") % {"keys": ", ".join(map(repr, unknown))}
        )
    lines: list[ItemScore] = []
    missing: list[ScoreItem] = []
    for item in card.items:
        chosen = answers.get(item.key)
        if not chosen:
            missing.append(item)
            continue
        option = item.option(chosen) if isinstance(chosen, str) else None
        if option is None:
            raise ValueError(
                gettext("%(value)s is not an answer to the B1 item “%(item)s”.")
                % {"value": repr(chosen), "item": item.label}
            )
        lines.append(ItemScore(item, option))
    return Tally(lines=tuple(lines), missing=tuple(missing))


def score_b1(card: ScoreCard, answers: Mapping[str, str]) -> B1Score:
    """Score a household on `card` from its answers {item key: option key}.

    Every item must be answered with one of its options; anything else raises ValueError
    (`UnansweredItems` for items left blank), so a score is never made of a partial answer.
    """
    from households.classification import gettext

    counted = tally(card, answers)
    if counted.missing:
        raise UnansweredItems(
            gettext("Answer every B1 item; unanswered: %(items)s.")
            % {"items": "; ".join(str(item.label) for item in counted.missing)},
            tuple(item.key for item in counted.missing),
        )
    total = counted.points
    return B1Score(card=card, lines=counted.lines, total=total, band=card.band(total))


@dataclass(frozen=True)
class ScreeningCriterion:
    """One Phiếu A criterion: a household that has it is clearly not poor."""

    key: str
    label: Label = field(compare=False)


def screened_out_by(
    criteria: Iterable[ScreeningCriterion], ticked: Iterable[str]
) -> tuple[ScreeningCriterion, ...]:
    """The Phiếu A criteria the household meets, in the form's order; any one screens it out.

    Raises ValueError for a key the form does not have.
    """
    from households.classification import gettext

    criteria = tuple(criteria)
    ticked = set(ticked)
    unknown = sorted(ticked - {c.key for c in criteria})
    if unknown:
        raise ValueError(
            gettext("Unknown Phiếu A criteria: %(keys)s.") % {"keys": ", ".join(map(repr, unknown))}
        )
    return tuple(c for c in criteria if c.key in ticked)
