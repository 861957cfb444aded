"""The 2025 reorganisation of Phan Thiết's wards and communes (issue 12 item 3).

Every fact in this file and in fixtures/units_2025.json is UNCONFIRMED (REFERENCE.md §7:
secondary sources, news and legal-summary sites; the resolution of the National Assembly
Standing Committee arranging Lâm Đồng's commune-level units has not been read). They are data,
there and nowhere else: a correction is a new data migration changing these rows.

- **One effective date, 01/07/2025.** The reorganisation came in two steps: from 01/12/2024
  Đức Thắng and Đức Nghĩa were merged into Lạc Đạo and Hưng Long into Bình Hưng (REFERENCE.md
  §5), leaving 15 units; from 01/07/2025 districts were abolished, Bình Thuận became part of
  Lâm Đồng province and Phan Thiết's units were merged into the seven below. Both steps end in
  the same seven units, and the three wards of the first step went to Lạc Đạo and Bình Hưng,
  both of which became P. Phan Thiết: the data keep the 18 units up to 30/06/2025, so the
  2024 lists (prepared under the 18) and a report of the first half of 2025 read by the 18,
  and the seven from 01/07/2025, when the province and the commune-level units changed
  together and the new units' officers and decisions began. The seven months of the 15-unit
  map are not kept as units of their own: a result recognised then by the enlarged Lạc Đạo
  counts under its household's registered ward, which P. Phan Thiết takes over anyway.
- **P. Phan Thiết** = Phú Trinh + Lạc Đạo + Bình Hưng; **P. Mũi Né** = Hàm Tiến + Mũi Né +
  Thiện Nghiệp; **P. Phú Thủy** = Thanh Hải + Phú Hài + Phú Thủy; **P. Tiến Thành** = Đức
  Long + Tiến Thành; **P. Bình Thuận** = Phú Tài + Phong Nẫm (+ Hàm Hiệp); **P. Hàm Thắng** =
  Xuân An (+ Phú Long, Hàm Thắng); **xã Tuyên Quang** = Tiến Lợi (+ Hàm Mỹ). Hàm Hiệp, Phú
  Long, Hàm Thắng and Hàm Mỹ came from Hàm Thuận Bắc and Hàm Thuận Nam districts and are not
  in this register: their households join when those communes' records are brought in.
- **Đức Thắng, Đức Nghĩa, Hưng Long** are not named in the sources of the 2025 step: they are
  mapped to P. Phan Thiết (central Phan Thiết; their December 2024 successors Lạc Đạo and Bình
  Hưng went there). UNCONFIRMED like the rest.
- **Area.** The six new wards use the urban lines from 01/07/2025 (the former communes Thiện
  Nghiệp, Tiến Thành and Phong Nẫm with them); xã Tuyên Quang stays a commune (rural lines).
- **Parent.** The new units belong to a District row "Tỉnh Lâm Đồng": a commune-level unit's
  parent is now the province itself. A row (rather than an empty district) keeps every reader
  of `Ward.district` (the report's place line, the admin's filter) working, and the old units
  keep "Thành phố Phan Thiết", as their history does.
- **Households stay** in the unit they were registered in (`households.units`): nothing is
  moved; the new units' officers see them through the successions. **Officers stay** attached
  to their unit too: an officer of a former unit keeps its households (and nothing more); the
  administrator attaches them to the new unit, which widens what they see to the whole merged
  ward (a decision for the city, not for a migration).
- Results made from 01/07/2025 belong to the new unit: those already recorded in a former unit
  on or after that day (the day a survey is made: its creation day within its round's days,
  `households.units.made_on`) are moved to it here, with their stored standings; benefits, by
  their date, in programs/migrations/0009_benefits_in_merged_units.py.
"""

import datetime

from django.db import migrations
from django.utils import timezone

import fixtures

# The data, UNCONFIRMED, read from fixtures/units_2025.json (pinned to what this migration
# loads, `fixtures.load`) into the shapes this migration was written with.
_MERGER = fixtures.load(
    "units_2025", sha256="e62179f2712235b7cbb6652fccb8fc28d4592995621a7f87c22047b459234834"
)
MERGER_DAY = datetime.date.fromisoformat(_MERGER["effective_from"])
BASIS = _MERGER["basis"]
PARENT = tuple(_MERGER["parent"][key] for key in ("code", "name", "province"))

# (code, name, folded name, kind, display order, predecessors' codes)
NEW_UNITS = [
    (u["code"], u["name"], u["name_folded"], u["kind"], u["display_order"], u["predecessors"])
    for u in _MERGER["units"]
]


def _made_on(assessment, review_round):
    made = timezone.localdate(assessment.created_at) if assessment.created_at else MERGER_DAY
    return min(max(made, review_round.starts_on), review_round.ends_on)


def merge(apps, schema_editor):
    District = apps.get_model("households", "District")
    Ward = apps.get_model("households", "Ward")
    UnitMerger = apps.get_model("households", "UnitMerger")
    Assessment = apps.get_model("households", "Assessment")
    StandingSpan = apps.get_model("households", "StandingSpan")
    code, name, province = PARENT
    parent, _ = District.objects.get_or_create(
        code=code, defaults={"name": name, "province": province}
    )
    last_day = MERGER_DAY - datetime.timedelta(days=1)
    for code, name, folded, kind, order, former in NEW_UNITS:
        unit, _ = Ward.objects.get_or_create(
            code=code,
            defaults={
                "district": parent,
                "name": name,
                "name_folded": folded,
                "kind": kind,
                "display_order": order,
                "valid_from": MERGER_DAY,
            },
        )
        for before in Ward.objects.filter(code__in=former):
            before.valid_to = last_day
            before.save(update_fields=["valid_to"])
            UnitMerger.objects.get_or_create(
                predecessor=before,
                defaults={"successor": unit, "effective_from": MERGER_DAY, "basis": BASIS},
            )
            # What was recorded in the former unit from the merger day on is the new unit's.
            moved = [
                a.pk
                for a in Assessment.objects.filter(
                    ward=before, round__ends_on__gte=MERGER_DAY
                ).select_related("round")
                if _made_on(a, a.round) >= MERGER_DAY
            ]
            Assessment.objects.filter(pk__in=moved).update(ward=unit)
            StandingSpan.objects.filter(assessment_id__in=moved).update(ward=unit)


def unmerge(apps, schema_editor):
    District = apps.get_model("households", "District")
    Ward = apps.get_model("households", "Ward")
    UnitMerger = apps.get_model("households", "UnitMerger")
    Assessment = apps.get_model("households", "Assessment")
    StandingSpan = apps.get_model("households", "StandingSpan")
    codes = [code for code, *_rest in NEW_UNITS]
    # Back to the unit each household is registered in (the only unit there was before).
    for model in (Assessment, StandingSpan):
        for row in model.objects.filter(ward__code__in=codes).select_related("household"):
            row.ward_id = row.household.ward_id
            row.save(update_fields=["ward"])
    UnitMerger.objects.filter(successor__code__in=codes).delete()
    formers = [code for *_rest, former in NEW_UNITS for code in former]
    Ward.objects.filter(code__in=formers).update(valid_to=None)
    # A unit with households, officers or quarters of its own is protected: refused, as it
    # should be (those records have nowhere to go).
    Ward.objects.filter(code__in=codes).delete()
    District.objects.filter(code=PARENT[0], wards__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0014_units_with_history"),
    ]

    operations = [migrations.RunPython(merge, unmerge)]
