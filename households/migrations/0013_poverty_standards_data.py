"""The national poverty standards as data (issue 12): 2016–2020, 2022–2025, 2026, 2027–2030.

2016–2020 is exactly the standard the engine knew in code (Decision 59/2015/QĐ-TTg, REFERENCE.md
§1.2–1.4), texts in the Vietnamese the catalogue gave them.

Everything after 2020 is UNCONFIRMED (REFERENCE.md §7, added 2026-12): read in secondary sources
(news and legal-summary sites) only, never in the primary text. Each of those standards says so
in `source_note` and has `figures_confirmed` False; correct a figure with a new data migration.

The standards are in fixtures/poverty_standards.json (issue 13; until then they were literals
here).
"""

from __future__ import annotations

import datetime

from django.db import migrations

import fixtures

# The data, read from fixtures/poverty_standards.json (pinned to what this migration loads,
# `fixtures.load`) into the shapes this migration was written with.
_DATA = fixtures.load(
    "poverty_standards", sha256="a80280173578ed11c8140f7e5cc1530e06ab7c94e954bfc3f971b36c83c4fdae"
)
# (key, label, English label), by set
_DIMENSIONS = {
    name: [(d["key"], d["label"], d["label_en"]) for d in rows]
    for name, rows in _DATA["dimension_sets"].items()
}
# (key, dimension, label, English label, threshold, English threshold, roster rule), by set
_INDICATORS = {
    name: [
        (
            i["key"],
            i["dimension"],
            i["label"],
            i["label_en"],
            i["threshold_text"],
            i["threshold_text_en"],
            i["derivation"],
        )
        for i in rows
    ]
    for name, rows in _DATA["indicator_sets"].items()
}
STANDARDS = [
    {
        **{k: v for k, v in row.items() if k not in ("lines", "dimensions", "indicators")},
        "valid_from": datetime.date.fromisoformat(row["valid_from"]),
        "valid_to": datetime.date.fromisoformat(row["valid_to"]),
        # (area, poverty line, near-poverty line, average-living line), đồng/person/month.
        "lines": [
            (
                line["area"],
                line["poverty_line"],
                line["near_poverty_line"],
                line["average_living_line"],
            )
            for line in row["lines"]
        ],
        "dimensions": _DIMENSIONS[row["dimensions"]],
        "indicators": _INDICATORS[row["indicators"]],
    }
    for row in _DATA["standards"]
]


def add_standards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Standard = apps.get_model("households", "Standard")
    StandardLine = apps.get_model("households", "StandardLine")
    StandardDimension = apps.get_model("households", "StandardDimension")
    StandardIndicator = apps.get_model("households", "StandardIndicator")
    for data in STANDARDS:
        fields = {
            k: v for k, v in data.items() if k not in ("lines", "dimensions", "indicators")
        }
        standard = Standard.objects.create(**fields)
        for area, poverty, near, average in data["lines"]:
            StandardLine.objects.create(
                standard=standard,
                area=area,
                poverty_line=poverty,
                near_poverty_line=near,
                average_living_line=average,
            )
        dimensions = {}
        for order, (key, label, label_en) in enumerate(data["dimensions"], start=1):
            dimensions[key] = StandardDimension.objects.create(
                standard=standard, key=key, label=label, label_en=label_en, order=order
            )
        for order, row in enumerate(data["indicators"], start=1):
            key, dimension, label, label_en, threshold, threshold_en, derivation = row
            StandardIndicator.objects.create(
                standard=standard,
                dimension=dimensions[dimension],
                key=key,
                label=label,
                label_en=label_en,
                threshold_text=threshold,
                threshold_text_en=threshold_en,
                derivation=derivation,
                order=order,
            )


def remove_standards(apps, schema_editor):  # type: ignore[no-untyped-def]
    # One DELETE a table, without the deletion collector (see 0002's `_delete`).
    codes = [data["code"] for data in STANDARDS]
    for name in ("StandardIndicator", "StandardDimension", "StandardLine"):
        model = apps.get_model("households", name)
        model.objects.filter(standard__code__in=codes)._raw_delete(schema_editor.connection.alias)
    standards = apps.get_model("households", "Standard").objects.filter(code__in=codes)
    standards._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0012_poverty_standards_and_2022_indicators"),
    ]

    operations = [migrations.RunPython(add_standards, remove_standards)]
