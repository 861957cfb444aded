"""The baselines in plain SQL, written against the tables (not through the app's querysets).

Each is the least the database must do for what a page shows: the page's time over it is the
cost of the app. They follow the rules of `households.standing` (REFERENCE.md §7): a
household's status on a day is its latest recognised result in effect that day, a household
archived by then has none. Table names come from the models, so a renamed table still works.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import connection

from households.models import Assessment, Household, Member, Quarter, Ward


def tables() -> dict[str, str]:
    return {
        "household": Household._meta.db_table,
        "assessment": Assessment._meta.db_table,
        "member": Member._meta.db_table,
        "quarter": Quarter._meta.db_table,
        "ward": Ward._meta.db_table,
    }


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _not_archived_on(alias: str) -> str:
    """`alias` (a household) is not archived on the day bound as %(day)s (local date)."""
    if _postgres():
        return (
            f"({alias}.archived_at IS NULL OR "
            f"({alias}.archived_at AT TIME ZONE %(tz)s)::date > %(day)s)"
        )
    return f"({alias}.archived_at IS NULL OR date({alias}.archived_at) > %(day)s)"


def _in_effect(day_filter: str = "") -> str:
    """Each household's recognised result in effect on %(day)s: one row per household."""
    t = tables()
    where = (
        f"a.state = 'recognised' AND a.effective_from <= %(day)s AND {_not_archived_on('h')}"
        + day_filter
    )
    if _postgres():
        return (
            f"SELECT DISTINCT ON (a.household_id) a.household_id, a.status, a.ward_id "
            f"FROM {t['assessment']} a JOIN {t['household']} h ON h.id = a.household_id "
            f"WHERE {where} "
            f"ORDER BY a.household_id, a.effective_from DESC, a.decision_date DESC, a.id DESC"
        )
    return (
        f"SELECT household_id, status, ward_id FROM ("
        f"SELECT a.household_id, a.status, a.ward_id, row_number() OVER ("
        f"PARTITION BY a.household_id "
        f"ORDER BY a.effective_from DESC, a.decision_date DESC, a.id DESC) AS n "
        f"FROM {t['assessment']} a JOIN {t['household']} h ON h.id = a.household_id "
        f"WHERE {where}) ranked WHERE n = 1"
    )


def _params(**values: Any) -> dict[str, Any]:
    return {"tz": settings.TIME_ZONE, **values}


def headline(day: datetime.date, ward_id: int | None = None) -> dict[str, int]:
    """The dashboard's headline: households by status on `day` (city, or counted in the unit
    the result was made in, as the plan's tables count them)."""
    sql = f"SELECT s.status, count(*) FROM ({_in_effect()}) s"
    if ward_id is not None:
        sql += " WHERE s.ward_id = %(ward)s"
    sql += " GROUP BY s.status"
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(day=day, ward=ward_id))
        return dict(cursor.fetchall())


def _word_condition(column: str, words: list[str], params: dict[str, Any], key: str) -> str:
    parts = []
    for index, word in enumerate(words):
        params[f"{key}{index}s"] = f"{word}%"
        params[f"{key}{index}c"] = f"% {word}%"
        parts.append(f"({column} LIKE %({key}{index}s)s OR {column} LIKE %({key}{index}c)s)")
    return " AND ".join(parts)


def search_page(folded_words: list[str], term: str, limit: int = 50) -> list[tuple[Any, ...]]:
    """The list's name search: every word begins a word of the head's or a member's folded
    name (or the term is a code or an ID number), not archived, first page."""
    t = tables()
    params: dict[str, Any] = {"term": term.strip().lower(), "limit": limit}
    sql = (
        f"SELECT h.id, h.code, h.head_name FROM {t['household']} h "
        f"WHERE h.archived_at IS NULL AND h.id IN ("
        f"SELECT h2.id FROM {t['household']} h2 "
        f"LEFT JOIN {t['member']} m ON m.household_id = h2.id WHERE "
        f"({_word_condition('h2.head_name_folded', folded_words, params, 'h')}) "
        f"OR ({_word_condition('m.full_name_folded', folded_words, params, 'm')}) "
        f"OR lower(h2.code) = %(term)s OR m.national_id = %(term)s) "
        f"ORDER BY h.code, h.id LIMIT %(limit)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


STATUS_RANK = (
    "CASE a.status WHEN 'poor' THEN 0 WHEN 'near_poor' THEN 1 "
    "WHEN 'average_living' THEN 2 WHEN 'not_poor' THEN 3 ELSE 4 END"
)


def register_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {tables()['household']} WHERE archived_at IS NULL")
        return int(cursor.fetchone()[0])


def sorted_page(round_id: int | None, offset: int, limit: int = 50) -> list[tuple[Any, ...]]:
    """The register sorted by status in the round (poorest first), one page at `offset`."""
    t = tables()
    sql = (
        f"SELECT h.id, h.code, h.head_name, a.status, a.income_per_capita "
        f"FROM {t['household']} h LEFT JOIN {t['assessment']} a "
        f"ON a.household_id = h.id AND a.round_id = %(round)s "
        f"WHERE h.archived_at IS NULL "
        f"ORDER BY {STATUS_RANK}, a.poor_group, h.code, h.id LIMIT %(limit)s OFFSET %(offset)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"round": round_id, "limit": limit, "offset": offset})
        return cursor.fetchall()


def household_page(pk: int) -> int:
    """What a household page needs at least: the household, its members, its assessments."""
    t = tables()
    rows = 0
    with connection.cursor() as cursor:
        for sql in (
            f"SELECT h.*, w.name, q.name FROM {t['household']} h "
            f"JOIN {t['ward']} w ON w.id = h.ward_id "
            f"JOIN {t['quarter']} q ON q.id = h.quarter_id WHERE h.id = %(pk)s",
            f"SELECT * FROM {t['member']} WHERE household_id = %(pk)s ORDER BY id",
            f"SELECT * FROM {t['assessment']} WHERE household_id = %(pk)s ORDER BY id",
        ):
            cursor.execute(sql, {"pk": pk})
            rows += len(cursor.fetchall())
    return rows


EXPORT_SQL = (
    "SELECT h.code, h.head_name, h.address, q.name, w.name, h.phone, h.is_merit_family, "
    "h.is_social_protection, (SELECT count(*) FROM {member} m WHERE m.household_id = h.id), "
    "a.status, a.poor_group, a.income_per_capita, a.state "
    "FROM {household} h JOIN {ward} w ON w.id = h.ward_id "
    "JOIN {quarter} q ON q.id = h.quarter_id "
    "LEFT JOIN {assessment} a ON a.household_id = h.id AND a.round_id = %(round)s "
    "WHERE h.archived_at IS NULL ORDER BY w.display_order, h.code, h.id"
)


def export_rows(round_id: int | None) -> Any:
    """The export's columns for every household of the register, in one query, streamed."""
    cursor = connection.chunked_cursor()
    cursor.execute(EXPORT_SQL.format(**tables()), {"round": round_id})
    while True:
        batch = cursor.fetchmany(2000)
        if not batch:
            break
        yield from batch
    cursor.close()


def list_pdf_rows(household_ids: list[int]) -> list[tuple[Any, ...]]:
    t = tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.code, h.head_name, h.address, q.name FROM {t['household']} h "
            f"JOIN {t['quarter']} q ON q.id = h.quarter_id WHERE h.id IN "
            f"({', '.join(str(int(pk)) for pk in household_ids) or 'NULL'}) ORDER BY h.code",
        )
        return cursor.fetchall()


def counts_by_ward_and_status(round_id: int | None) -> list[tuple[int, str | None, int]]:
    """Households of the register by ward and status in the round (None: not assessed)."""
    t = tables()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT h.ward_id, a.status, count(*) FROM {t['household']} h "
            f"LEFT JOIN {t['assessment']} a ON a.household_id = h.id AND a.round_id = %(round)s "
            f"WHERE h.archived_at IS NULL GROUP BY h.ward_id, a.status",
            {"round": round_id},
        )
        return cursor.fetchall()


def members_extremes() -> tuple[int, int]:
    """A household of the register with the fewest members and one with the most (with the
    most assessments among them): the small and the big household page."""
    t = tables()
    sql = (
        f"SELECT h.id FROM {t['household']} h "
        f"LEFT JOIN (SELECT household_id, count(*) AS n FROM {t['member']} "
        f"GROUP BY household_id) m ON m.household_id = h.id "
        f"LEFT JOIN (SELECT household_id, count(*) AS n FROM {t['assessment']} "
        f"GROUP BY household_id) a ON a.household_id = h.id "
        f"WHERE h.archived_at IS NULL "
        f"ORDER BY coalesce(m.n, 0) {{order}}, coalesce(a.n, 0) {{order}}, h.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.format(order="ASC"))
        small = cursor.fetchone()[0]
        cursor.execute(sql.format(order="DESC"))
        big = cursor.fetchone()[0]
    return small, big


def typical_household() -> int:
    """A household of the register with the median number of members (and assessments): the
    page most requests are for."""
    t = tables()
    sql = (
        f"WITH sized AS (SELECT h.id, "
        f"(SELECT count(*) FROM {t['member']} m WHERE m.household_id = h.id) AS members, "
        f"(SELECT count(*) FROM {t['assessment']} a WHERE a.household_id = h.id) AS results "
        f"FROM {t['household']} h WHERE h.archived_at IS NULL) "
        f"SELECT id FROM sized ORDER BY members, results, id "
        f"LIMIT 1 OFFSET (SELECT count(*) / 2 FROM sized)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0])
