"""Stored figures: a report computed once per figures version and served from storage until
the data it reads changes (`reports.models`).

- `version()` is the figures version: the sum of the `FiguresChange` weights, one per write
  statement to a table the reports read (a trigger on each, PostgreSQL only). Read in one
  statement, it counts exactly the writes committed by then; a write committed while a report
  is computed moves it, so that report is computed again on its next request — a stored result
  is never newer than its version says, and never served once a later write has committed.
- `stored(scope, key, compute)` returns the result stored under `key` for the `scope` at the
  current version, or computes it, stores it and returns it.
- `report_or_previous` is the dashboard's way in: after a write it answers at once with the
  figures computed before it, marked as such (`Served.stale_since`), and asks the job worker to
  compute the current ones (`reports.tasks.refresh_report`, once per key until they are
  stored). Should no worker answer within `REFRESH_GRACE`, the next request computes them
  itself. What is printed or exported (the PDF, the spreadsheet) always reads current figures.
- On SQLite (the development default) there are no triggers: nothing is stored, everything is
  computed on each request.

The key must hold everything the result depends on besides the data: what was asked, the
scope of the user who asked (`households.scope.Scope.key`), the language of its labels and
today's date (a report of the current year reads today's standings).
"""

from __future__ import annotations

import datetime
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection
from django.utils import timezone, translation

from households.models import User
from households.scope import Scope
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
# A refresh asked of the job worker and not stored after this long (no worker running, or it
# fell over): the next request computes the figures itself.
REFRESH_GRACE = datetime.timedelta(minutes=2)


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


def _full_key(key: str, scope: str) -> str:
    day = timezone.localdate().isoformat()
    return f"{key}:{scope}:{translation.get_language()}:{day}"


def _store(full_key: str, current: int, compute: Callable[[], T]) -> T:
    """`compute()`'s result, stored under `full_key` at the figures version `current` (read
    before computing: a write committed meanwhile leaves it stale, never newer than it says)."""
    started = time.perf_counter()
    result = compute()
    elapsed = int((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        # Two requests computing at once: the later version stays. A refresh asked is answered.
        cursor.execute(
            f"INSERT INTO {_SNAPSHOTS} (key, version, data, computed_at, compute_ms) "
            f"VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET "
            f"version = EXCLUDED.version, data = EXCLUDED.data, "
            f"computed_at = EXCLUDED.computed_at, compute_ms = EXCLUDED.compute_ms, "
            f"refresh_asked_at = NULL "
            f"WHERE {_SNAPSHOTS}.version <= EXCLUDED.version",
            [
                full_key,
                current,
                pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL),
                timezone.now(),
                elapsed,
            ],
        )
    return result


def stored(scope: Scope, key: str, compute: Callable[[], T]) -> T:
    """The result stored under `key` (what was asked) for `scope` at the current figures
    version, else `compute()`'s, stored for the next request. One query when stored, two
    besides the computation when not. Computed every time where nothing is stored (SQLite) and
    for scopes that are more than whole wards (`Scope.key` None: committee members, partner
    agencies)."""
    scope_key = scope.key
    if not enabled() or scope_key is None:
        return compute()
    full_key = _full_key(key, scope_key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.version, v.changes, s.data FROM ({_VERSION_SQL}) v "
            f"LEFT JOIN {_SNAPSHOTS} s ON s.key = %s AND s.version = v.version",
            [full_key],
        )
        current, changes, data = cursor.fetchone()
    if data is not None:
        return pickle.loads(bytes(data))  # written by `stored` alone
    result = _store(full_key, current, compute)
    if changes > PRUNE_ABOVE:
        prune()
    return result


@dataclass(frozen=True)
class Served(Generic[T]):
    """What `report_or_previous` serves: the result, and when it predates the latest write,
    the time it was computed (the current figures are on their way)."""

    value: T
    stale_since: datetime.datetime | None = None


def stored_or_previous(
    scope: Scope, key: str, compute: Callable[[], T], refresh: Callable[[], None]
) -> Served[T]:
    """Like `stored`, except that a result stored before the latest write is served at once,
    marked stale, and `refresh()` (which enqueues the job that computes the current one) is
    called once per stale key: the first request after a write does not wait for seconds of
    counting. Computed here when nothing was ever stored under the key, and when a refresh
    asked more than `REFRESH_GRACE` ago has not been stored. One query when current, two
    (three when asking for the refresh) when stale."""
    scope_key = scope.key
    if not enabled() or scope_key is None:
        return Served(compute())
    full_key = _full_key(key, scope_key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT v.version, v.changes, s.version, s.data, s.computed_at, s.refresh_asked_at "
            f"FROM ({_VERSION_SQL}) v LEFT JOIN {_SNAPSHOTS} s ON s.key = %s",
            [full_key],
        )
        current, changes, version, data, computed_at, asked_at = cursor.fetchone()
    if data is not None and version == current:
        return Served(pickle.loads(bytes(data)))
    now = timezone.now()
    if data is None or (asked_at is not None and now - asked_at > REFRESH_GRACE):
        result = _store(full_key, current, compute)
        if changes > PRUNE_ABOVE:
            prune()
        return Served(result)
    if asked_at is None:
        with connection.cursor() as cursor:
            # One request asks; the others that find it stale meanwhile serve it too.
            cursor.execute(
                f"UPDATE {_SNAPSHOTS} SET refresh_asked_at = %s "
                f"WHERE key = %s AND refresh_asked_at IS NULL",
                [now, full_key],
            )
            asked = cursor.rowcount == 1
        if asked:
            refresh()
    return Served(pickle.loads(bytes(data)), stale_since=computed_at)


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


def _report_key(year: int, ward: Any, period: str, report_date: datetime.date | None) -> str:
    unit = ward.pk if ward is not None else "-"
    day = report_date.isoformat() if report_date is not None else "-"
    return f"report:{year}:{period}:{unit}:{day}"


def report(
    *,
    scope: Scope,
    year: int,
    ward: Any = None,
    period: str = ANNUAL,
    report_date: datetime.date | None = None,
) -> ReportData:
    """`reports.selectors.report_data`, stored for scopes of whole wards (the PDF, the
    spreadsheet and the job worker's refresh read it here: always current)."""

    def compute() -> ReportData:
        return selectors.report_data(
            scope=scope, year=year, ward=ward, period=period, report_date=report_date
        )

    return stored(scope, _report_key(year, ward, period, report_date), compute)


def report_or_previous(
    *,
    user: User,
    scope: Scope,
    year: int,
    ward: Any = None,
    period: str = ANNUAL,
    report_date: datetime.date | None = None,
) -> Served[ReportData]:
    """`report` for the dashboard (`stored_or_previous`): after a write, the figures of
    before it at once, marked stale, while the job worker computes the current ones for
    `user` (whose `scope` it is)."""

    def compute() -> ReportData:
        return selectors.report_data(
            scope=scope, year=year, ward=ward, period=period, report_date=report_date
        )

    def refresh() -> None:
        from reports.tasks import refresh_report

        refresh_report.enqueue(
            user_id=user.pk,
            year=year,
            ward_id=ward.pk if ward is not None else None,
            period=period,
            report_date=report_date.isoformat() if report_date is not None else None,
            language=translation.get_language(),
        )

    key = _report_key(year, ward, period, report_date)
    return stored_or_previous(scope, key, compute, refresh)


def target_figures(*, scope: Scope, year: int) -> Any:
    """`reports.selectors.target_figures`, stored like `report`."""

    def compute() -> Any:
        return selectors.target_figures(scope=scope, year=year)

    return stored(scope, f"targets:{year}", compute)


def worklist_count(*, scope: Scope, key: str, year: int) -> int:
    """How many rows the programmes worklist `key` (`programs.worklists.WORKLISTS`) has in
    `year` within `scope`, unfiltered: the worklists' index and each list's page count, stored
    like `report`."""
    from programs import worklists

    def compute() -> int:
        return worklists.WORKLISTS[key].build(scope, year).count()

    return stored(scope, f"worklist:{key}:{year}", compute)


def store_worklist_counts() -> None:
    """The programme worklists read their counts here (ReportsConfig.ready)."""
    from programs import worklists

    worklists.set_count_store(
        lambda scope, key, year: worklist_count(scope=scope, key=key, year=year)
    )
