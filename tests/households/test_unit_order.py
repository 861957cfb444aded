"""`Household.unit_order`, the copy of its unit's display order the database keeps
(`households.unit_order`), and the lists that sort by it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext

from households import unit_order
from households.models import Household, Ward
from programs import worklists
from programs.scope import Scope
from tests.factories import make_household, make_member, make_recognised

pytestmark = pytest.mark.django_db

POOR = 500_000  # poor in a ward and in a commune alike (lines 900.000 and 700.000 đ)


def stored(household: Household) -> int:
    """The copy as the database holds it (the instance keeps what the ORM wrote)."""
    return Household.objects.values_list("unit_order", flat=True).get(pk=household.pk)


def test_a_new_household_takes_its_units_order_whatever_the_orm_writes() -> None:
    ward = Ward.objects.get(code="duc-thang")
    assert ward.display_order > 0
    household = make_household("duc-thang", code="DT-0001")
    assert stored(household) == ward.display_order

    household.unit_order = 999
    household.save()
    assert stored(household) == ward.display_order
    Household.objects.filter(pk=household.pk).update(unit_order=998)
    assert stored(household) == ward.display_order


def test_bulk_inserts_are_kept_too() -> None:
    first = make_household("duc-thang", code="DT-0001")
    tien_loi = Ward.objects.get(code="tien-loi")
    made = Household.objects.bulk_create(
        [
            Household(
                ward=tien_loi,
                quarter=tien_loi.quarters.first(),
                code=f"TL-{n:04}",
                head_name="Trần Thị Bé",
                address="Thôn 1",
            )
            for n in range(1, 4)
        ]
        + [Household(ward=first.ward, quarter=first.quarter, code="DT-0002", head_name="Lê Văn C")]
    )
    assert [stored(h) for h in made] == [tien_loi.display_order] * 3 + [first.ward.display_order]


def test_a_household_moved_to_another_unit_takes_its_order() -> None:
    household = make_household("duc-thang", code="DT-0001")
    phu_thuy = Ward.objects.get(code="phu-thuy")
    Household.objects.filter(pk=household.pk).update(
        ward=phu_thuy, quarter=phu_thuy.quarters.first()
    )
    assert stored(household) == phu_thuy.display_order


def test_a_units_new_order_reaches_its_households_and_only_them() -> None:
    duc_thang = make_household("duc-thang", code="DT-0001")
    tien_loi = make_household("tien-loi", code="TL-0001")
    before = stored(tien_loi)
    ward = duc_thang.ward
    ward.display_order = 250
    ward.save()
    assert stored(duc_thang) == 250
    assert stored(tien_loi) == before


def test_the_worklists_follow_the_units_order(city_reviewer: Any) -> None:
    """Households of poor standing in two units: listed unit by unit in their display order,
    then by code; the other way round once the units' order is swapped."""
    for unit, prefix in (("tien-loi", "TL"), ("duc-thang", "DT")):
        for n in (2, 1):
            household = make_household(unit, code=f"{prefix}-000{n}")
            make_member(household, health_insurance_number="")
            make_recognised(household, POOR)
    duc_thang, tien_loi = (Ward.objects.get(code=c) for c in ("duc-thang", "tien-loi"))
    assert duc_thang.display_order < tien_loi.display_order

    def listed() -> list[str]:
        return list(
            worklists.unsupported_households(Scope.EVERYTHING, 2018).values_list("code", flat=True)
        )

    assert listed() == ["DT-0001", "DT-0002", "TL-0001", "TL-0002"]
    first, second = duc_thang.display_order, tien_loi.display_order
    duc_thang.display_order, tien_loi.display_order = second, first
    duc_thang.save()
    tien_loi.save()
    assert listed() == ["TL-0001", "TL-0002", "DT-0001", "DT-0002"]
    members = worklists.health_insurance_gaps(Scope.EVERYTHING, 2018)
    assert [m.household.code for m in members] == ["TL-0001", "TL-0002", "DT-0001", "DT-0002"]


def test_the_triggers_are_there() -> None:
    if connection.vendor == "postgresql":
        assert unit_order.installed(connection, "households_household") >= {
            "households_household_unit_order"
        }
        assert "households_ward_unit_order" in unit_order.installed(connection, "households_ward")
    else:
        assert unit_order.installed(connection, "households_household") >= {
            "households_household_unit_order_insert",
            "households_household_unit_order_update",
        }


# --- SQLite, the default of a development machine ---------------------------------------------

TABLES = (
    "CREATE TABLE households_ward (id integer PRIMARY KEY, display_order integer NOT NULL)",
    "CREATE TABLE households_household (id integer PRIMARY KEY, ward_id integer NOT NULL, "
    "unit_order integer NOT NULL DEFAULT 0)",
)


@pytest.fixture
def sqlite() -> Iterator[Any]:
    """A SQLite database of its own with the two tables the triggers join."""
    handler = ConnectionHandler(
        {DEFAULT_DB_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )
    db = handler[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        for statement in TABLES:
            cursor.execute(statement)
        cursor.execute("INSERT INTO households_ward VALUES (1, 5), (2, 7)")
    try:
        yield db
    finally:
        db.close()


def orders(db: Any) -> list[tuple[int, int]]:
    with db.cursor() as cursor:
        cursor.execute("SELECT id, unit_order FROM households_household ORDER BY id")
        return list(cursor.fetchall())


def test_sqlite_keeps_the_copy_as_postgresql_does(sqlite: Any) -> None:
    unit_order.install(sqlite)
    with sqlite.cursor() as cursor:
        cursor.execute("INSERT INTO households_household (id, ward_id) VALUES (1, 1), (2, 2)")
        assert orders(sqlite) == [(1, 5), (2, 7)]
        cursor.execute("UPDATE households_household SET unit_order = 99 WHERE id = 1")
        cursor.execute("UPDATE households_household SET ward_id = 1 WHERE id = 2")
        assert orders(sqlite) == [(1, 5), (2, 5)]
        cursor.execute("UPDATE households_ward SET display_order = 3 WHERE id = 1")
        assert orders(sqlite) == [(1, 3), (2, 3)]


def test_sqlite_gets_the_triggers_back_after_a_migration_rebuilds_the_table(sqlite: Any) -> None:
    """A migration that rebuilds the table on SQLite drops its triggers; the next migrate's
    post_migrate puts them back and sets every copy again."""
    unit_order.install(sqlite)
    with sqlite.cursor() as cursor:
        cursor.execute("DROP TABLE households_household")
        cursor.execute(TABLES[1])
        cursor.execute("INSERT INTO households_household (id, ward_id) VALUES (1, 2)")
    assert unit_order.installed(sqlite, "households_household") == set()
    assert orders(sqlite) == [(1, 0)]

    unit_order.after_migrate(sqlite)
    assert unit_order.installed(sqlite, "households_household") == {
        "households_household_unit_order_insert",
        "households_household_unit_order_update",
    }
    assert orders(sqlite) == [(1, 7)]

    with CaptureQueriesContext(sqlite) as again:
        unit_order.after_migrate(sqlite)  # every trigger there: nothing written
    assert not [q for q in again.captured_queries if not q["sql"].lstrip().startswith("SELECT")]
