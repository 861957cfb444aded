"""Poverty classification engine: the one place where a household's status is decided.

Implements the two rules national poverty standards have used (``RuleKind``):

- Article 2 of Decision 59/2015/QĐ-TTg (standard 2016–2020, REFERENCE.md §1.2–1.5), with the
  N1/N2 split of poor households of REFERENCE.md §2.3;
- Decree 07/2021/NĐ-CP (2022–2025) and Decree 351/2025/NĐ-CP (2026–2030), REFERENCE.md §7:
  income at or below the line and at least ``min_deprivations`` deprived indicators.

Pure code: no ORM, no settings read at import time. A poverty standard is data
(``PovertyStandard``): the app keeps its standards in the database (``households.standards``
loads them and installs them here with ``use_standards`` once Django is set up), so a later
standard is a data migration, not a change to ``classify`` or its callers. Without Django the
engine knows only ``STANDARD_2016_2020``, the Decision 59 standard the database's rows were
copied from (migration 0013; ``tests/households/test_standards.py`` holds them equal).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from types import MappingProxyType
from typing import TypeAlias

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from giamngheo.formatting import format_vnd
from households.phieu import B1Score, IncomeBand, ScreeningCriterion

Label: TypeAlias = str | Promise


# These shadow Django's names on purpose: makemessages (xgettext) extracts the literals passed to
# `gettext(...)`, `ngettext(...)` and `gettext_noop(...)`, and would miss a `_gettext(...)`.
# Django's own versions need configured settings, which a pure engine must not require.
def gettext_noop(message: str) -> str:
    """Mark ``message`` for extraction only; it is translated later, at call time."""
    return message


def gettext(message: str) -> str:
    """Translate at call time once Django is set up; return ``message`` unchanged otherwise."""
    return translation.gettext(message) if apps.ready else message


def ngettext(singular: str, plural: str, number: int) -> str:
    """Plural-aware ``gettext`` with the same no-Django fallback (English plural rule)."""
    if apps.ready:
        return translation.ngettext(singular, plural, number)
    return singular if number == 1 else plural


class Area(enum.StrEnum):
    """Which set of income lines applies: wards use urban, communes rural (REFERENCE.md §1.5)."""

    URBAN = "urban"
    RURAL = "rural"

    @property
    def label(self) -> Label:
        return _AREA_LABELS[self]


class Status(enum.StrEnum):
    """Household categories of Decision 59/2015/QĐ-TTg Article 2 (REFERENCE.md §1.3)."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE_LIVING = "average_living"
    NOT_POOR = "not_poor"

    @property
    def label(self) -> Label:
        return _STATUS_LABELS[self]


class PoorGroup(enum.StrEnum):
    """N1 = poor by income, N2 = poor by multidimensional deprivation (REFERENCE.md §2.3)."""

    N1 = "N1"
    N2 = "N2"

    @property
    def label(self) -> Label:
        return _POOR_GROUP_LABELS[self]


class RuleKind(enum.StrEnum):
    """How a standard turns income and deprivations into a status; each standard names one.

    The engine has one branch per rule kind, never one per year (REFERENCE.md §1.5, §7).
    """

    # Decision 59/2015/QĐ-TTg: poor by income alone (N1), or in the band up to the near-poverty
    # line with at least `min_deprivations` deprivations (N2); near-poor in that band with fewer.
    INCOME_OR_DEPRIVATIONS = "income_or_deprivations"
    # Decree 07/2021/NĐ-CP on: at or below the one income line, poor with at least
    # `min_deprivations` deprivations, near-poor with fewer; above it neither (no N1/N2).
    INCOME_AND_DEPRIVATIONS = "income_and_deprivations"

    @property
    def label(self) -> Label:
        return _RULE_LABELS[self]


_AREA_VALUES = frozenset(a.value for a in Area)
_AREA_LABELS: dict[Area, Label] = {Area.URBAN: _("Urban"), Area.RURAL: _("Rural")}
# Lower-case forms used inside explanation sentences.
_AREA_IN_SENTENCE: dict[Area, str] = {
    Area.URBAN: gettext_noop("urban"),
    Area.RURAL: gettext_noop("rural"),
}
_STATUS_LABELS: dict[Status, Label] = {
    Status.POOR: _("Poor household"),
    Status.NEAR_POOR: _("Near-poor household"),
    Status.AVERAGE_LIVING: _("Average living standard household"),
    Status.NOT_POOR: _("Not poor"),
}
_POOR_GROUP_LABELS: dict[PoorGroup, Label] = {
    PoorGroup.N1: _("Group N1 (income poverty)"),
    PoorGroup.N2: _("Group N2 (multidimensional deprivation)"),
}
_RULE_LABELS: dict[RuleKind, Label] = {
    RuleKind.INCOME_OR_DEPRIVATIONS: _(
        "2016–2020: poor by income (N1), or income up to the near-poverty line with at least "
        "the minimum number of deprivations (N2)"
    ),
    RuleKind.INCOME_AND_DEPRIVATIONS: _(
        "2022 on: income up to the poverty line and at least the minimum number of deprivations"
    ),
}


@dataclass(frozen=True)
class AreaThresholds:
    """Income lines in VND per person per month; each line is inclusive (REFERENCE.md §1.3).

    A standard of the ``INCOME_AND_DEPRIVATIONS`` rule has one line for the poor and the
    near-poor (``near_poverty_line`` None) and an average-living line only where its text
    sets one (``average_living_line`` None otherwise).
    """

    poverty_line: int
    near_poverty_line: int | None = None
    average_living_line: int | None = None

    def __post_init__(self) -> None:
        lines = [self.poverty_line, self.near_poverty_line, self.average_living_line]
        given = [line for line in lines if line is not None]
        increasing = all(a < b for a, b in pairwise(given))
        if not (given[0] > 0 and increasing):
            raise ValueError(f"Income lines must be positive and strictly increasing: {self!r}")


@dataclass(frozen=True)
class Dimension:
    """One basic social service (REFERENCE.md §1.4)."""

    key: str
    label: Label = field(compare=False)


@dataclass(frozen=True)
class Indicator:
    """One deprivation indicator; ``dimension`` is the key of its ``Dimension``.

    ``derivation`` names the rule of ``households.roster`` that derives it from the members
    ("" when the officer records it).
    """

    key: str
    dimension: str
    label: Label = field(compare=False)
    threshold_text: Label = field(compare=False)
    derivation: str = ""


@dataclass(frozen=True)
class PovertyStandard:
    """A national poverty standard as data: income lines per area plus the indicator list."""

    code: str
    name: Label = field(compare=False)
    legal_basis: Label = field(compare=False)
    valid_from: date
    valid_to: date | None
    thresholds: Mapping[Area, AreaThresholds] = field(hash=False)
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    min_deprivations: int = 3
    rule: RuleKind = RuleKind.INCOME_OR_DEPRIVATIONS

    def __post_init__(self) -> None:
        # Freeze the containers so a registered standard cannot be mutated by a caller.
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        object.__setattr__(self, "indicators", tuple(self.indicators))
        if set(self.thresholds) != set(Area):
            raise ValueError(f"{self.code}: thresholds needed for exactly {sorted(Area)}")
        dimension_keys = [d.key for d in self.dimensions]
        if len(set(dimension_keys)) != len(dimension_keys):
            raise ValueError(f"{self.code}: duplicate dimension keys")
        if len(set(self.indicator_keys)) != len(self.indicator_keys):
            raise ValueError(f"{self.code}: duplicate indicator keys")
        orphans = [i.key for i in self.indicators if i.dimension not in dimension_keys]
        if orphans:
            raise ValueError(f"{self.code}: indicators with an unknown dimension: {orphans}")
        if not 1 <= self.min_deprivations <= len(self.indicators):
            raise ValueError(f"{self.code}: min_deprivations out of range")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.code}: valid_to is before valid_from")
        object.__setattr__(self, "rule", RuleKind(self.rule))
        for area, lines in self.thresholds.items():
            if self.rule is RuleKind.INCOME_OR_DEPRIVATIONS and (
                lines.near_poverty_line is None or lines.average_living_line is None
            ):
                raise ValueError(
                    f"{self.code}: the {self.rule} rule needs a near-poverty and an "
                    f"average-living line ({area})"
                )
            if self.rule is RuleKind.INCOME_AND_DEPRIVATIONS and lines.near_poverty_line:
                raise ValueError(
                    f"{self.code}: the {self.rule} rule has one line for the poor and the "
                    f"near-poor, not a near-poverty line ({area})"
                )

    @property
    def indicator_keys(self) -> tuple[str, ...]:
        return tuple(i.key for i in self.indicators)

    @property
    def derived_keys(self) -> frozenset[str]:
        """The indicators `households.roster` derives from the members under this standard."""
        return frozenset(i.key for i in self.indicators if i.derivation)

    @property
    def has_poor_groups(self) -> bool:
        """Whether poor households are split into N1 and N2 (Decision 59/2015 only)."""
        return self.rule is RuleKind.INCOME_OR_DEPRIVATIONS

    def statuses(self) -> tuple[Status, ...]:
        """The statuses this standard can give, in the order of `Status`."""
        if self.rule is RuleKind.INCOME_OR_DEPRIVATIONS:
            return tuple(Status)
        has_average = any(t.average_living_line for t in self.thresholds.values())
        return tuple(s for s in Status if has_average or s is not Status.AVERAGE_LIVING)

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    def indicators_by_dimension(self) -> dict[str, tuple[Indicator, ...]]:
        """Indicators grouped under their dimension key, both in declaration order."""
        return {
            d.key: tuple(i for i in self.indicators if i.dimension == d.key)
            for d in self.dimensions
        }

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- Decision 59/2015/QĐ-TTg, standard 2016–2020 ------------------------------------------
# The engine's own copy, for use without a database. The app reads the database's rows
# (households.standards), which migration 0013 wrote from this; a correction is a data
# migration, and this copy follows it (tests/households/test_standards.py compares them).
# Income lines (VND/person/month, REFERENCE.md §1.2). The upper bound of "average living" and
# its inclusive boundary are UNCONFIRMED (§1.3).
THRESHOLDS_2016_2020: Mapping[Area, AreaThresholds] = {
    Area.URBAN: AreaThresholds(
        poverty_line=900_000, near_poverty_line=1_300_000, average_living_line=1_950_000
    ),
    Area.RURAL: AreaThresholds(
        poverty_line=700_000, near_poverty_line=1_000_000, average_living_line=1_500_000
    ),
}

STANDARD_2016_2020 = PovertyStandard(
    code="2016-2020",
    name=_("Multidimensional poverty standard 2016–2020"),
    legal_basis=_("Decision 59/2015/QĐ-TTg of 19/11/2015, Article 2"),
    # Applies from 01/01/2016; Decree 07/2021/NĐ-CP kept it for 2021 (REFERENCE.md §1.1).
    valid_from=date(2016, 1, 1),
    valid_to=date(2021, 12, 31),
    thresholds=THRESHOLDS_2016_2020,
    dimensions=(
        Dimension("health", _("Health")),
        Dimension("education", _("Education")),
        Dimension("housing", _("Housing")),
        Dimension("water_sanitation", _("Clean water and sanitation")),
        Dimension("information", _("Access to information")),
    ),
    # Deprivation wording is UNCONFIRMED (REFERENCE.md §1.4): officers record booleans.
    indicators=(
        Indicator(
            key="health_access",
            dimension="health",
            label=_("Access to health services"),
            threshold_text=_(
                "A member was seriously ill (bed-bound, needing care, or unable to work or study) "
                "and did not get medical treatment."
            ),
        ),
        Indicator(
            key="health_insurance",
            dimension="health",
            label=_("Health insurance"),
            threshold_text=_("At least one member aged 6 or over has no health-insurance card."),
            derivation="insurance_6_plus",
        ),
        Indicator(
            key="adult_education",
            dimension="education",
            label=_("Adult education level"),
            threshold_text=_(
                "At least one member aged 15 or over, born in 1986 or later, has not finished "
                "lower-secondary school and is not in school."
            ),
            derivation="adult_education_born_1986",
        ),
        Indicator(
            key="child_school_attendance",
            dimension="education",
            label=_("School attendance of children"),
            threshold_text=_(
                "At least one child of school age (5 to under 15) is not attending school."
            ),
            derivation="school_5_to_14",
        ),
        Indicator(
            key="housing_quality",
            dimension="housing",
            label=_("Housing quality"),
            threshold_text=_(
                "The dwelling is not durable (at least 2 of wall, pillars and roof are made of "
                "non-durable material)."
            ),
        ),
        Indicator(
            key="housing_area",
            dimension="housing",
            label=_("Housing area per person"),
            threshold_text=_("Floor area per person is below 8 m²."),
        ),
        Indicator(
            key="water_source",
            dimension="water_sanitation",
            label=_("Domestic water source"),
            threshold_text=_("The household has no access to a hygienic water source."),
        ),
        Indicator(
            key="sanitation",
            dimension="water_sanitation",
            label=_("Hygienic latrine"),
            threshold_text=_("The household does not use a hygienic latrine."),
        ),
        Indicator(
            key="telecom",
            dimension="information",
            label=_("Use of telecommunication services"),
            threshold_text=_("No member uses a phone subscription or the internet."),
        ),
        Indicator(
            key="information_assets",
            dimension="information",
            label=_("Assets for access to information"),
            threshold_text=_(
                "The household has no TV, radio or computer and cannot hear the commune or "
                "village loudspeaker system."
            ),
        ),
    ),
    min_deprivations=3,
)

# The standards the engine knows without a database: Decision 59's, for scripts and for use
# before Django is set up. Once it is, `households.standards` installs the database's.
BUILT_IN_STANDARDS: Mapping[str, PovertyStandard] = MappingProxyType(
    {STANDARD_2016_2020.code: STANDARD_2016_2020}
)
DEFAULT_STANDARD = "2016-2020"

_source: Callable[[], Mapping[str, PovertyStandard]] | None = None


def use_standards(source: Callable[[], Mapping[str, PovertyStandard]] | None) -> None:
    """Read the standards from ``source`` (code → standard) once Django is set up.

    ``households.apps`` installs the database's loader; ``None`` goes back to the built-in.
    """
    global _source
    _source = source


def standards() -> Mapping[str, PovertyStandard]:
    """Every standard known, by code: the installed source's once Django is set up."""
    if _source is not None and apps.ready:
        return _source()
    return BUILT_IN_STANDARDS


class _Standards(Mapping[str, PovertyStandard]):
    """``STANDARDS``: a read-only live view of ``standards()``."""

    def __getitem__(self, code: str) -> PovertyStandard:
        return standards()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(standards())

    def __len__(self) -> int:
        return len(standards())


STANDARDS: Mapping[str, PovertyStandard] = _Standards()


def get_standard(code: str) -> PovertyStandard:
    """Return the standard with this code, or raise ``ValueError``."""
    known = standards()
    try:
        return known[code]
    except (KeyError, TypeError):
        raise ValueError(
            gettext("Unknown poverty standard %(code)s; known standards: %(known)s.")
            % {"code": repr(code), "known": ", ".join(sorted(known))}
        ) from None


def indicators_by_key() -> dict[str, Indicator]:
    """Every indicator of every standard by key; a key several standards share takes the
    wording of the latest (they measure the same thing: one assessment column each)."""
    found: dict[str, Indicator] = {}
    for standard in sorted(standards().values(), key=lambda s: s.valid_from):
        found.update((i.key, i) for i in standard.indicators)
    return found


def dimensions_by_key() -> dict[str, tuple[Dimension, tuple[str, ...]]]:
    """Every dimension of every standard by key, with the keys of its indicators in any
    standard (the earliest standard's first); the label is the latest standard's."""
    found: dict[str, tuple[Dimension, tuple[str, ...]]] = {}
    for standard in sorted(standards().values(), key=lambda s: s.valid_from):
        for dimension in standard.dimensions:
            before = found.get(dimension.key, (dimension, ()))[1]
            added = [
                i.key
                for i in standard.indicators
                if i.dimension == dimension.key and i.key not in before
            ]
            found[dimension.key] = (dimension, (*before, *added))
    return found


def standard_for_date(day: date) -> PovertyStandard:
    """Return the standard in force on ``day`` (the latest one if several overlap)."""
    candidates = [s for s in standards().values() if s.is_valid_on(day)]
    if not candidates:
        raise ValueError(
            gettext("No poverty standard is in force on %(date)s.")
            % {"date": day.strftime("%d/%m/%Y")}
        )
    return max(candidates, key=lambda s: s.valid_from)


@dataclass(frozen=True)
class Classification:
    """The outcome of ``classify``, with everything needed to show how it was reached."""

    status: Status
    poor_group: PoorGroup | None
    deprivation_count: int
    explanation: str
    area: Area
    # None when the income was estimated by Phiếu B1 (`b1`) or not needed (`screened_out`).
    income_per_capita: int | None
    deprivations: frozenset[str]
    standard_code: str
    thresholds: AreaThresholds
    b1: B1Score | None = None
    screened_out: tuple[ScreeningCriterion, ...] = ()

    @property
    def is_poor(self) -> bool:
        return self.status is Status.POOR


class _Unset(enum.Enum):
    UNSET = enum.auto()


class _IncomeBand(enum.Enum):
    """Where the income stands against the standard's lines, typed or estimated by Phiếu B1."""

    AT_OR_BELOW_POVERTY = enum.auto()
    UP_TO_NEAR_POVERTY = enum.auto()
    UP_TO_AVERAGE_LIVING = enum.auto()
    ABOVE = enum.auto()


_FROM_B1 = {
    IncomeBand.AT_OR_BELOW_POVERTY_LINE: _IncomeBand.AT_OR_BELOW_POVERTY,
    IncomeBand.BETWEEN_LINES: _IncomeBand.UP_TO_NEAR_POVERTY,
    # The score places the income above the lines, not against the average-living line, which
    # Phiếu B does not measure: such a household is "not poor" on this route.
    IncomeBand.ABOVE: _IncomeBand.ABOVE,
}


def classify(
    *,
    area: str,
    income_per_capita: int | None = None,
    deprivations: Iterable[str] | Mapping[str, bool],
    standard: str | PovertyStandard | _Unset = _Unset.UNSET,
    on: date | None = None,
    b1: B1Score | None = None,
    screened_out: Sequence[ScreeningCriterion] = (),
) -> Classification:
    """Classify a household under a poverty standard (REFERENCE.md §1.5, §3.3–3.4, §7).

    ``standard`` is a standard or its code, or ``on`` the day whose standard in force applies
    (``standard_for_date``); with neither, Decision 59/2015's. ``deprivations`` is either the
    keys of the deprived indicators or a mapping ``{key: deprived}``. Lines are inclusive.

    The income is either typed (``income_per_capita``) or estimated by Phiếu B1 (``b1``, scored
    on the standard's table for ``area`` by ``households.phieu.score_b1``; a score a partial
    table cannot place, band ``UNDETERMINED``, raises ValueError), exactly one of them;
    a household screened out by Phiếu A (``screened_out``, the criteria it meets) is not poor
    and needs neither.

    - ``INCOME_OR_DEPRIVATIONS`` (Decision 59/2015/QĐ-TTg Art. 2): income ≤ poverty line is poor
      (N1) whatever the deprivations; income ≤ near-poverty line is poor (N2) with at least
      ``min_deprivations`` deprived indicators, else near-poor; above that, only income counts.
    - ``INCOME_AND_DEPRIVATIONS`` (Decree 07/2021/NĐ-CP on): income ≤ poverty line is poor with
      at least ``min_deprivations`` deprived indicators, else near-poor; above it, neither
      (average living up to that line where the standard has one, else not poor).

    Raises ``ValueError`` on any invalid input.
    """
    std = _resolve_standard(standard, on)
    area_ = _parse_area(area)
    deprived = _parse_deprivations(deprivations, std)
    lines = std.thresholds[area_]
    count = len(deprived)
    screened = tuple(screened_out)
    income: int | None = None
    if screened:
        band = _IncomeBand.ABOVE
        if b1 is not None or income_per_capita is not None:
            raise ValueError(
                gettext("A household screened out by Phiếu A has no income to classify.")
            )
    elif b1 is not None:
        if income_per_capita is not None:
            raise ValueError(gettext("Give either the income or the Phiếu B1 score, not both."))
        _check_card(b1, std, area_)
        if not b1.decided:
            raise ValueError(b1.undetermined_reason())
        band = _FROM_B1[b1.band]
    else:
        income = _parse_income(income_per_capita)
        band = _income_band(income, lines, std)
    status, poor_group = _decide(std, band, count)
    if screened:
        explanation = _explain_screened(screened)
    elif b1 is not None:
        explanation = _explain_b1(status, poor_group, area_, count, lines, std, b1)
    else:
        assert income is not None
        explanation = _explain(status, poor_group, area_, income, count, lines, std)
    return Classification(
        status=status,
        poor_group=poor_group,
        deprivation_count=count,
        explanation=explanation,
        area=area_,
        income_per_capita=income,
        deprivations=deprived,
        standard_code=std.code,
        thresholds=lines,
        b1=b1,
        screened_out=screened,
    )


def _income_band(income: int, lines: AreaThresholds, std: PovertyStandard) -> _IncomeBand:
    if income <= lines.poverty_line:
        return _IncomeBand.AT_OR_BELOW_POVERTY
    if std.rule is RuleKind.INCOME_OR_DEPRIVATIONS:
        assert lines.near_poverty_line is not None
        if income <= lines.near_poverty_line:
            return _IncomeBand.UP_TO_NEAR_POVERTY
    if lines.average_living_line is not None and income <= lines.average_living_line:
        return _IncomeBand.UP_TO_AVERAGE_LIVING
    return _IncomeBand.ABOVE


def _decide(std: PovertyStandard, band: _IncomeBand, count: int) -> tuple[Status, PoorGroup | None]:
    """The standard's rule: the status of an income band with `count` deprivations."""
    if band is _IncomeBand.AT_OR_BELOW_POVERTY:
        if std.rule is RuleKind.INCOME_OR_DEPRIVATIONS:
            return Status.POOR, PoorGroup.N1
        return (Status.POOR if count >= std.min_deprivations else Status.NEAR_POOR), None
    if band is _IncomeBand.UP_TO_NEAR_POVERTY:
        if count >= std.min_deprivations:
            return Status.POOR, PoorGroup.N2
        return Status.NEAR_POOR, None
    if band is _IncomeBand.UP_TO_AVERAGE_LIVING:
        return Status.AVERAGE_LIVING, None
    return Status.NOT_POOR, None


def _check_card(b1: B1Score, std: PovertyStandard, area: Area) -> None:
    card = b1.card
    if card.standard_code != std.code or card.area is not area:
        raise ValueError(
            gettext(
                "The B1 score was made on the table of %(card_standard)s (%(card_area)s), not "
                "on the one of %(standard)s (%(area)s)."
            )
            % {
                "card_standard": card.standard_code,
                "card_area": card.area,
                "standard": std.code,
                "area": area,
            }
        )
    if std.rule is RuleKind.INCOME_AND_DEPRIVATIONS and card.near_poor_max is not None:
        raise ValueError(
            gettext("A standard with one income line takes one B1 threshold (%(code)s).")
            % {"code": std.code}
        )


def _resolve_standard(standard: str | PovertyStandard | _Unset, on: date | None) -> PovertyStandard:
    if on is not None:
        in_force = standard_for_date(on)
        if standard is not _Unset.UNSET and _code_of(standard) != in_force.code:
            raise ValueError(
                gettext(
                    "Poverty standard %(code)s is not the one in force on %(date)s (%(in_force)s)."
                )
                % {
                    "code": repr(_code_of(standard)),
                    "date": on.strftime("%d/%m/%Y"),
                    "in_force": in_force.code,
                }
            )
        return standard if isinstance(standard, PovertyStandard) else in_force
    if standard is _Unset.UNSET:
        standard = DEFAULT_STANDARD
    return standard if isinstance(standard, PovertyStandard) else get_standard(standard)


def _code_of(standard: object) -> object:
    return standard.code if isinstance(standard, PovertyStandard) else standard


def _parse_area(area: object) -> Area:
    if isinstance(area, str) and area in _AREA_VALUES:
        return Area(area)
    raise ValueError(
        gettext("Unknown area %(value)s; expected one of: %(choices)s.")
        % {"value": repr(area), "choices": ", ".join(Area)}
    )


def _parse_income(income: object) -> int:
    # bool is an int subclass and 900000.0 == 900000, so check the type, not the value.
    if isinstance(income, bool) or not isinstance(income, int):
        raise ValueError(
            gettext("Income per capita must be a whole number of đồng, got %(value)s.")
            % {"value": repr(income)}
        )
    if income < 0:
        raise ValueError(
            gettext("Income per capita cannot be negative, got %(value)s.") % {"value": income}
        )
    return income


def _parse_deprivations(deprivations: object, std: PovertyStandard) -> frozenset[str]:
    # A bare string is iterable, so "telecom" would silently count as seven unknown letters.
    if isinstance(deprivations, str | bytes):
        raise ValueError(
            gettext(
                "Deprivations must be a collection of indicator keys, not the string %(value)s."
            )
            % {"value": repr(deprivations)}
        )
    if isinstance(deprivations, Mapping):
        given = list(deprivations)
        deprived = [key for key, value in deprivations.items() if value]
    elif isinstance(deprivations, Iterable):
        given = deprived = list(deprivations)
    else:
        raise ValueError(
            gettext("Deprivations must be a collection of indicator keys, got %(value)s.")
            % {"value": repr(deprivations)}
        )
    known = std.indicator_keys
    unknown = sorted({repr(k) for k in given if not isinstance(k, str) or k not in known})
    if unknown:
        raise ValueError(
            gettext("Unknown indicator keys: %(keys)s; standard %(standard)s expects: %(known)s.")
            % {"keys": ", ".join(unknown), "standard": std.code, "known": ", ".join(known)}
        )
    return frozenset(str(k) for k in deprived)


def _explain(
    status: Status,
    poor_group: PoorGroup | None,
    area: Area,
    income: int,
    count: int,
    lines: AreaThresholds,
    std: PovertyStandard,
) -> str:
    """Say why, citing the lines used; translated now, so in the active language."""
    params = {
        "income": format_vnd(income),
        "poverty_line": format_vnd(lines.poverty_line),
        "near_poverty_line": _vnd_or_dash(lines.near_poverty_line),
        "average_living_line": _vnd_or_dash(lines.average_living_line),
        "area": gettext(_AREA_IN_SENTENCE[area]),
        "count": count,
        "min": std.min_deprivations,
    }
    if std.rule is RuleKind.INCOME_AND_DEPRIVATIONS:
        params |= {"total": len(std.indicators), "standard": str(std.name)}
        return _explain_income_and_deprivations(status, lines) % params
    if poor_group is PoorGroup.N1:
        template = gettext(
            "Poor household – group N1: income %(income)s ≤ poverty line %(poverty_line)s "
            "(%(area)s)"
        )
    elif poor_group is PoorGroup.N2:
        template = ngettext(
            "Poor household – group N2: poverty line %(poverty_line)s < income %(income)s ≤ "
            "near-poverty line %(near_poverty_line)s (%(area)s) and deprived in %(count)s "
            "indicator (at least %(min)s)",
            "Poor household – group N2: poverty line %(poverty_line)s < income %(income)s ≤ "
            "near-poverty line %(near_poverty_line)s (%(area)s) and deprived in %(count)s "
            "indicators (at least %(min)s)",
            count,
        )
    elif status is Status.NEAR_POOR:
        template = ngettext(
            "Near-poor household: poverty line %(poverty_line)s < income %(income)s ≤ "
            "near-poverty line %(near_poverty_line)s (%(area)s) and deprived in %(count)s "
            "indicator (fewer than %(min)s)",
            "Near-poor household: poverty line %(poverty_line)s < income %(income)s ≤ "
            "near-poverty line %(near_poverty_line)s (%(area)s) and deprived in %(count)s "
            "indicators (fewer than %(min)s)",
            count,
        )
    elif status is Status.AVERAGE_LIVING:
        template = gettext(
            "Average living standard household: near-poverty line %(near_poverty_line)s < "
            "income %(income)s ≤ average-living line %(average_living_line)s (%(area)s); "
            "deprivations do not count above the near-poverty line"
        )
    else:
        template = gettext(
            "Not poor: income %(income)s > average-living line %(average_living_line)s (%(area)s)"
        )
    return template % params


def _vnd_or_dash(amount: int | None) -> str:
    return "—" if amount is None else format_vnd(amount)


def _explain_income_and_deprivations(status: Status, lines: AreaThresholds) -> str:
    """The sentence of the Decree 07/2021 rule: income against the one line, then the count."""
    if status is Status.POOR:
        return gettext(
            "Income %(income)s ≤ poverty line %(poverty_line)s (%(area)s) and deprived in "
            "%(count)s/%(total)s indicators ≥ %(min)s → poor household (%(standard)s)"
        )
    if status is Status.NEAR_POOR:
        return gettext(
            "Income %(income)s ≤ poverty line %(poverty_line)s (%(area)s) and deprived in "
            "%(count)s/%(total)s indicators < %(min)s → near-poor household (%(standard)s)"
        )
    if status is Status.AVERAGE_LIVING:
        return gettext(
            "Poverty line %(poverty_line)s < income %(income)s ≤ average-living line "
            "%(average_living_line)s (%(area)s) → average living standard household; "
            "deprivations do not count above the poverty line (%(standard)s)"
        )
    if lines.average_living_line is not None:
        return gettext(
            "Income %(income)s > average-living line %(average_living_line)s (%(area)s) → "
            "not poor (%(standard)s)"
        )
    return gettext(
        "Income %(income)s > poverty line %(poverty_line)s (%(area)s) → neither poor nor "
        "near-poor; deprivations do not count above the poverty line (%(standard)s)"
    )


def _explain_screened(criteria: tuple[ScreeningCriterion, ...]) -> str:
    """Why Phiếu A left the household out of the review."""
    return gettext(
        "Not poor: screened out by Phiếu A (quick screening) – the household has: %(criteria)s"
    ) % {"criteria": "; ".join(str(c.label) for c in criteria)}


def _explain_b1(
    status: Status,
    poor_group: PoorGroup | None,
    area: Area,
    count: int,
    lines: AreaThresholds,
    std: PovertyStandard,
    b1: B1Score,
) -> str:
    """Say why on the Phiếu B route: the B1 score against the table's thresholds, the income
    band it stands for, then B2 (deprivations × points) against the standard's minimum."""
    card = b1.card
    params = {
        "score": b1.total,
        "poor_max": card.poor_max,
        "near_poor_max": "—" if card.near_poor_max is None else card.near_poor_max,
        "poverty_line": format_vnd(lines.poverty_line),
        "near_poverty_line": _vnd_or_dash(lines.near_poverty_line),
        "area": gettext(_AREA_IN_SENTENCE[area]),
        "count": count,
        "points": card.deprivation_points,
        "b2": count * card.deprivation_points,
        "b2_min": std.min_deprivations * card.deprivation_points,
        "min": std.min_deprivations,
    }
    if b1.band is IncomeBand.AT_OR_BELOW_POVERTY_LINE:
        income = gettext(
            "B1 = %(score)s points ≤ %(poor_max)s → income not above the %(area)s poverty line "
            "%(poverty_line)s"
        )
    elif b1.band is IncomeBand.BETWEEN_LINES:
        income = gettext(
            "B1: %(poor_max)s < %(score)s points ≤ %(near_poor_max)s → income above the "
            "%(area)s poverty line %(poverty_line)s, not above the near-poverty line "
            "%(near_poverty_line)s"
        )
    elif card.near_poor_max is not None:
        income = gettext(
            "B1 = %(score)s points > %(near_poor_max)s → income above the %(area)s "
            "near-poverty line %(near_poverty_line)s"
        )
    else:
        income = gettext(
            "B1 = %(score)s points > %(poor_max)s → income above the %(area)s poverty line "
            "%(poverty_line)s"
        )
    b2 = gettext("B2 = %(count)s × %(points)s = %(b2)s points")
    comparison = ""
    if poor_group is PoorGroup.N1:
        outcome = gettext("poor household – group N1")
    elif status is Status.POOR:
        comparison = gettext("≥ %(b2_min)s (at least %(min)s deprivations)")
        outcome = gettext("poor household – group N2") if poor_group else gettext("poor household")
    elif status is Status.NEAR_POOR:
        comparison = gettext("< %(b2_min)s (fewer than %(min)s deprivations)")
        outcome = gettext("near-poor household")
    else:
        outcome = gettext("neither poor nor near-poor")
    sentence = f"{income}; {b2} {comparison}" if comparison else income
    sentence = f"{sentence} → {outcome}"
    sentence = sentence % params + f" ({std.name})"
    if not card.complete:
        # `ScoreCard.band` places a partial table's score only above the lines.
        sentence += ". " + gettext(
            "Partial B1 table (UNCONFIRMED): the items still missing can only add points, so "
            "the income is above the lines whatever they give."
        )
    return sentence
