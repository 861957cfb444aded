"""Reference data of plan 221/KH-UBND (2017): the agencies of section IV and the programme
catalogue of issue 4 (REFERENCE.md §4). Amounts marked CHƯA XÁC NHẬN (unconfirmed) in a
description are defaults for the city to edit, not confirmed figures.

The rows are in fixtures/agencies.json and programmes.json (issue 13; until then they were
literals here)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

import fixtures

# The rows, from fixtures/ (each file pinned to the data this migration loads,
# `fixtures.load`): the model's fields, in display order; a programme's `agency` is a code.
AGENCIES: list[dict[str, Any]] = fixtures.load(
    "agencies", sha256="3b534fa52d72f7a2221ae8a7c4c325e3a924275f4a6bf51757454ce0f5b5bdb3"
)["agencies"]
PROGRAMMES: list[dict[str, Any]] = fixtures.load(
    "programmes", sha256="985df03ecbf1d3a43c85f3c9475c80ab514606bf36fa018445d902f2550c6f68"
)["programmes"]


def load(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    agencies = {}
    for order, row in enumerate(AGENCIES, start=1):
        agencies[row["code"]], _ = Agency.objects.update_or_create(
            code=row["code"], defaults={**row, "display_order": order}
        )
    for order, row in enumerate(PROGRAMMES, start=1):
        fields = {**row, "agency": agencies[row["agency"]], "display_order": order}
        Programme.objects.update_or_create(code=row["code"], defaults=fields)


def unload(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    _delete(schema_editor, Programme.objects.filter(code__in=[row["code"] for row in PROGRAMMES]))
    _delete(schema_editor, Agency.objects.filter(code__in=[row["code"] for row in AGENCIES]))


def _delete(schema_editor: Any, queryset: Any) -> None:
    """Delete the rows with one DELETE, without Django's deletion collector.

    In a backwards run Django hands RunPython historical models whose relations to other apps'
    models can be stale, and the collector then fails ("Cannot query "Agency object (9)": Must
    be "Agency" instance."). A row still in use (by a household, an assessment, a benefit, a
    user) makes the database refuse the reverse step: reference data in use are never dropped
    silently.
    """
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    if not pks:
        return
    quote = schema_editor.quote_name
    placeholders = ", ".join(["%s"] * len(pks))
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} "
            f"WHERE {quote(model._meta.pk.column)} IN ({placeholders})",
            pks,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_programmes_committee_benefits_targets"),
    ]

    operations = [migrations.RunPython(load, unload)]
