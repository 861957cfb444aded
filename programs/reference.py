"""The reference data every household page reads — the active programmes with their agencies,
their dated rules, the latest periodic review round — kept per process between requests while
it stays the same (issue 11: the page under load was bound by the CPU, and these three queries
and their rows were ~7 % of it).

"The same" is decided by the database, never by a timer: migration 0010 keeps one number,
`programs_reference_version`, that a trigger changes with every write statement to those
tables (a form, the admin, a fixture, `psql`), in the writing transaction. A process reads the
number (one small query), and reads the data again only when the number is not the one it
kept. So:

- a write committed by any process is seen by every process on its next request;
- a request that wrote reference data sees its own write (its transaction sees its number);
- the number comes from a sequence, never handed out twice: data read inside a write that was
  then rolled back is kept under a number no committed state will have, so it is never served.

On SQLite (the development default) there is no trigger: the data is read on every request.
The objects are shared by the requests of a process: callers must not change them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import connection

from households import standing
from households.models import ReviewRound
from programs.models import Programme, ProgrammeRule

_VERSION_SQL = "SELECT version FROM programs_reference_version WHERE id = 1"


@dataclass(frozen=True)
class Reference:
    latest_periodic_round: ReviewRound | None
    # Active programmes, with their agency, in the model's order.
    programmes: tuple[Programme, ...]
    # Every rule of each of `programmes`, by programme id, oldest first.
    rules: Mapping[int, tuple[ProgrammeRule, ...]]


def _read() -> Reference:
    programmes = tuple(Programme.objects.filter(is_active=True).select_related("agency"))
    rules: dict[int, list[ProgrammeRule]] = {p.pk: [] for p in programmes}
    for rule in ProgrammeRule.objects.filter(programme_id__in=rules).order_by("valid_from"):
        rules[rule.programme_id].append(rule)
    return Reference(
        latest_periodic_round=standing.latest_periodic_round(),
        programmes=programmes,
        rules={pk: tuple(found) for pk, found in rules.items()},
    )


def version() -> int | None:
    """The reference data version, or None where it is not kept (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return None if row is None else int(row[0])


_kept: tuple[int, Reference] | None = None
_lock = threading.Lock()


def current() -> Reference:
    """The reference data as this request's transaction sees it: kept by the process when its
    version has not changed, else read (four queries) and kept. One query when kept."""
    global _kept
    number = version()
    if number is None:
        return _read()
    kept = _kept
    if kept is not None and kept[0] == number:
        return kept[1]
    found = _read()
    with _lock:
        _kept = (number, found)
    return found


def forget() -> None:
    """Drop the process's copy: the next `current()` reads the data."""
    global _kept
    with _lock:
        _kept = None
