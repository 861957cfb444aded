# Last step of 0005: every assessment now has its unit.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0006_fill_assessment_unit_and_effect'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assessment',
            name='ward',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='assessments', to='households.ward', verbose_name='ward / commune'),
        ),
        migrations.AddIndex(
            model_name='assessment',
            index=models.Index(condition=models.Q(('state', 'recognised')), fields=['household', 'effective_from'], name='assessment_in_effect_idx'),
        ),
        migrations.AddConstraint(
            model_name='assessment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'recognised'), _negated=True), ('effective_from__isnull', False), _connector='OR'), name='recognised_assessment_in_effect', violation_error_message='A recognised result needs the day it takes effect.'),
        ),
    ]
