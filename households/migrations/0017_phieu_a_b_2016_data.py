"""Phiếu A and the Phiếu B1 tables of the 2016–2020 standard as data (issue 12, item 2).

Every figure is UNCONFIRMED (REFERENCE.md §3.3–3.4): the annexes of Circular 17/2016/TT-BLĐTBXH
could not be read. Phan Thiết's communes use the rural table of the North Central & Central
Coast region (PL3b.3, NT3), its wards the urban table (PL3b.0). Only part of the B1 items is
known (household size, dependants, highest degree, non-farm job, pensioners), so both tables
are stored `complete=False`: the score is an estimate until the housing, utilities, asset and
land items are added by a later data migration. The "none" answers (0 points) of the job and
pension items are implied by the table, which scores only what a household has.

No table is stored for 2022 on: the 140 (rural) / 175 (urban) points said to equate to the
1.5 / 2.0 million lines (Circular 07/2021/TT-BLĐTBXH, UNCONFIRMED) come without an item table.

The tables are in fixtures/phieu_a_b_2016.json (issue 13; until then they were literals here).
"""

from __future__ import annotations

from django.db import migrations

import fixtures

# The data, read from fixtures/phieu_a_b_2016.json (pinned to what this migration loads,
# `fixtures.load`) into the shapes this migration was written with.
_DATA = fixtures.load(
    "phieu_a_b_2016", sha256="100353445aca9f5c7e5220aa8aa6554e9835f730d8bb59788d281ddddaa73e17"
)
B1_SOURCE = _DATA["b1_source"]
A_SOURCE = _DATA["a_source"]

# (key, label, English label, [(option key, label, English label, rural NT3, urban)])
ITEMS = [
    (
        item["key"],
        item["label"],
        item["label_en"],
        [
            (o["key"], o["label"], o["label_en"], o["points"]["rural"], o["points"]["urban"])
            for o in item["options"]
        ],
    )
    for item in _DATA["items"]
]

# (area, region, name, English name, poor max, near-poor max, column)
CARDS = [
    (
        card["area"],
        card["region"],
        card["name"],
        card["name_en"],
        card["poor_max_score"],
        card["near_poor_max_score"],
        {"rural": 3, "urban": 4}[card["points"]],
    )
    for card in _DATA["cards"]
]

CRITERIA = [(c["key"], c["label"], c["label_en"]) for c in _DATA["criteria"]]


def add_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    Standard = apps.get_model("households", "Standard")
    ScoreCard = apps.get_model("households", "ScoreCard")
    ScoreItem = apps.get_model("households", "ScoreItem")
    ScoreOption = apps.get_model("households", "ScoreOption")
    ScreeningCriterion = apps.get_model("households", "ScreeningCriterion")
    standard = Standard.objects.filter(code="2016-2020").first()
    if standard is None:
        return
    for area, region, name, name_en, poor_max, near_poor_max, column in CARDS:
        card = ScoreCard.objects.create(
            standard=standard,
            area=area,
            region=region,
            name=name,
            name_en=name_en,
            poor_max_score=poor_max,
            near_poor_max_score=near_poor_max,
            deprivation_points=10,
            complete=False,
            source_note=B1_SOURCE,
        )
        for order, (key, label, label_en, options) in enumerate(ITEMS, start=1):
            item = ScoreItem.objects.create(
                card=card, key=key, label=label, label_en=label_en, order=order
            )
            ScoreOption.objects.bulk_create(
                ScoreOption(
                    item=item,
                    key=option[0],
                    label=option[1],
                    label_en=option[2],
                    points=option[column],
                    order=index,
                )
                for index, option in enumerate(options, start=1)
            )
    ScreeningCriterion.objects.bulk_create(
        ScreeningCriterion(
            standard=standard,
            key=key,
            label=label,
            label_en=label_en,
            order=order,
            source_note=A_SOURCE,
        )
        for order, (key, label, label_en) in enumerate(CRITERIA, start=1)
    )


def remove_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Plain deletes, children first: the ORM's cascade on these historical models trips over
    # the model classes of the migration state ("Must be ScoreCard instance").
    standard = "SELECT id FROM households_standard WHERE code = %s"
    cards = f"SELECT id FROM households_scorecard WHERE standard_id IN ({standard})"
    items = f"SELECT id FROM households_scoreitem WHERE card_id IN ({cards})"
    for sql in (
        f"DELETE FROM households_scoreoption WHERE item_id IN ({items})",
        f"DELETE FROM households_scoreitem WHERE card_id IN ({cards})",
        f"DELETE FROM households_scorecard WHERE standard_id IN ({standard})",
        f"DELETE FROM households_screeningcriterion WHERE standard_id IN ({standard})",
    ):
        schema_editor.execute(sql, ["2016-2020"])


class Migration(migrations.Migration):
    dependencies = [("households", "0016_phieu_a_b_tables")]

    operations = [migrations.RunPython(add_tables, remove_tables)]
