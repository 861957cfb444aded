"""A loan's disbursement date (ngày giải ngân), stored on the loan: its benefit's date, copied as
`due_on` is when the loan is recorded, so the overdue-loans worklist filters ("lent six months
ago or more") and sorts on the loan alone instead of reading every benefit (1.4 million at
300,000 households) for it. A history row takes its loan's date; the history of a loan since
deleted, its own date of entry."""

from django.db import migrations, models

FILL_LOANS_SQL = """
UPDATE programs_loan AS l SET disbursed_on = b.date
FROM programs_benefit AS b WHERE b.id = l.benefit_id
"""
FILL_HISTORY_SQL = """
UPDATE programs_historicalloan AS h SET disbursed_on = l.disbursed_on
FROM programs_loan AS l WHERE l.id = h.id
"""
FILL_ORPHANS_SQL = """
UPDATE programs_historicalloan SET disbursed_on = history_date::date WHERE disbursed_on IS NULL
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_LOANS_SQL)
        schema_editor.execute(FILL_HISTORY_SQL)
        schema_editor.execute(FILL_ORPHANS_SQL)
        return
    Loan = apps.get_model("programs", "Loan")
    HistoricalLoan = apps.get_model("programs", "HistoricalLoan")
    lent = {}
    for loan in Loan.objects.select_related("benefit").iterator():
        lent[loan.pk] = loan.disbursed_on = loan.benefit.date
        loan.save(update_fields=["disbursed_on"])
    for row in HistoricalLoan.objects.iterator():
        row.disbursed_on = lent.get(row.id) or row.history_date.date()
        row.save(update_fields=["disbursed_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0011_loan_due_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalloan",
            name="disbursed_on",
            field=models.DateField(null=True, verbose_name="disbursed on"),
        ),
        migrations.AddField(
            model_name="loan",
            name="disbursed_on",
            field=models.DateField(null=True, verbose_name="disbursed on"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalloan",
            name="disbursed_on",
            field=models.DateField(verbose_name="disbursed on"),
        ),
        migrations.AlterField(
            model_name="loan",
            name="disbursed_on",
            field=models.DateField(verbose_name="disbursed on"),
        ),
    ]
