"""Stored figures: a report computed once per figures version and served from storage until
the data it reads changes (`reports.models`).

- `version()` is the figures version: the sum of the `FiguresChange` weights, one per write
  statement to a table the reports read (a trigger on each, PostgreSQL only). Read in one
  statement, it counts exactly the writes committed by then; a write committed while a report
  is computed moves it, so that report is computed again on its next request — a stored result
  is never newer than its version says, and never served once a later write has committed.
- `stored(user, key, compute)` returns the result stored under `key` for `user`'s scope at
  the current version, or computes it, stores it and returns it.
- On SQLite (the development default) there are no triggers: nothing is stored, everything is
  computed on each request.

The key must hold everything the result depends on besides the data: what was asked, the
scope of the user who asked (`scope_key`), the language of its labels and today's date (a
report of the current year reads today's standings).
"""

from __future__ import annotations

import datetime
import pickle
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import connection
from django.utils import timezone, translation

from households.models import Asker, User, ward_scope
from households.standing import ANNUAL
from reports import selectors
from reports.models import FiguresChange, FiguresSnapshot
from reports.selectors import ReportData

T = TypeVar("T")

# The tables the reports read: a write to any of them makes every stored result stale. The
# history tables, written with the tables they copy, and the permissions tables are left out.
# tests/reports/test_figures.py checks every other table of households and programs is here.
WATCHED_TABLES = (
    "households_assessment",
    "households_assessment_causes",
    "households_assessment_needs",
    "households_district",
    "households_household",
    "households_member",
    "households_povertycause",
    "households_quarter",
    "households_reviewevent",
    "households_reviewround",
    "households_scorecard",
    "households_scoreitem",
    "households_scoreoption",
    "households_screeningcriterion",
    "households_standard",
    "households_standarddimension",
    "households_standardindicator",
    "households_standardline",
    "households_standingspan",
    "households_supportneed",
    "households_unitmerger",
    "households_user",
    "households_ward",
    "households_wardkindperiod",
    "programs_agency",
    "programs_benefit",
    "programs_committeemember",
    "programs_committeemember_assigned_wards",
    "programs_householdassignment",
    "programs_loan",
    "programs_loancheck",
    "programs_programme",
    "programs_programmerule",
    "programs_training",
    "programs_trainingattendance",
    "programs_wardtarget",
)

# Change rows older than this are folded into one when there are more than PRUNE_ABOVE.
PRUNE_AFTER = datetime.timedelta(minutes=10)
PRUNE_ABOVE = 5_000
# Stored results not read or refreshed for this long are removed.
KEEP_SNAPSHOTS = datetime.timedelta(days=2)


_CHANGES = FiguresChange._meta.db_table
_SNAPSHOTS = FiguresSnapshot._meta.db_table
# The figures version and the number of change rows behind it, in one statement.
_VERSION_SQL = f"SELECT COALESCE(SUM(weight), 0) AS version, count(*) AS changes FROM {_CHANGES}"


def enabled() -> bool:
    return connection.vendor == "postgresql"


def version() -> int | None:
    """The figures version, or None where writes are not recorded (SQLite)."""
    if not enabled():
        return None
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        return int(cursor.fetchone()[0])


def scope_key(user: Asker) -> str | None:
    """What a stored result may depend on in `user`: the wards they see ("all" for the city
    and administrators). None for users whose scope is more than whole wards (Steering
    Committee members, partner agencies): their results are always computed."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    whole_wards = (User.Role.ADMIN, User.Role.CITY_REVIEWER, User.Role.WARD_OFFICER)
    if not (user.is_superuser or user.role in whole_wards):
        return None
    scope = ward_scope(user)
    return "all" if scope is None else ",".join(str(pk) for pk in sorted(scope))


def stored(user: Asker, key: str, compute: Callable[[], T]) -> T:
    """The result stored under `key` (what was asked) for `user`'s scope at the current
    figures version, else `compute()`'s, stored for the next request. One query when stored,
    two besides the computation when not. Computed every time where nothing is stored (SQLite)
    and for users whose scope is more than whole wards (`scope_key`)."""
    scope = scope_key(user)
    if not enabled() or scope is None:
        return compute()
    day = timezone.localdate().isoformat()
    full_key = f"{key}:{scope}:{translation.get_language()}:{day}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.version, v.changes, s.data FROM ({_VERSION_SQL}) v "
            f"LEFT JOIN {_SNAPSHOTS} s ON s.key = %s AND s.version = v.version",
            [full_key],
        )
        current, changes, data = cursor.fetchone()
    if data is not None:
        return pickle.loads(bytes(data))  # written by `stored` alone
    started = time.perf_counter()
    result = compute()
    elapsed = int((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        # Two requests computing at once: the later version stays.
        cursor.execute(
            f"INSERT INTO {_SNAPSHOTS} (key, version, data, computed_at, compute_ms) "
            f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
            f"version = EXCLUDED.version, data = EXCLUDED.data, "
            f"computed_at = EXCLUDED.computed_at, compute_ms = EXCLUDED.compute_ms "
            f"WHERE {_SNAPSHOTS}.version <= EXCLUDED.version",
            [
                full_key,
                current,
                pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
                timezone.now(),
                elapsed,
            ],
        )
    if changes > PRUNE_ABOVE:
        prune()
    return result


def prune() -> None:
    """Fold the change rows older than `PRUNE_AFTER` into one (the version stays the same;
    `stored` calls it once there are more than `PRUNE_ABOVE`), and remove the results
    stored more than `KEEP_SNAPSHOTS` ago."""
    if not enabled():
        return
    table = _CHANGES
    with connection.cursor() as cursor:
        # One statement: a reader sees the rows before or after, never half of it.
        cursor.execute(
            f"WITH gone AS (DELETE FROM {table} WHERE at < %s RETURNING weight) "
            f"INSERT INTO {table} (weight, at) SELECT SUM(weight), %s FROM gone "
            f"HAVING count(*) > 0",
            [timezone.now() - PRUNE_AFTER, timezone.now() - PRUNE_AFTER],
        )
    FiguresSnapshot.objects.filter(computed_at__lt=timezone.now() - KEEP_SNAPSHOTS).delete()


# --- what is stored --------------------------------------------------------------------------


def report(
    *,
    user: Asker,
    year: int,
    ward: Any = None,
    period: str = ANNUAL,
    report_date: datetime.date | None = None,
) -> ReportData:
    """`reports.selectors.report_data`, stored for users whose scope is whole wards (the
    dashboard, its spreadsheet and the periodic report's PDF read it here)."""

    def compute() -> ReportData:
        return selectors.report_data(
            user=user, year=year, ward=ward, period=period, report_date=report_date
        )

    unit = ward.pk if ward is not None else "-"
    day = report_date.isoformat() if report_date is not None else "-"
    return stored(user, f"report:{year}:{period}:{unit}:{day}", compute)


def target_figures(*, user: Asker, year: int) -> Any:
    """`reports.selectors.target_figures`, stored like `report`."""

    def compute() -> Any:
        return selectors.target_figures(user=user, year=year)

    return stored(user, f"targets:{year}", compute)


def worklist_count(*, user: Asker, key: str, year: int) -> int:
    """How many rows the programmes worklist `key` (`programs.worklists.WORKLISTS`) has in
    `year` for `user`, unfiltered: the worklists' index and each list's page count, stored
    like `report`."""
    from programs import worklists

    def compute() -> int:
        return worklists.WORKLISTS[key].build(user, year).count()

    return stored(user, f"worklist:{key}:{year}", compute)
