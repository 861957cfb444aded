"""When a Social Policy Bank loan needs attention on a day: overdue, or its use due for a check.

Plan 221/KH-UBND (2017) asks the bank and the unions it entrusts to "thường xuyên kiểm tra,
quản lý việc sử dụng vốn vay đúng mục đích, hiệu quả, hạn chế nợ quá hạn" (section IV.2) and
the wards to check regularly how poor households use their loans (section III). The one rule,
read by the overdue-loans worklist, the household page and the loan page:

- a loan is *open* while money is owed on it (`outstanding` > 0);
- an open loan is *past due* the day after its due date (`Loan.due_on`, the disbursement date
  plus the term, `due_date`) and is then overdue by the days since that date;
- it is *overdue* when past due, or when the bank's last statement marked it overdue (a missed
  instalment before the end of the term: `Loan.is_overdue`, days unknown);
- its use is *due for a check* when it was lent `CHECK_INTERVAL_MONTHS` or more before the day
  (on or before `check_cutoff`) and has not been checked since that cut-off.

`standing` decides for one loan in Python; `attention_q` is the same rule as a database filter
for the worklist (rows, counts, paging), written from the same cut-offs.
tests/programs/test_loan_status.py checks the two agree, case by case.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from programs.models import LoanCheck

# How often a loan's use is checked. UNCONFIRMED: the plan says "thường xuyên" (regularly) and
# gives no interval; the Social Policy Bank's savings-and-loan groups are commonly described as
# checking each loan's use within months of disbursement and then periodically. Six months is
# this app's default, to be replaced by the bank's or the city's own rule when one is read.
CHECK_INTERVAL_MONTHS = 6


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by `months` calendar months, kept at the month's last day when the month is
    shorter (31/01 + 1 month = 28/02 or 29/02; 31/08 − 6 months = 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(disbursed_on: datetime.date, term_months: int) -> datetime.date:
    """The day the last repayment is due: the disbursement date plus the term."""
    return add_months(disbursed_on, term_months)


def check_cutoff(day: datetime.date) -> datetime.date:
    """On `day`, an open loan lent on or before this date and not checked after it is due for a
    check."""
    return add_months(day, -CHECK_INTERVAL_MONTHS)


@dataclass(frozen=True)
class LoanStanding:
    """What `standing` says of a loan on `day`."""

    day: datetime.date
    due_on: datetime.date
    is_open: bool
    past_due: bool
    bank_overdue: bool
    # Days since the due date when past due; None otherwise (a loan the bank marked overdue
    # before its due date is overdue by days the statement does not give).
    days_overdue: int | None
    check_due: bool
    last_checked_on: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.past_due or self.bank_overdue

    @property
    def needs_attention(self) -> bool:
        return self.overdue or self.check_due


def standing(
    *,
    disbursed_on: datetime.date,
    due_on: datetime.date,
    outstanding: int,
    bank_overdue: bool,
    last_checked_on: datetime.date | None,
    day: datetime.date,
) -> LoanStanding:
    """The one rule (module docstring): is the loan overdue, by how many days, and is its use
    due for a check on `day`."""
    is_open = outstanding > 0
    past_due = is_open and day > due_on
    return LoanStanding(
        day=day,
        due_on=due_on,
        is_open=is_open,
        past_due=past_due,
        bank_overdue=is_open and bank_overdue,
        days_overdue=(day - due_on).days if past_due else None,
        check_due=is_open and _check_due(disbursed_on, last_checked_on, check_cutoff(day)),
        last_checked_on=last_checked_on,
    )


def _check_due(
    disbursed_on: datetime.date, last_checked_on: datetime.date | None, cutoff: datetime.date
) -> bool:
    return disbursed_on <= cutoff and not (last_checked_on is not None and last_checked_on > cutoff)


def of_loan(loan: Any, day: datetime.date, *, last_checked_on: Any = ...) -> LoanStanding:
    """`standing` of a `programs.models.Loan`; the last check is read from
    `last_checked_on` when given (an annotation), else from its prefetched `checks` (latest
    first, the model's ordering)."""
    if last_checked_on is ...:
        checks = loan.checks.all()
        last_checked_on = checks[0].checked_on if checks else None
    return standing(
        disbursed_on=loan.disbursed_on,
        due_on=loan.due_on,
        outstanding=loan.outstanding,
        bank_overdue=loan.is_overdue,
        last_checked_on=last_checked_on,
        day=day,
    )


def overdue_q(day: datetime.date, prefix: str = "") -> Q:
    """Open loans overdue on `day` (`standing(...).overdue`), as a filter on loans."""
    return Q(**{f"{prefix}outstanding__gt": 0}) & (
        Q(**{f"{prefix}due_on__lt": day}) | Q(**{f"{prefix}is_overdue": True})
    )


def attention_q(day: datetime.date) -> Q:
    """Open loans overdue or due for a check on `day` (`standing(...).needs_attention`), as a
    filter on loans. "Not checked since the cut-off" reads the checks made after it alone, once
    (a hashed subplan on PostgreSQL), not every loan's last check."""
    cutoff = check_cutoff(day)
    checked_since = LoanCheck.objects.filter(checked_on__gt=cutoff).values("loan_id")
    check_due = Q(disbursed_on__lte=cutoff) & ~Q(pk__in=checked_since)
    return Q(outstanding__gt=0) & (Q(due_on__lt=day) | Q(is_overdue=True) | check_due)
