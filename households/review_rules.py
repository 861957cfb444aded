"""The dates of the review of Circular 17/2016 that the law fixes: pure functions, no ORM.

`households.services.review` enforces them when a step is recorded; the demo data, the factories
and the tests read the same constants, so the rule is written once. The dates of an ad-hoc
review (`adhoc_round_problems`, `adhoc_request_problems`) are checked by `ReviewRound.clean`
and `assessment_open_adhoc`.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

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


# --- Ad-hoc reviews (rà soát thường xuyên, Circular 17/2016 Art. 4; REFERENCE.md §3.2) --------
# Between two periodic reviews, a household's request corrects the list the latest periodic
# review recognised. An ad-hoc round is the container of one year's requests: it lies within its
# year, and it can only correct a review that began on or before it did (the ad-hoc round of
# 2018 corrects the review of September 2017; the one dated 01/01/2017 cannot). A request dated
# outside the round's days belongs to another round.


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def adhoc_round_problems(
    *,
    year: int,
    reference_date: datetime.date | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
) -> dict[str, str]:
    """Errors by field when an ad-hoc round of `year` has a date outside `year`."""
    problems = {}
    for field, day in (
        ("reference_date", reference_date),
        ("starts_on", starts_on),
        ("ends_on", ends_on),
    ):
        if day is not None and day.year != year:
            problems[field] = _(
                "An ad-hoc review round of %(year)s lies within %(year)s: %(date)s is not."
            ) % {"year": year, "date": _d(day)}
    return problems


def adhoc_request_problems(
    *,
    round_name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    request_date: datetime.date | None,
    corrected_name: str = "",
    corrected_starts_on: datetime.date | None = None,
) -> dict[str, str]:
    """Errors by field ("request_date", "round") of a request in the ad-hoc round `round_name`
    (`starts_on`–`ends_on`): the request must be dated within the round, and the round must
    not begin before the review whose result it corrects (`corrected_*`, the household's
    latest recognised result; none for a household never recognised)."""
    problems = {}
    if request_date is not None and not starts_on <= request_date <= ends_on:
        problems["request_date"] = _(
            "The request is dated %(date)s, outside %(round)s (%(start)s – %(end)s): choose the "
            "ad-hoc review round of the request's date."
        ) % {
            "date": _d(request_date),
            "round": round_name,
            "start": _d(starts_on),
            "end": _d(ends_on),
        }
    if corrected_starts_on is not None and starts_on < corrected_starts_on:
        problems["round"] = _(
            "%(round)s begins on %(start)s, before %(review)s (from %(review_start)s), whose "
            "result the request would correct: choose an ad-hoc review round that begins on or "
            "after %(review_start)s."
        ) % {
            "round": round_name,
            "start": _d(starts_on),
            "review": corrected_name,
            "review_start": _d(corrected_starts_on),
        }
    return problems
