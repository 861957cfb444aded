"""Reference data every database needs: Phan Thiết city (2016–2017) and its 18 units.

Units: 14 wards (phường, urban poverty lines) and 4 communes (xã, rural lines), REFERENCE.md §5.
Quarter and hamlet names are numbered ("Khu phố 1", "Thôn 1"): each ward corrects its own list
in the admin. Causes of poverty and support needs follow REFERENCE.md §3.6 (UNCONFIRMED lists,
editable in the admin).

The rows are in fixtures/units_2016.json, poverty_causes.json and support_needs.json (issue 13;
until then they were literals here).
"""

from django.db import migrations

import fixtures


# The rows, read from fixtures/ into the shapes this migration was written with; each file is
# pinned to the data this migration loads (`fixtures.load`).
_UNITS = fixtures.load(
    "units_2016", sha256="7ecbbb4f6da0547d7682030b2f58f08dca705bec40af6af0844aeb02e49cc83a"
)
DISTRICT = tuple(_UNITS["district"][key] for key in ("code", "name", "province"))

# (code, name, folded name, kind, number of quarters / hamlets)
UNITS = [(u["code"], u["name"], u["name_folded"], u["kind"], u["quarters"]) for u in _UNITS["units"]]

# (code, Vietnamese, English)
CAUSES = [
    (c["code"], c["name"], c["name_en"])
    for c in fixtures.load(
        "poverty_causes", sha256="2d68805dbf8095bb58c47bb4f577754392a8d090a4ce5af92110ff79e3b58101"
    )["causes"]
]
NEEDS = [
    (n["code"], n["name"], n["name_en"])
    for n in fixtures.load(
        "support_needs", sha256="86a455bbd68acb4b5b5c1fa377f017c5ac755932f183b78aa4b0525c4d0bf94d"
    )["needs"]
]


def load(apps, schema_editor):
    District = apps.get_model("households", "District")
    Ward = apps.get_model("households", "Ward")
    Quarter = apps.get_model("households", "Quarter")
    code, name, province = DISTRICT
    district, _ = District.objects.get_or_create(
        code=code, defaults={"name": name, "province": province}
    )
    for order, (code, name, folded, kind, quarters) in enumerate(UNITS, start=1):
        ward, _ = Ward.objects.get_or_create(
            code=code,
            defaults={
                "district": district,
                "name": name,
                "name_folded": folded,
                "kind": kind,
                "display_order": order,
            },
        )
        prefix, quarter_kind = ("Khu phố", "quarter") if kind == "ward" else ("Thôn", "hamlet")
        for number in range(1, quarters + 1):
            Quarter.objects.get_or_create(
                ward=ward,
                name=f"{prefix} {number}",
                defaults={"kind": quarter_kind, "display_order": number},
            )
    for model_name, rows in (("PovertyCause", CAUSES), ("SupportNeed", NEEDS)):
        model = apps.get_model("households", model_name)
        for order, (code, name, name_en) in enumerate(rows, start=1):
            model.objects.get_or_create(
                code=code, defaults={"name": name, "name_en": name_en, "display_order": order}
            )


def unload(apps, schema_editor):
    causes = apps.get_model("households", "PovertyCause")
    needs = apps.get_model("households", "SupportNeed")
    _delete(schema_editor, causes.objects.filter(code__in=[c for c, _, _ in CAUSES]))
    _delete(schema_editor, needs.objects.filter(code__in=[c for c, _, _ in NEEDS]))
    codes = [row[0] for row in UNITS]
    quarters = apps.get_model("households", "Quarter")
    _delete(schema_editor, quarters.objects.filter(ward__code__in=codes))
    _delete(schema_editor, apps.get_model("households", "Ward").objects.filter(code__in=codes))
    districts = apps.get_model("households", "District")
    _delete(schema_editor, districts.objects.filter(code=DISTRICT[0]))


def _delete(schema_editor, queryset):
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
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
