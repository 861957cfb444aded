"""fixtures/ holds the reference data the migrations load (issue 13): a freshly migrated
database holds exactly those rows (plus what later migrations say they change), so the files
and the database cannot drift apart; and a file changed after its migration landed is refused.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

import fixtures
from households.models import (
    District,
    PovertyCause,
    Quarter,
    ScoreCard,
    ScoreOption,
    ScreeningCriterion,
    Standard,
    StandardDimension,
    StandardIndicator,
    StandardLine,
    SupportNeed,
    UnitMerger,
    Ward,
)
from programs.models import Agency, Programme, ProgrammeRule

pytestmark = pytest.mark.django_db


def read(name: str) -> Any:
    return json.loads((fixtures.FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def unit(row: dict[str, Any]) -> tuple[str, ...]:
    return (row["code"], row["name"], row["name_folded"], row["kind"])


def test_the_units_are_the_fixtures() -> None:
    units_2016, units_2025 = read("units_2016"), read("units_2025")
    merger_day = datetime.date.fromisoformat(units_2025["effective_from"])
    former = {code for unit in units_2025["units"] for code in unit["predecessors"]}
    last_day = merger_day - datetime.timedelta(days=1)
    expected = {
        (*unit(u), order, "phan-thiet", None, last_day if u["code"] in former else None)
        for order, u in enumerate(units_2016["units"], start=1)
    } | {(*unit(u), u["display_order"], "lam-dong", merger_day, None) for u in units_2025["units"]}
    fields = ("code", "name", "name_folded", "kind", "display_order", "district__code")
    assert set(Ward.objects.values_list(*fields, "valid_from", "valid_to")) == expected
    assert set(District.objects.values_list("code", "name", "province")) == {
        tuple(units_2016["district"].values()),
        tuple(units_2025["parent"].values()),
    }
    assert set(
        UnitMerger.objects.values_list(
            "predecessor__code", "successor__code", "effective_from", "basis"
        )
    ) == {
        (code, u["code"], merger_day, units_2025["basis"])
        for u in units_2025["units"]
        for code in u["predecessors"]
    }
    quarters = []
    for u in units_2016["units"]:
        prefix, kind = ("Khu phố", "quarter") if u["kind"] == "ward" else ("Thôn", "hamlet")
        quarters += [(u["code"], f"{prefix} {n}", kind, n) for n in range(1, u["quarters"] + 1)]
    fields = ("ward__code", "name", "kind", "display_order")
    assert sorted(Quarter.objects.values_list(*fields)) == sorted(quarters)


def test_the_causes_and_needs_are_the_fixtures() -> None:
    for model, name, key in (
        (PovertyCause, "poverty_causes", "causes"),
        (SupportNeed, "support_needs", "needs"),
    ):
        assert (
            list(model.objects.order_by("display_order").values("code", "name", "name_en"))
            == read(name)[key]
        )


def test_the_agencies_and_programmes_are_the_fixtures() -> None:
    agencies = read("agencies")["agencies"]
    fields = list(agencies[0])
    assert list(Agency.objects.order_by("display_order").values(*fields)) == agencies

    # The dated rules of issue 9 correct some programmes' statuses and add one programme.
    rules = read("programme_rules_2016")
    programmes = {row["code"]: row for row in read("programmes")["programmes"]}
    added = rules["added_programme"]
    assert set(Programme.objects.values_list("code", flat=True)) == {*programmes, added["code"]}
    for order, (code, row) in enumerate(programmes.items(), start=1):
        expected = {**row, "agency__code": row["agency"], "display_order": order}
        del expected["agency"]
        corrected = rules["corrections"].get(code, {})
        if "eligible_statuses" in corrected:
            expected["eligible_statuses"] = corrected["eligible_statuses"]
        assert Programme.objects.filter(code=code).values(*expected).get() == expected
    expected = {**added, "agency__code": added["agency"]}
    del expected["agency"]
    assert Programme.objects.filter(code=added["code"]).values(*expected).get() == expected


def test_the_first_programme_rules_are_the_fixtures() -> None:
    rules = read("programme_rules_2016")
    added = rules["added_programme"]
    programmes = [*read("programmes")["programmes"], added]
    assert ProgrammeRule.objects.count() == len(programmes)
    for row in programmes:
        expected = {
            "valid_from": datetime.date.fromisoformat(rules["valid_from"]),
            "valid_to": None,
            "eligible_statuses": row["eligible_statuses"],
            "min_age": row.get("min_age"),
            "max_age": row.get("max_age"),
            "pupils_only": row.get("pupils_only", False),
            "amount": row.get("default_amount"),
            "legal_basis": row["legal_basis"] or "—",
            **rules["corrections"].get(row["code"], {}),
        }
        if row is added:
            expected["note"] = rules["added_programme_note"]
        found = ProgrammeRule.objects.filter(programme__code=row["code"]).values(*expected).get()
        assert found == expected, row["code"]


def area(line: dict[str, Any]) -> str:
    return str(line["area"])


def test_the_poverty_standards_are_the_fixtures() -> None:
    data = read("poverty_standards")
    fields = [k for k in data["standards"][0] if k not in ("lines", "dimensions", "indicators")]
    found = list(Standard.objects.order_by("valid_from").values(*fields))
    for row in found:
        row["valid_from"], row["valid_to"] = (
            row["valid_from"].isoformat(),
            row["valid_to"].isoformat(),
        )
    assert found == [{k: row[k] for k in fields} for row in data["standards"]]
    for row in data["standards"]:
        lines = StandardLine.objects.filter(standard__code=row["code"]).order_by("area")
        assert list(lines.values(*row["lines"][0])) == sorted(row["lines"], key=area)
        dimensions = StandardDimension.objects.filter(standard__code=row["code"]).order_by("order")
        dimension_set = data["dimension_sets"][row["dimensions"]]
        assert list(dimensions.values("key", "label", "label_en")) == dimension_set
        indicators = StandardIndicator.objects.filter(standard__code=row["code"]).order_by("order")
        expected = data["indicator_sets"][row["indicators"]]
        assert list(indicators.values(*expected[0])) == [
            {**i, "dimension": dimensions.get(key=i["dimension"]).pk} for i in expected
        ]


def test_the_forms_a_and_b_of_2016_are_the_fixtures() -> None:
    data = read("phieu_a_b_2016")
    fields = ("area", "region", "name", "name_en", "poor_max_score", "near_poor_max_score")
    cards = ScoreCard.objects.filter(standard__code="2016-2020").order_by("area")
    stored = {"complete": False, "source_note": data["b1_source"]}
    expected = [{**{k: c[k] for k in fields}, **stored} for c in data["cards"]]
    assert list(cards.values(*fields, *stored)) == sorted(expected, key=area)
    for card in data["cards"]:
        options = ScoreOption.objects.filter(
            item__card__standard__code="2016-2020", item__card__area=card["area"]
        ).order_by("item__order", "order")
        assert list(
            options.values_list("item__key", "item__label", "item__label_en", "key", "label")
        ) == [
            (i["key"], i["label"], i["label_en"], o["key"], o["label"])
            for i in data["items"]
            for o in i["options"]
        ]
        assert list(options.values_list("points", flat=True)) == [
            o["points"][card["points"]] for i in data["items"] for o in i["options"]
        ]
    criteria = ScreeningCriterion.objects.filter(standard__code="2016-2020").order_by("order")
    assert list(criteria.values("key", "label", "label_en")) == data["criteria"]
    assert set(criteria.values_list("source_note", flat=True)) == {data["a_source"]}


def test_a_changed_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = read("agencies")
    pinned = fixtures.digest(data)
    monkeypatch.setattr(fixtures, "FOLDER", tmp_path)
    # Another layout of the same data is the same data.
    (tmp_path / "agencies.json").write_text(json.dumps(data), encoding="utf-8")
    assert fixtures.load("agencies", sha256=pinned) == data

    data["agencies"][0]["name"] = "Phòng Lao động"
    (tmp_path / "agencies.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="has changed since the migration"):
        fixtures.load("agencies", sha256=pinned)
