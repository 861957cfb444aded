"""The reference data version (`programs.reference`): one row whose number changes, in the
same transaction, with every write statement to the tables the household page reads as
reference data — the programmes, their agencies and dated rules, the review rounds. Each
process keeps that data between requests while the number stays the same.

The number is taken from a sequence, so a rolled-back write never hands its number to a later
one: a process that read the data inside a write that was rolled back kept it under a number
no committed state will ever have. PostgreSQL only (SQLite, the development default, reads the
data on every request)."""

from django.db import migrations

TABLES = (
    "households_reviewround",
    "programs_agency",
    "programs_programme",
    "programs_programmerule",
)

CREATE = """
CREATE SEQUENCE programs_reference_version_seq;
CREATE TABLE programs_reference_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO programs_reference_version (id, version)
    VALUES (1, nextval('programs_reference_version_seq'));
CREATE FUNCTION programs_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO programs_reference_version (id, version)
        VALUES (1, nextval('programs_reference_version_seq'))
        ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$;
"""

DROP = """
DROP FUNCTION IF EXISTS programs_reference_changed() CASCADE;
DROP TABLE IF EXISTS programs_reference_version;
DROP SEQUENCE IF EXISTS programs_reference_version_seq;
"""


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER programs_reference_changed AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION programs_reference_changed()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER programs_reference_truncated AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION programs_reference_changed()"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0018_assessment_income_route"),
        ("programs", "0009_benefits_in_merged_units"),
    ]

    operations = [migrations.RunPython(add, remove, elidable=False)]
