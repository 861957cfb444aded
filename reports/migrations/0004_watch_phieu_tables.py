"""The Phiếu A criteria and Phiếu B1 tables (issue 12 item 2, households 0016) are watched like
the standards they belong to: a change to them changes how a survey is classified, so every
stored result is made stale (reports/migrations/0003_watch_poverty_standards.py)."""

from django.db import migrations

TABLES = (
    "households_scorecard",
    "households_scoreitem",
    "households_scoreoption",
    "households_screeningcriterion",
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
        ("households", "0016_phieu_a_b_tables"),
        ("reports", "0003_watch_poverty_standards"),
    ]

    operations = [migrations.RunPython(add_triggers, remove_triggers, elidable=False)]
