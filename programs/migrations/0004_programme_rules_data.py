"""Each programme's rule as a dated row, and the rules of issue 9 corrected (REFERENCE.md §4, §7).

1. Copy: every programme gets one rule valid from 01/01/2016 (the first day of the 2016–2020
   poverty standard, Decision 59/2015/QĐ-TTg, which the catalogue was entered for) with the
   statuses, ages, pupils-only flag and usual amount it has now — whatever the city edited
   since the reference data was loaded.
2. Corrections. They are written INTO those 2016 rules, not as new rules from a later date,
   because none of them is a change of policy: each decision below was in force before 2016
   and throughout 2016–2017, and the catalogue simply misread it. A delivery of 2016 or 2017
   must be judged by what the law said then, which is the corrected rule. Each corrected rule's
   note names its source and what the catalogue said before; a later *change* of policy is a
   new rule (`programs.services.programme_rule_add`).
   - Housing (Decision 33/2015/QĐ-TTg, 10/8/2015): rural poor households only (`ho-tro-nha-o`,
     and its 25 million đồng loan `vay-nha-o`).
   - Clean water and sanitation loans (Decision 62/2004/QĐ-TTg, amended by Decision
     18/2014/QĐ-TTg): any household of a rural commune, poor or not.
   - Near-poor pupils: a new programme, the 50% tuition reduction of Decree 86/2015/NĐ-CP
     (UNCONFIRMED in REFERENCE.md), beside the poor's exemption.
   - Monthly social allowances and emergency relief (Decree 136/2013/NĐ-CP): any household.
   - Electricity (Decision 28/2014/QĐ-TTg): poor households and social-policy households.
   - "Newly escaped" credit (Decision 28/2015/QĐ-TTg): already "escaped" only; its note says
     that this now means `households.standing`'s escaped (left the poor or near-poor list within
     three years), nothing else.
3. The programme's own fields mirror the corrected rule.

Reverse: the rules and the new programme are deleted and the corrected programmes get back the
fields of 0002_reference_data.

The rules' data are in fixtures/programme_rules_2016.json (issue 13; until then they were
literals here).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations

import fixtures

# The data, read from fixtures/ (each file pinned to what this migration loads,
# `fixtures.load`) into the constants this migration was written with.
_RULES = fixtures.load(
    "programme_rules_2016",
    sha256="fd4bdf62fab7f15143f1d52021527c4ccb677a2b643a79f942ee27a45ecef08b",
)
START = datetime.date.fromisoformat(_RULES["valid_from"])
CORRECTIONS: dict[str, dict[str, Any]] = _RULES["corrections"]

# As 0002_reference_data loaded them (from the same file): what the reverse step puts back.
_CATALOGUE = {
    row["code"]: row
    for row in fixtures.load(
        "programmes", sha256="985df03ecbf1d3a43c85f3c9475c80ab514606bf36fa018445d902f2550c6f68"
    )["programmes"]
}
ORIGINAL: dict[str, dict[str, Any]] = {
    code: {"eligible_statuses": _CATALOGUE[code]["eligible_statuses"]} for code in CORRECTIONS
}

NEAR_POOR_TUITION = _RULES["added_programme"]
NEAR_POOR_TUITION_NOTE = _RULES["added_programme_note"]

RULE_FIELDS = ("eligible_statuses", "min_age", "max_age", "pupils_only")


def forward(apps: Any, schema_editor: Any) -> None:
    Agency = apps.get_model("programs", "Agency")
    Programme = apps.get_model("programs", "Programme")
    ProgrammeRule = apps.get_model("programs", "ProgrammeRule")
    agency = Agency.objects.filter(code=NEAR_POOR_TUITION["agency"]).first()
    if agency is not None and not Programme.objects.filter(code="giam-hoc-phi").exists():
        exemption = Programme.objects.filter(code="mien-hoc-phi").first()
        Programme.objects.create(
            **{**NEAR_POOR_TUITION, "agency": agency},
            display_order=exemption.display_order if exemption else 0,
        )
    for programme in Programme.objects.all():
        if ProgrammeRule.objects.filter(programme=programme).exists():
            continue
        values: dict[str, Any] = {field: getattr(programme, field) for field in RULE_FIELDS}
        values.update(
            amount=programme.default_amount,
            legal_basis=programme.legal_basis or "—",
            note="Theo danh mục chương trình năm 2017 (Kế hoạch 221/KH-UBND).",
        )
        if programme.code == "giam-hoc-phi":
            values["note"] = NEAR_POOR_TUITION_NOTE
        values.update(CORRECTIONS.get(programme.code, {}))
        ProgrammeRule.objects.create(programme=programme, valid_from=START, **values)
        programme.eligible_statuses = values["eligible_statuses"]
        programme.save(update_fields=["eligible_statuses"])


def backward(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("programs", "Programme")
    ProgrammeRule = apps.get_model("programs", "ProgrammeRule")
    _delete(schema_editor, ProgrammeRule.objects.all())
    _delete(schema_editor, Programme.objects.filter(code="giam-hoc-phi"))
    for code, fields in ORIGINAL.items():
        Programme.objects.filter(code=code).update(**fields)


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
        ("programs", "0003_programme_rules"),
    ]

    operations = [migrations.RunPython(forward, backward)]
