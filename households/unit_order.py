"""`Household.unit_order`: each household's copy of its unit's display order, kept by the
database itself.

The lists read as the city reads them (units in their display order, then household codes: the
worklists, the household's default order) sorted every household joined to its unit before
showing the first 50: the order's first key lived on another table, so no index could give it
(`programs.worklists` at 300,000 households: about 240 ms a first page, most of it that sort,
issue 11). Copied onto the household, the order is one index (`household_unit_order_idx`).

Triggers keep the copy, so that no way of writing a household can miss it (a form, an import,
`bulk_create`, `COPY` in `generate_synthetic`, a raw `UPDATE`): a household's copy is set from
its unit whenever it is inserted or its unit (or the copy) is written, and a unit's new display
order is copied onto its households. Whatever the ORM writes into the column is replaced.

SQLite drops a table's triggers when a migration rebuilds the table, so every `migrate` ends
by checking them (`after_migrate`, on post_migrate): missing, they are put back and every
copy set again.
"""

from __future__ import annotations

from typing import Any

HOUSEHOLD = "households_household"
WARD = "households_ward"
UNIT_ORDER = f"(SELECT display_order FROM {WARD} WHERE id = NEW.ward_id)"

POSTGRESQL = (
    f"""
CREATE OR REPLACE FUNCTION households_household_unit_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.unit_order := {UNIT_ORDER};
    RETURN NEW;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION households_ward_unit_order() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {HOUSEHOLD} SET unit_order = NEW.display_order
    WHERE ward_id = NEW.id AND unit_order <> NEW.display_order;
    RETURN NULL;
END
$$
""",
    f"DROP TRIGGER IF EXISTS households_household_unit_order ON {HOUSEHOLD}",
    f"""
CREATE TRIGGER households_household_unit_order
BEFORE INSERT OR UPDATE OF ward_id, unit_order ON {HOUSEHOLD}
FOR EACH ROW EXECUTE FUNCTION households_household_unit_order()
""",
    f"DROP TRIGGER IF EXISTS households_ward_unit_order ON {WARD}",
    f"""
CREATE TRIGGER households_ward_unit_order
AFTER UPDATE OF display_order ON {WARD}
FOR EACH ROW WHEN (OLD.display_order IS DISTINCT FROM NEW.display_order)
EXECUTE FUNCTION households_ward_unit_order()
""",
)

# SQLite has no BEFORE trigger that can change the row: the row is corrected right after it is
# written (a trigger's own UPDATE does not fire it again: recursive triggers are off).
SQLITE = (
    f"""
CREATE TRIGGER IF NOT EXISTS households_household_unit_order_insert
AFTER INSERT ON {HOUSEHOLD}
BEGIN
    UPDATE {HOUSEHOLD} SET unit_order = {UNIT_ORDER} WHERE id = NEW.id;
END
""",
    f"""
CREATE TRIGGER IF NOT EXISTS households_household_unit_order_update
AFTER UPDATE OF ward_id, unit_order ON {HOUSEHOLD}
BEGIN
    UPDATE {HOUSEHOLD} SET unit_order = {UNIT_ORDER} WHERE id = NEW.id;
END
""",
    f"""
CREATE TRIGGER IF NOT EXISTS households_ward_unit_order
AFTER UPDATE OF display_order ON {WARD}
WHEN OLD.display_order IS NOT NEW.display_order
BEGIN
    UPDATE {HOUSEHOLD} SET unit_order = NEW.display_order WHERE ward_id = NEW.id;
END
""",
)

DROP_POSTGRESQL = (
    f"DROP TRIGGER IF EXISTS households_household_unit_order ON {HOUSEHOLD}",
    f"DROP TRIGGER IF EXISTS households_ward_unit_order ON {WARD}",
    "DROP FUNCTION IF EXISTS households_household_unit_order()",
    "DROP FUNCTION IF EXISTS households_ward_unit_order()",
)
SQLITE_TRIGGERS = frozenset(
    {
        "households_household_unit_order_insert",
        "households_household_unit_order_update",
        "households_ward_unit_order",
    }
)
DROP_SQLITE = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in sorted(SQLITE_TRIGGERS))

FILL = (
    f"UPDATE {HOUSEHOLD} SET unit_order = "
    f"(SELECT display_order FROM {WARD} WHERE {WARD}.id = {HOUSEHOLD}.ward_id)"
)


def install(connection: Any, *, fill: bool = False) -> None:
    """Create (or replace) the triggers on `connection`'s database; with `fill`, set every
    household's copy once (the migration that adds the column)."""
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"Household.unit_order has no triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        if fill:
            cursor.execute(FILL)


def after_migrate(connection: Any) -> None:
    """Every `migrate` ends here (post_migrate): on SQLite, when a migration rebuilt a table and
    dropped its triggers, they are put back and every copy set again; elsewhere, or with the
    triggers all there, nothing."""
    if connection.vendor != "sqlite" or HOUSEHOLD not in connection.introspection.table_names():
        return
    there = installed(connection, HOUSEHOLD) | installed(connection, WARD)
    if not there >= SQLITE_TRIGGERS:
        install(connection, fill=True)


def uninstall(connection: Any) -> None:
    """Drop the triggers (the migration, reversed)."""
    statements = {"postgresql": DROP_POSTGRESQL, "sqlite": DROP_SQLITE}[connection.vendor]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def installed(connection: Any, table: str) -> set[str]:
    """The names of the triggers on `table`."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return {name for (name,) in cursor.fetchall()}
