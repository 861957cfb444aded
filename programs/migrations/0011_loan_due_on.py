"""A loan's due date (ngày đến hạn), stored: the disbursement date (its benefit's date) plus the
term in months, at the month's last day when that month is shorter (31/01 + 1 month = 28/02), as
`programs.loan_status.due_date` computes it for new loans. The overdue-loans worklist filters
and sorts on it. A history row takes its loan's date; the history of a loan since deleted, its
own date of entry plus the term."""

import calendar

from django.db import migrations, models

FILL_LOANS_SQL = """
UPDATE programs_loan AS l
SET due_on = (b.date + make_interval(months => l.term_months))::date
FROM programs_benefit AS b WHERE b.id = l.benefit_id
"""
FILL_HISTORY_SQL = """
UPDATE programs_historicalloan AS h SET due_on = l.due_on
FROM programs_loan AS l WHERE l.id = h.id
"""
FILL_ORPHANS_SQL = """
UPDATE programs_historicalloan
SET due_on = (history_date::date + make_interval(months => term_months))::date
WHERE due_on IS NULL
"""


def _add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One statement each (PostgreSQL's date + interval keeps the month's last day too):
        # 140,000 loans at 300,000 households.
        schema_editor.execute(FILL_LOANS_SQL)
        schema_editor.execute(FILL_HISTORY_SQL)
        schema_editor.execute(FILL_ORPHANS_SQL)
        return
    Loan = apps.get_model("programs", "Loan")
    HistoricalLoan = apps.get_model("programs", "HistoricalLoan")
    due = {}
    for loan in Loan.objects.select_related("benefit").iterator():
        due[loan.pk] = loan.due_on = _add_months(loan.benefit.date, loan.term_months)
        loan.save(update_fields=["due_on"])
    for row in HistoricalLoan.objects.iterator():
        row.due_on = due.get(row.id) or _add_months(row.history_date.date(), row.term_months)
        row.save(update_fields=["due_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0010_reference_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalloan",
            name="due_on",
            field=models.DateField(null=True, verbose_name="due on"),
        ),
        migrations.AddField(
            model_name="loan",
            name="due_on",
            field=models.DateField(null=True, verbose_name="due on"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalloan",
            name="due_on",
            field=models.DateField(verbose_name="due on"),
        ),
        migrations.AlterField(
            model_name="loan",
            name="due_on",
            field=models.DateField(verbose_name="due on"),
        ),
    ]
