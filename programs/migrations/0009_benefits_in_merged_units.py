"""A benefit belongs to the unit it was given in (issue 12 item 3): one recorded in a unit on or
after the day that unit was merged into another (`households.UnitMerger`, e.g. the 2025 merger,
households/migrations/0015_merger_2025.py) belongs to the successor. Mergers are applied in the
order they took effect, so a unit merged twice ends in the last one."""

from django.db import migrations


def move(apps, schema_editor):
    Benefit = apps.get_model("programs", "Benefit")
    UnitMerger = apps.get_model("households", "UnitMerger")
    for merger in UnitMerger.objects.order_by("effective_from", "pk"):
        Benefit.objects.filter(
            ward_id=merger.predecessor_id, date__gte=merger.effective_from
        ).update(ward_id=merger.successor_id)


def move_back(apps, schema_editor):
    Benefit = apps.get_model("programs", "Benefit")
    UnitMerger = apps.get_model("households", "UnitMerger")
    for merger in UnitMerger.objects.order_by("-effective_from", "-pk"):
        Benefit.objects.filter(
            ward_id=merger.successor_id,
            household__ward_id=merger.predecessor_id,
            date__gte=merger.effective_from,
        ).update(ward_id=merger.predecessor_id)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_benefit_unit_required"),
        ("households", "0015_merger_2025"),
    ]

    operations = [migrations.RunPython(move, move_back)]
