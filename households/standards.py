"""The poverty standards of the database, as the engine's `PovertyStandard`s.

`registry()` reads every `Standard` with its lines, dimensions and indicators (four queries)
into `households.classification`'s dataclasses and keeps them for the life of the process;
`households.apps` installs it as the engine's source, so `get_standard(code)`,
`standard_for_date(day)` and `classify(standard=code)` read the database's standards.
`score_card(code, area)` and `screening_criteria(code)` read a standard's Phiếu B1 tables and
Phiếu A criteria (`households.phieu`) the same way. A save or delete of any of those rows
empties the caches (`clear_cache`); standards change by data migration, which a deployment
follows with a restart, so every process reads them again.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.functional import lazy

from households.classification import (
    Area,
    AreaThresholds,
    Dimension,
    Indicator,
    Label,
    PovertyStandard,
    RuleKind,
)
from households.phieu import ScoreCard, ScoreItem, ScoreOption, ScreeningCriterion

_cache: Mapping[str, PovertyStandard] | None = None
_Cards = dict[tuple[str, Area], ScoreCard]
_Criteria = dict[str, tuple[ScreeningCriterion, ...]]
_phieu: tuple[_Cards, _Criteria] | None = None
# Counts the times the rows changed in this process (tests use it to drop what they added).
changes = 0


def _in_language(vietnamese: str, english: str) -> str:
    language = translation.get_language() or "vi"
    return english if language.startswith("en") and english else vietnamese


_localised = lazy(_in_language, str)


def text(vietnamese: str, english: str) -> Label:
    """A text that reads in the active language: the official Vietnamese, or the English."""
    return _localised(vietnamese, english)


def registry() -> Mapping[str, PovertyStandard]:
    """Every standard of the database by code, in order of validity; read once per process."""
    global _cache
    if _cache is None:
        _cache = _load()
    return _cache


def is_loaded() -> bool:
    return _cache is not None


def clear_cache(**_kwargs: Any) -> None:
    """Forget the standards read (a signal receiver: any save or delete of their rows)."""
    global _cache, _phieu, changes
    _cache = None
    _phieu = None
    changes += 1


def _load() -> Mapping[str, PovertyStandard]:
    from households.models import Standard, StandardDimension, StandardIndicator, StandardLine

    rows = list(Standard.objects.order_by("valid_from", "code"))
    lines: dict[int, dict[Area, AreaThresholds]] = {row.pk: {} for row in rows}
    for line in StandardLine.objects.all():
        lines[line.standard_id][Area(line.area)] = AreaThresholds(
            poverty_line=line.poverty_line,
            near_poverty_line=line.near_poverty_line,
            average_living_line=line.average_living_line,
        )
    dimensions: dict[int, list[StandardDimension]] = {row.pk: [] for row in rows}
    for dimension in StandardDimension.objects.order_by("order", "key"):
        dimensions[dimension.standard_id].append(dimension)
    keys = {d.pk: d.key for ds in dimensions.values() for d in ds}
    indicators: dict[int, list[Indicator]] = {row.pk: [] for row in rows}
    for indicator in StandardIndicator.objects.order_by("order", "key"):
        indicators[indicator.standard_id].append(
            Indicator(
                key=indicator.key,
                dimension=keys[indicator.dimension_id],
                label=text(indicator.label, indicator.label_en),
                threshold_text=text(indicator.threshold_text, indicator.threshold_text_en),
                derivation=indicator.derivation,
            )
        )
    loaded = {
        row.code: PovertyStandard(
            code=row.code,
            name=text(row.name, row.name_en),
            legal_basis=text(row.legal_basis, row.legal_basis_en),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            thresholds=lines[row.pk],
            dimensions=tuple(
                Dimension(d.key, text(d.label, d.label_en)) for d in dimensions[row.pk]
            ),
            indicators=tuple(indicators[row.pk]),
            min_deprivations=row.min_deprivations,
            rule=RuleKind(row.rule),
        )
        for row in rows
    }
    return MappingProxyType(loaded)


def score_card(code: str, area: Area | str) -> ScoreCard | None:
    """The Phiếu B1 table of standard `code` for `area`, or None when the standard has none."""
    return phieu_tables()[0].get((code, Area(area)))


def screening_criteria(code: str) -> tuple[ScreeningCriterion, ...]:
    """The Phiếu A criteria of standard `code`, in the form's order (none: no Phiếu A)."""
    return phieu_tables()[1].get(code, ())


def phieu_tables() -> tuple[_Cards, _Criteria]:
    global _phieu
    if _phieu is None:
        _phieu = _load_phieu()
    return _phieu


def _load_phieu() -> tuple[_Cards, _Criteria]:
    """Every B1 table with its items and options, and every Phiếu A criterion (four queries)."""
    from households.models import ScoreCard as CardRow
    from households.models import ScoreItem as ItemRow
    from households.models import ScoreOption as OptionRow
    from households.models import ScreeningCriterion as CriterionRow

    options: dict[int, list[ScoreOption]] = {}
    for option in OptionRow.objects.order_by("order", "key"):
        options.setdefault(option.item_id, []).append(
            ScoreOption(
                key=option.key, label=text(option.label, option.label_en), points=option.points
            )
        )
    items: dict[int, list[ScoreItem]] = {}
    for item in ItemRow.objects.order_by("order", "key"):
        items.setdefault(item.card_id, []).append(
            ScoreItem(
                key=item.key,
                label=text(item.label, item.label_en),
                options=tuple(options.get(item.pk, ())),
            )
        )
    cards = {
        (row.standard.code, Area(row.area)): ScoreCard(
            standard_code=row.standard.code,
            area=Area(row.area),
            region=row.region,
            name=text(row.name, row.name_en),
            items=tuple(items.get(row.pk, ())),
            poor_max=row.poor_max_score,
            near_poor_max=row.near_poor_max_score,
            deprivation_points=row.deprivation_points,
            complete=row.complete,
        )
        for row in CardRow.objects.select_related("standard")
    }
    criteria: dict[str, list[ScreeningCriterion]] = {}
    for criterion in CriterionRow.objects.select_related("standard").order_by("order", "key"):
        criteria.setdefault(criterion.standard.code, []).append(
            ScreeningCriterion(key=criterion.key, label=text(criterion.label, criterion.label_en))
        )
    return cards, {code: tuple(found) for code, found in criteria.items()}


def connect() -> None:
    """Empty the cache whenever a standard's rows change (called by `households.apps`)."""
    from households.models import (
        ScoreCard,
        ScoreItem,
        ScoreOption,
        ScreeningCriterion,
        Standard,
        StandardDimension,
        StandardIndicator,
        StandardLine,
    )

    for model in (
        Standard,
        StandardLine,
        StandardDimension,
        StandardIndicator,
        ScoreCard,
        ScoreItem,
        ScoreOption,
        ScreeningCriterion,
    ):
        post_save.connect(clear_cache, sender=model, dispatch_uid=f"standards-{model.__name__}")
        post_delete.connect(
            clear_cache, sender=model, dispatch_uid=f"standards-del-{model.__name__}"
        )
