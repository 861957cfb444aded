import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_fill_benefit_unit"),
    ]

    operations = [
        migrations.AlterField(
            model_name="benefit",
            name="ward",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="benefits",
                to="households.ward",
                verbose_name="ward / commune",
            ),
        ),
    ]
