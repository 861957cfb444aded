# Fills the fields 0005 added; its own migration, as PostgreSQL cannot create 0005's deferred
# indexes in a transaction that has updated the table.

import datetime

from django.db import migrations


def fill(apps, schema_editor):
    """Each assessment's unit is its household's; a recognised result takes effect on 1 January
    after a periodic round's year, or on an ad-hoc decision's date (households.standing)."""
    Assessment = apps.get_model("households", "Assessment")
    Household = apps.get_model("households", "Household")
    for household_id, ward_id in Household.objects.values_list("pk", "ward_id").iterator():
        Assessment.objects.filter(household_id=household_id).update(ward_id=ward_id)
    recognised = Assessment.objects.filter(state="recognised").select_related("round")
    by_date = {}
    for assessment in recognised.only("pk", "decision_date", "round__kind", "round__year"):
        if assessment.round.kind == "periodic":
            day = datetime.date(assessment.round.year + 1, 1, 1)
        else:
            day = assessment.decision_date
        by_date.setdefault(day, []).append(assessment.pk)
    for day, ids in by_date.items():
        Assessment.objects.filter(pk__in=ids).update(effective_from=day)


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0005_assessment_unit_effect_and_signer'),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
