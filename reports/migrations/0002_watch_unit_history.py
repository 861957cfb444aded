"""The reports read the successions of units and their earlier kinds (issue 12 item 3): a
write to either makes every stored result stale, like a write to the units themselves
(reports/migrations/0001_stored_figures.py installed the function and the other tables')."""

from django.db import migrations

TABLES = ("households_unitmerger", "households_wardkindperiod")


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER reports_figures_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reports_figures_changed()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER reports_figures_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION reports_figures_changed()"
        )


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_figures_changed ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS reports_figures_truncated ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0014_units_with_history"),
        ("reports", "0001_stored_figures"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers, elidable=False)]
