"""The reports read the poverty standards (issue 12 item 1): the indicators and groups of a
year's forms are its standard's, so a write to a standard's rows makes every stored result
stale, like a write to the rounds (reports/migrations/0001_stored_figures.py installed the
function and the other tables')."""

from django.db import migrations

TABLES = (
    "households_standard",
    "households_standarddimension",
    "households_standardindicator",
    "households_standardline",
)


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
        ("households", "0013_poverty_standards_data"),
        ("reports", "0002_watch_unit_history"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers, elidable=False)]
