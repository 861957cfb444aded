"""Every benefit keeps the unit it was given in (issue 12 item 3): for the benefits recorded
before, the unit their household was registered in (the only unit there was: the successions of
units come later, `households/migrations/0015_merger_2025.py`, which moves those dated from the
merger day on). One UPDATE, whatever the number of benefits. The historical rows are left empty:
they recorded no unit."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Benefit = apps.get_model("programs", "Benefit")
    Household = apps.get_model("households", "Household")
    Benefit.objects.filter(ward__isnull=True).update(
        ward_id=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("ward_id")[:1])
    )


def empty(apps, schema_editor):
    apps.get_model("programs", "Benefit").objects.update(ward=None)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_benefit_unit"),
    ]

    operations = [migrations.RunPython(fill, empty)]
