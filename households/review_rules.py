"""The dates of the review of Circular 17/2016 that the law fixes: pure functions, no ORM.

`households.services.review` enforces them when a step is recorded; the demo data, the factories
and the tests read the same constants, so the rule is written once.
"""

from __future__ import annotations

import datetime

# The list is posted for 7 working days at the ward/commune People's Committee and the quarter's
# or hamlet's cultural house before the chairman recognises it (REFERENCE.md §7 "Public
# posting"). UNCONFIRMED: read in secondary sources only, not yet in the primary text of
# Circular 17/2016; change this one number if the primary text says otherwise.
POSTING_WORKING_DAYS = 7

# Working days are Monday to Friday. Vietnamese public holidays (Tết, 30/4, 1/5, 2/9, the Hùng
# Kings' day) are NOT modelled: a posting over a holiday is counted as if the office were open.
WORKING_WEEKDAYS = frozenset({0, 1, 2, 3, 4})


def posting_working_days(start: datetime.date, end: datetime.date) -> int:
    """The working days from `start` to `end`, both included (0 when `end` is before `start`).

    ``posting_working_days(date(2017, 11, 13), date(2017, 11, 21))`` is 7: Monday 13 to
    Friday 17 is five, Monday 20 and Tuesday 21 two more; the weekend of 18–19 is not counted.
    """
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * len(WORKING_WEEKDAYS)
    first = start.weekday()
    count += sum(1 for offset in range(rest) if (first + offset) % 7 in WORKING_WEEKDAYS)
    return count


def posting_is_long_enough(start: datetime.date, end: datetime.date) -> bool:
    return posting_working_days(start, end) >= POSTING_WORKING_DAYS


def earliest_posting_end(start: datetime.date) -> datetime.date:
    """The first day on which a posting begun on `start` has lasted long enough."""
    end = start
    while posting_working_days(start, end) < POSTING_WORKING_DAYS:
        end += datetime.timedelta(days=1)
    return end


def earliest_decision_date(posted_to: datetime.date) -> datetime.date:
    """The decision comes after the posting (REFERENCE.md §7): the day after its last day."""
    return posted_to + datetime.timedelta(days=1)
